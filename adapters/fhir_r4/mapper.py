"""Maps a read FHIR payload (Bundle of any type, or one resource) to a ParsedBatch, resource type by type.

Order matters only for lookups: patients, organisations and practitioners first, then everything that refers to them.
"""

from __future__ import annotations

from collections.abc import Callable

from adapters.fhir_r4 import case, clinical, consent, people, plans
from adapters.fhir_r4.context import Context
from adapters.fhir_r4.reader import Item, Payload
from hub.canonical import ParsedBatch
from hub.core.errors import PayloadRejected

FORMAT_ID = "fhir-r4"
MAPPING_VERSION = "fhir-r4/1"

_WITH_CHILD: dict[str, Callable[[Context, Item, str], None]] = {
    "RelatedPerson": people.map_related_person,
    "CareTeam": case.map_care_team,
    "EpisodeOfCare": case.map_episode,
    "CarePlan": plans.map_care_plan,
    "Goal": plans.map_goal,
    "Consent": consent.map_consent,
    **{name: clinical.map_entry for name in clinical.ENTRY_TYPES},
}


def _guarded(handler: Callable[..., None], ctx: Context, item: Item, *args: str) -> None:
    """Run one resource mapper; a shape it cannot handle becomes PayloadRejected naming the resource."""
    try:
        handler(ctx, item, *args)
    except PayloadRejected:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise PayloadRejected(f"{item.path}: could not be mapped ({type(exc).__name__}: {exc})") from None


def _source_system(payload: Payload) -> str | None:
    for item in payload.items:
        if item.type == "MessageHeader":
            source = item.resource.get("source") or {}
            return source.get("name") or source.get("endpoint")
    return None


def map_payload(payload: Payload) -> ParsedBatch:
    batch = ParsedBatch(
        format=FORMAT_ID,
        format_version=None,  # R4 payloads do not state their FHIR version; the adapter reads 4.0.1
        mapping_version=MAPPING_VERSION,
        source_system=_source_system(payload),
    )
    ctx = Context(batch, payload.items, bundle_type=payload.bundle_type)
    ctx.resolve_all()
    first_pass = {"Patient": people.map_patient, "Organization": people.map_organization,
                  "Practitioner": people.note_practitioner}
    for item in payload.items:
        if item.type in first_pass:
            _guarded(first_pass[item.type], ctx, item)
    # Everything mapped to an entry counts as "mapped" for related_refs, whatever the order in the Bundle.
    entry_items: list[Item] = []
    early = ("RelatedPerson", "CareTeam")  # guardians before consents, teams before episodes
    ordered = [i for i in payload.items if i.type in early]
    ordered += [i for i in payload.items if i.type not in early]
    for item in ordered:
        if item.type in first_pass:
            continue
        if item.type == "(none)":
            what = f"{item.method} request" if item.method else "entry without a resource"
            ctx.not_mapped(item.source_id, f"{what}: nothing to map (deletions are not applied from FHIR payloads)")
            continue
        handler = _WITH_CHILD.get(item.type)
        if handler is None:
            ctx.not_mapped(item.source_id, f"{item.type} is not mapped (kept in the raw archive)")
            continue
        child_ref = ctx.child_of(item)
        if child_ref is None:
            ctx.not_mapped(item.source_id, f"{item.type}: the patient it is about is not in the payload")
            continue
        if item.method == "DELETE":
            ctx.not_mapped(item.source_id, "DELETE request: deletions are not applied from FHIR payloads")
            continue
        _guarded(handler, ctx, item, child_ref)
        if item.type in clinical.ENTRY_TYPES:
            ctx.mapped_ids.add(item.source_id)
            entry_items.append(item)
    by_id = {entry.source_id: entry for entry in batch.entries}
    mapped_records = ctx.mapped_ids
    for item in entry_items:
        entry = by_id[item.source_id]
        entry.related_refs = [
            ref for ref in ctx.related(item, exclude={entry.child_ref})
            if ref in mapped_records and ref not in ctx.org_ids and ref not in ctx.guardian_ids
        ]
    return batch
