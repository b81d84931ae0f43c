"""Applies Relasjon (links between records) and Slettet / ErSlettet (deletions) to the mapped records.

A link is kept on its "Fra" record; a deletion becomes an EntryRecord with retracted=True and the deleted
record's source id ("<Type>/<Id>", also for a deleted Tiltak, whose MeasureRecord has no retracted flag).
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from adapters.ssb_barnevern.context import MappingContext, element_path, is_true, iso, plain_date, utc
from adapters.ssb_barnevern.entries import source_id
from hub.canonical import Category, EntryKind, EntryRecord, MeasureRecord, Sensitivity

RETRACTION_KIND = {
    "Melding": EntryKind.referral,
    "Undersokelse": EntryKind.assessment,
    "Plan": EntryKind.document,
    "Tiltak": EntryKind.note,
    "Vedtak": EntryKind.decision,
    "Ettervern": EntryKind.note,
    "OversendelseFylkesnemnd": EntryKind.referral,
    "Flytting": EntryKind.note,
}


def apply_relations(sak: etree._Element, ctx: MappingContext, *, entries: dict[str, EntryRecord],
                    measures: dict[str, MeasureRecord], full_extract: bool) -> None:
    for rel in sak.findall("Relasjon"):
        path = element_path("/Barnevern/Sak", rel)
        ctx.report_leftovers(rel, path, attributes={"FraId", "FraType", "TilId", "TilType"}, children=set())
        origin = source_id(rel.get("FraType", ""), rel.get("FraId", ""))
        target = source_id(rel.get("TilType", ""), rel.get("TilId", ""))
        described = f"{origin} -> {target}"
        if is_true(rel.get("ErSlettet")):
            ctx.skip(path, f"deleted relation {described} (ErSlettet): the link is left out of its records")
            continue
        link = {"ssb_id": rel.get("Id"), "to_type": rel.get("TilType"), "to_id": rel.get("TilId")}
        if origin in entries:
            entry = entries[origin]
            if target not in entry.related_refs:
                entry.related_refs.append(target)
            entry.payload.setdefault("relations", []).append(link)
        elif origin in measures:
            measures[origin].payload.setdefault("relations", []).append(link)
        else:
            ctx.skip(path, f"relation {described}: its Fra record is not in this extract, so the link has no record "
                           "to live on")
            if full_extract:
                ctx.warn("relation-dangling", f"relation {described} starts at a record the full extract does not "
                                              "contain", path)
            continue
        if full_extract and target not in entries and target not in measures:
            ctx.warn("relation-dangling", f"relation {described} points to a record the full extract does not "
                                          "contain", path)


def retraction(ctx: MappingContext, *, element_type: str, ident: str, deleted_on: date | None) -> EntryRecord:
    """The retraction of a record the source deleted: no content, retracted=True, the deleted record's source id."""
    return EntryRecord(
        source_id=source_id(element_type, ident),
        child_ref=ctx.child_ref,
        kind=RETRACTION_KIND[element_type],
        category=Category.child_welfare,
        sensitivity=Sensitivity.confidential,
        occurred_at=utc(deleted_on),
        text=f"{element_type} slettet i fagsystemet",
        payload={"record_type": element_type, "ssb_id": ident, "deleted_date": iso(deleted_on)},
        author_org_ref=ctx.org_ref,
        retracted=True,
        retracts="measure" if element_type == "Tiltak" else "entry",
    )


def apply_deletions(sak: etree._Element, ctx: MappingContext, *, entries: dict[str, EntryRecord],
                    measures: dict[str, MeasureRecord]) -> None:
    """Slettet elements (v1.2 and v4) and ErSlettet on Tiltak (v4); ErSlettet entries are already retracted."""
    for tiltak in sak.findall("Tiltak"):
        sid = source_id("Tiltak", tiltak.get("Id", ""))
        if is_true(tiltak.get("ErSlettet")) and sid in measures:
            del measures[sid]
            entries[sid] = retraction(ctx, element_type="Tiltak", ident=tiltak.get("Id", ""), deleted_on=None)
    for node in sak.findall("Slettet"):
        path = element_path("/Barnevern/Sak", node)
        kind, ident = node.get("Type", ""), node.get("Id", "")
        deleted_on = plain_date(node, "SluttDato", path)
        ctx.report_leftovers(node, path, attributes={"Type", "SluttDato"}, children=set())
        if kind not in RETRACTION_KIND:
            ctx.skip(path, f"deletion of a {kind} ({ident}): no canonical record of that type (a relation is "
                           "removed when its Fra record is re-sent without it)")
            ctx.warn("deletion-not-mapped", f"Slettet {kind} {ident} cannot be expressed as a retraction", path)
            continue
        sid = source_id(kind, ident)
        if (sid in entries and not entries[sid].retracted) or sid in measures:
            ctx.warn("deleted-and-present", f"{sid} is both listed and marked Slettet; the deletion wins", path)
        measures.pop(sid, None)
        if sid in entries and entries[sid].retracts is None:
            entries[sid].retracted = True
            entries[sid].payload["deleted_date"] = iso(deleted_on)
        else:
            entries[sid] = retraction(ctx, element_type=kind, ident=ident, deleted_on=deleted_on)
