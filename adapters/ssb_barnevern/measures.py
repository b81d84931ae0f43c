"""Maps Tiltak (+Kategori, Lovhjemmel, Tiltaksgrunnlag, Tilsyn, Oppfolging, Opphevelse, Konklusjon) to MeasureRecords.

Category is always child_welfare; the ConceptMap's canonical category of Tiltak/Kategori is in payload.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from adapters.ssb_barnevern.context import MappingContext, element_path, iso, plain_date
from adapters.ssb_barnevern.entries import source_id
from adapters.ssb_barnevern.legal import legal_basis
from hub.canonical import Category, Code, MeasureRecord, MeasureStatus, Sensitivity


def _dated_items(parent: etree._Element, tag: str, ctx: MappingContext, path: str, *, date_attr: str,
                 extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    items = []
    for node in parent.findall(tag):
        npath = element_path(path, node)
        item = {"ssb_id": node.get("Id"), "date": iso(plain_date(node, date_attr, npath))}
        item.update({name.lower(): node.get(name) for name in extra if node.get(name) is not None})
        ctx.report_leftovers(node, npath, attributes={date_attr, *extra}, children=set())
        items.append(item)
    return items


def _follow_up(node: etree._Element | None, ctx: MappingContext, path: str) -> dict[str, Any] | None:
    """Tilsyn (supervision) or Oppfolging (follow-up): who, how often, when done (v1.2 Oppfolging: one date)."""
    if node is None:
        return None
    npath = element_path(path, node)
    if node.get("UtfortDato") is not None:  # v1.2 Oppfolging: Id + UtfortDato
        ctx.report_leftovers(node, npath, attributes={"UtfortDato"}, children=set())
        return {"ssb_id": node.get("Id"), "done": [{"date": iso(plain_date(node, "UtfortDato", npath))}]}
    ctx.report_leftovers(node, npath, attributes=set(), children={"Ansvarlig", "Hyppighet", "Utfort"})
    return {
        "responsible": _dated_items(node, "Ansvarlig", ctx, npath, date_attr="StartDato", extra=("Kommunenummer",)),
        "frequency": _dated_items(node, "Hyppighet", ctx, npath, date_attr="StartDato", extra=("Kode",)),
        "done": _dated_items(node, "Utfort", ctx, npath, date_attr="UtfortDato"),
    }


def map_tiltak(el: etree._Element, ctx: MappingContext, parent_path: str) -> MeasureRecord:
    path = element_path(parent_path, el)
    start = plain_date(el, "StartDato", path)
    codes: list[Code] = []
    payload: dict[str, Any] = {"record_type": "Tiltak", "ssb_id": el.get("Id"), "start_date": iso(start)}
    if el.get("MigrertId"):
        payload["migrated_id"] = el.get("MigrertId")
    description = "Tiltak"
    kategori = el.find("Kategori")
    if kategori is not None:
        value = kategori.get("Kode", "")
        code, _ = ctx.code("tiltak-kategori", value, on=start, path=f"{path}/Kategori/@Kode")
        codes.append(code)
        description = code.display or f"Tiltak, kategori {value}"
        payload["kategori"] = {"code": value, "display": code.display,
                               "category": ctx.translate("tiltak-kategori", value)}
        if kategori.get("Presisering"):
            payload["kategori"]["presisering"] = kategori.get("Presisering")
    grounds = []
    for node in el.findall("Tiltaksgrunnlag"):
        value = node.get("Kode", "")
        code, _ = ctx.code("saksinnhold", value, on=start, path=f"{path}/Tiltaksgrunnlag/@Kode")
        codes.append(code)
        grounds.append({"code": value, "display": code.display, "category": ctx.translate("saksinnhold", value),
                        **({"presisering": node.get("Presisering")} if node.get("Presisering") else {})})
    payload["grounds"] = grounds
    payload.update(legal_basis(el, ctx, path))
    payload["supervision"] = _follow_up(el.find("Tilsyn"), ctx, path)
    payload["follow_up"] = [_follow_up(n, ctx, path) for n in el.findall("Oppfolging")]
    status = MeasureStatus.active
    opphevelse = el.find("Opphevelse")
    if opphevelse is not None:
        value = opphevelse.get("Kode", "")
        code, _ = ctx.code("opphevelse", value, on=None, path=f"{path}/Opphevelse/@Kode")
        codes.append(code)
        payload["termination"] = {"code": value, "display": code.display,
                                  **({"presisering": opphevelse.get("Presisering")} if opphevelse.get("Presisering") else {})}
        status = MeasureStatus.stopped
    end = None
    konklusjon = el.find("Konklusjon")
    if konklusjon is not None:
        end = plain_date(konklusjon, "SluttDato", f"{path}/Konklusjon")
        ctx.report_leftovers(konklusjon, f"{path}/Konklusjon", attributes={"SluttDato"}, children=set())
        if status is MeasureStatus.active:
            status = MeasureStatus.completed
    payload["end_date"] = iso(end)
    ctx.report_leftovers(el, path, attributes={"StartDato"}, children={
        "Lovhjemmel", "JmfrLovhjemmel", "Kategori", "Tiltaksgrunnlag", "Tilsyn", "Oppfolging", "Opphevelse", "Konklusjon"})
    return MeasureRecord(
        source_id=source_id("Tiltak", el.get("Id", "")),
        child_ref=ctx.child_ref,
        description=description,
        category=Category.child_welfare,
        sensitivity=Sensitivity.confidential,
        responsible_org_ref=ctx.org_ref,
        status=status,
        start=start,
        end=end,
        codes=codes,
        payload=payload,
    )
