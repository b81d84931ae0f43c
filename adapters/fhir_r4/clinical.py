"""Clinical resources -> EntryRecord: Condition, Observation, Encounter, Immunization, DocumentReference, Flag, …

Codes and values go to the entry; the whole resource (references rewritten to source ids) stays in payload["fhir"].
"""

from __future__ import annotations

from typing import Any

from adapters.fhir_r4.common import codes_of, concept_text, sensitivity_of, when
from adapters.fhir_r4.context import Context
from adapters.fhir_r4.reader import Item
from hub.canonical import Category, EntryKind, EntryRecord, Sensitivity
from hub.canonical.vocab import AuthorKind

# resource type -> (entry kind, code element, time elements in order of preference)
ENTRY_TYPES: dict[str, tuple[EntryKind, str | None, tuple[str, ...]]] = {
    "Condition": (EntryKind.concern, "code", ("onsetDateTime", "onsetPeriod.start", "recordedDate")),
    "Observation": (EntryKind.observation, "code", ("effectiveDateTime", "effectivePeriod.start", "effectiveInstant", "issued")),
    "DiagnosticReport": (EntryKind.assessment, "code", ("effectiveDateTime", "effectivePeriod.start", "issued")),
    "Encounter": (EntryKind.meeting, "type", ("period.start",)),
    "Immunization": (EntryKind.observation, "vaccineCode", ("occurrenceDateTime", "recorded")),
    "DocumentReference": (EntryKind.document, "type", ("date", "context.period.start")),
    "Composition": (EntryKind.document, "type", ("date",)),
    "Flag": (EntryKind.alert, "code", ("period.start",)),
    "Communication": (EntryKind.note, "topic", ("sent", "received")),
}
_AUTHOR_KEYS = ("recorder", "asserter", "performer", "author", "sender", "participant", "serviceProvider")
_VALUE_KEYS = ("valueQuantity", "valueCodeableConcept", "valueString", "valueBoolean", "valueInteger",
               "valueRange", "valueRatio", "valueSampledData", "valueTime", "valueDateTime", "valuePeriod")


def _get(resource: dict[str, Any], dotted: str) -> Any:
    value: Any = resource
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _codes_element(resource: dict[str, Any], element: str | None) -> dict[str, Any] | None:
    value = resource.get(element) if element else None
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _value(holder: dict[str, Any]) -> dict[str, Any] | None:
    for key in _VALUE_KEYS:
        if key in holder:
            return {"type": key[5:], "value": holder[key]}
    return None


def _text(resource: dict[str, Any], concept: dict[str, Any] | None) -> str | None:
    rtype = resource["resourceType"]
    if rtype == "Communication":
        parts = [p["contentString"] for p in resource.get("payload") or [] if p.get("contentString")]
        return "\n".join(parts) or None
    if rtype == "DocumentReference" and resource.get("description"):
        return resource["description"]
    if rtype == "Composition" and resource.get("title"):
        return resource["title"]
    return concept_text(concept)


def _authors(ctx: Context, item: Item) -> tuple[str | None, str | None, str | None]:
    org_ref = name = person_ref = None
    for key in _AUTHOR_KEYS:
        value = item.resource.get(key)
        if value is None:
            continue
        refs = value if isinstance(value, list) else (value,)
        for ref in refs:
            if isinstance(ref, dict) and isinstance(ref.get("individual") or ref.get("actor"), dict):
                ref = ref.get("individual") or ref.get("actor")
            if not isinstance(ref, dict):
                continue
            target = ctx.target(item, ref)
            if target is not None and target.source_id in ctx.org_ids and org_ref is None:
                org_ref = target.source_id
            elif target is not None and target.source_id in ctx.names_by_id and name is None:
                name, person_ref = ctx.names_by_id[target.source_id], target.source_id
            elif name is None and ref.get("display") and (target is None or target.type != "Organization"):
                name = ref["display"]
    return org_ref, name, person_ref


def map_entry(ctx: Context, item: Item, child_ref: str) -> None:
    res = item.resource
    kind, code_element, time_keys = ENTRY_TYPES[item.type]
    concept = _codes_element(res, code_element)
    occurred = None
    for key in time_keys:
        occurred = when(_get(res, key), path=f"{item.source_id}.{key}")
        if occurred is not None:
            break
    default = Sensitivity.sensitive if item.type == "Condition" else Sensitivity.normal
    org_ref, name, person_ref = _authors(ctx, item)
    payload: dict[str, Any] = {"resourceType": item.type, "fhir": ctx.stored_json(item)}
    if person_ref:
        payload["author_practitioner"] = person_ref  # the export re-creates this Practitioner with the name
    if res.get("status"):
        payload["status"] = res["status"]
    value = _value(res)
    if value is not None:
        payload["value"] = value
    if res.get("component"):
        payload["components"] = [
            {"codes": [c.model_dump() for c in codes_of(comp.get("code"))], "value": _value(comp)}
            for comp in res["component"]
        ]
    if item.type == "Encounter" and res.get("reasonCode"):
        payload["reason"] = [concept_text(c) for c in res["reasonCode"]]
    ctx.batch.entries.append(
        EntryRecord(
            source_id=item.source_id,
            child_ref=child_ref,
            kind=kind,
            category=Category.health,
            sensitivity=sensitivity_of(res, default=default),
            occurred_at=occurred,
            text=_text(res, concept),
            codes=codes_of(concept),
            payload=payload,
            author_kind=AuthorKind.organization if org_ref or not name else AuthorKind.person,
            author_org_ref=org_ref,
            author_name=name,
            retracted=res.get("status") == "entered-in-error",
        )
    )
