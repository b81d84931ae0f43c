"""How hub ids become FHIR ids on the facade (one rule, no lookup table), and the rewrite of a rendered export
to use them: absolute fullUrls under /fhir, relative references, meta.versionId for entries.
"""

# The mapping: every FHIR id is the hub's own UUID —
#   Patient = child.id, EpisodeOfCare = case.id, Organization = organization.id, RelatedPerson = guardian.id,
#   Goal = goal.id, CarePlan = measure.id (activities stay inside their plan), Consent = consent.id, and the
#   entry-derived types (Condition, Observation, Encounter, Immunization, DiagnosticReport, DocumentReference,
#   Composition, Flag, Communication) = entry.lineage_id, with meta.versionId = the entry's current version.
# The FHIR adapter's render() gives each resource an id of its own; its facade surface says which
# (resource_id), and the facade renames them back to hub ids.
# CareTeam, Provenance and Practitioner resources in $everything are derived and keep their urn:uuid ids.

from __future__ import annotations

from typing import Any

from adapters.registry import fhir_facade
from hub.canonical.records import ParsedBatch

ENTRY_RESOURCE_TYPES: tuple[str, ...] = fhir_facade().entry_resource_types
READABLE_TYPES: tuple[str, ...] = (
    "Patient", "EpisodeOfCare", "Organization", "RelatedPerson", "Goal", "CarePlan", "Consent", *ENTRY_RESOURCE_TYPES,
)


def _hub_ids(view: ParsedBatch) -> list[str]:
    parts = (view.children, view.organizations, view.guardians, view.case_facts, view.goals, view.measures,
             view.entries, view.consents)
    return [record.source_id for part in parts for record in part]


def _rewrite(value: Any, urls: dict[str, str]) -> None:
    if isinstance(value, dict):
        ref = value.get("reference")
        if isinstance(ref, str) and ref in urls:
            value["reference"] = urls[ref]
        for key, child in value.items():
            if key != "contained" and isinstance(child, (dict, list)):
                _rewrite(child, urls)
    elif isinstance(value, list):
        for child in value:
            _rewrite(child, urls)


def to_facade_ids(bundle: dict[str, Any], view: ParsedBatch, *, base: str) -> list[dict[str, Any]]:
    """The rendered export's entries with hub ids, absolute fullUrls under `base` and relative references."""
    facade = fhir_facade()
    reverse = {facade.resource_id(sid): sid for sid in _hub_ids(view)}
    versions = {e.source_id: e.version for e in view.entries}
    urls: dict[str, str] = {}
    entries = bundle.get("entry") or []
    for entry in entries:
        resource = entry["resource"]
        hub_id = reverse.get(resource.get("id"))
        if hub_id is None:
            continue
        rtype = resource["resourceType"]
        resource["id"] = hub_id
        urls[entry["fullUrl"]] = f"{rtype}/{hub_id}"
        entry["fullUrl"] = f"{base}/{rtype}/{hub_id}"
        if versions.get(hub_id) is not None:
            resource["meta"] = {**(resource.get("meta") or {}), "versionId": str(versions[hub_id])}
    for entry in entries:
        _rewrite(entry["resource"], urls)
    return entries
