"""Renders one child's case (a ParsedBatch with one child) as a FHIR R4 collection Bundle in JSON.

Ids are deterministic from source ids; entries parsed from FHIR are re-emitted from payload["fhir"].
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from typing import Any

from adapters.fhir_r4.case import BTI_LEVEL_EXT, MUNICIPALITY_EXT
from adapters.fhir_r4.consent import CATEGORY_SYSTEM, REVOKED_EXT, SECTOR_SYSTEM
from adapters.fhir_r4.reader import HASH_NAMESPACE
from adapters.fhir_r4.render_records import (
    care_plan_resource,
    communication_resource,
    goal_resource,
    organization_resource,
    patient_resource,
    related_person_resource,
)
from hub.canonical import CaseStatus, EntryRecord, MeasureRecord, ParsedBatch
from hub.core.errors import InvalidInput, UnsupportedMediaType

_CONSENT_STATUSES = {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}
_EPISODE_STATUS = {CaseStatus.open: "active"}


class Ids:
    """Deterministic FHIR ids, fullUrls and references for every rendered record."""

    def __init__(self) -> None:
        self.refs: dict[str, str] = {}

    def assign(self, resource_type: str, source_id: str) -> tuple[str | None, str]:
        match = re.fullmatch(rf"{resource_type}/([A-Za-z0-9\-.]{{1,64}})", source_id)
        if match:
            fid, full_url = match.group(1), f"urn:uuid:{uuid.uuid5(HASH_NAMESPACE, source_id)}"
        elif source_id.startswith(("urn:uuid:", "urn:oid:")):
            fid, full_url = None, source_id
        else:
            fid = self.derived_id(source_id)
            full_url = f"urn:uuid:{fid}"
        self.refs[source_id] = full_url  # references inside the export point at fullUrls (Bundle rules)
        return fid, full_url

    @staticmethod
    def derived_id(source_id: str) -> str:
        """The id of a resource whose source id is not "<Type>/<id>" (a hub row's UUID, on export)."""
        return str(uuid.uuid5(HASH_NAMESPACE, source_id))

    def ref(self, source_id: str | None) -> dict[str, str] | None:
        if source_id is None or source_id not in self.refs:
            return None
        return {"reference": self.refs[source_id]}

    def rewrite(self, value: Any) -> Any:
        """Point stored references at rendered resources; drop dangling urn: references (keep display)."""
        if isinstance(value, dict):
            result = {k: self.rewrite(v) for k, v in value.items() if k != "contained"}
            if "contained" in value:
                result["contained"] = value["contained"]
            ref = value.get("reference")
            if isinstance(ref, str):
                if ref in self.refs:
                    result["reference"] = self.refs[ref]
                elif ref.startswith(("urn:uuid:", "urn:oid:")):
                    result.pop("reference")
                    if not result:
                        result["display"] = "(not exported)"
            return result
        if isinstance(value, list):
            return [self.rewrite(v) for v in value]
        return value


def _entry(full_url: str, resource: dict[str, Any], fid: str | None) -> dict[str, Any]:
    resource = {"resourceType": resource["resourceType"], **({"id": fid} if fid else {}),
                **{k: v for k, v in resource.items() if k not in ("resourceType", "id")}}
    return {"fullUrl": full_url, "resource": resource}


def _instant(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _ext(url: str, **value: Any) -> dict[str, Any]:
    return {"url": url, **value}


def render_bundle(batch: ParsedBatch, *, media_type: str | None = None) -> bytes:
    if media_type and "xml" in media_type.lower():
        raise UnsupportedMediaType("the FHIR export is rendered as JSON only (application/fhir+json)")
    if len(batch.children) != 1:
        raise InvalidInput(f"a FHIR export renders exactly one child; this case view has {len(batch.children)}")
    child = batch.children[0]
    ids = Ids()
    planned: list[tuple[str, str, Any]] = [("Patient", child.source_id, child)]
    planned += [("Organization", o.source_id, o) for o in batch.organizations]
    contacts = [g for g in batch.guardians if g.extra.get("origin") == "Patient.contact"]
    planned += [("RelatedPerson", g.source_id, g) for g in batch.guardians if g not in contacts]
    planned += [("Goal", g.source_id, g) for g in batch.goals]
    # Activities name their CarePlan by the sender's source id (payload "careplan"); so does the plan itself, which
    # matters when the view carries other ids (the hub's) than the original payload.
    plans = {m.payload.get("careplan", m.source_id): m.source_id for m in batch.measures
             if (m.payload.get("fhir") or {}).get("resourceType") == "CarePlan"}
    activities: dict[str, list] = {}
    for measure in batch.measures:
        if measure.payload.get("careplan") in plans and "fhir_activity" in measure.payload:
            activities.setdefault(plans[measure.payload["careplan"]], []).append(measure)
        else:
            planned.append(("CarePlan", measure.source_id, measure))
    for entry in batch.entries:
        fhir = entry.payload.get("fhir")
        rtype = fhir.get("resourceType") if isinstance(fhir, dict) else None
        planned.append((rtype or "Communication", entry.source_id, entry))
    authors = {e.payload["author_practitioner"]: e.author_name for e in batch.entries
               if e.author_name and isinstance(e.payload.get("author_practitioner"), str)}
    planned += [("Practitioner", sid, name) for sid, name in sorted(authors.items())]
    planned += [("Consent", c.source_id, c) for c in batch.consents]
    for fact in batch.case_facts:
        planned.append(("EpisodeOfCare", fact.source_id, fact))
    assigned = {}
    for rtype, source_id, _ in planned:
        assigned[source_id] = ids.assign(rtype, source_id)
    for fact in batch.case_facts:
        if fact.participants:
            assigned[f"{fact.source_id}#team"] = ids.assign("CareTeam", f"{fact.source_id}#team")

    _alias_stored_references(batch, ids)
    patient_ref = ids.ref(child.source_id)
    assert patient_ref is not None  # the child is planned, and so assigned, first
    out: list[dict[str, Any]] = []
    for rtype, source_id, record in planned:
        fid, full_url = assigned[source_id]
        if rtype == "Patient":
            resource = patient_resource(record, contacts)
        elif rtype == "Organization":
            resource = organization_resource(record)
        elif rtype == "RelatedPerson":
            resource = related_person_resource(record, patient_ref)
        elif rtype == "Practitioner":
            resource = {"resourceType": "Practitioner", "name": [{"text": record}]}
        elif rtype == "Goal":
            resource = goal_resource(record, patient_ref)
        elif rtype == "CarePlan":
            resource = care_plan_resource(record, patient_ref, ids, activities.get(source_id, []))
        elif rtype == "Consent":
            resource = _consent(record, patient_ref, ids)
        elif rtype == "EpisodeOfCare":
            out.extend(_episode(record, patient_ref, ids, assigned))
            continue
        elif "fhir" in record.payload:
            resource = ids.rewrite(copy.deepcopy(record.payload["fhir"]))
        else:
            resource = communication_resource(record, patient_ref, ids)
        out.append(_entry(full_url, resource, fid))
        provenance = getattr(record, "provenance", None)
        if provenance is not None and (provenance.recorded_at or getattr(record, "occurred_at", None)):
            out.append(_provenance(record, ids))
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(HASH_NAMESPACE, f"export:{child.source_id}")),
        "type": "collection",
        "entry": out,
    }
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_SUBJECT_KEYS = ("subject", "patient", "beneficiary")
_ORG_AUTHOR_KEYS = ("recorder", "asserter", "performer", "author", "sender", "participant", "serviceProvider")


def _reference_strings(value: Any) -> list[str]:
    refs = value if isinstance(value, list) else [value]
    found = []
    for ref in refs:
        if isinstance(ref, dict) and isinstance(ref.get("individual") or ref.get("actor"), dict):
            ref = ref.get("individual") or ref.get("actor")
        if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
            found.append(ref["reference"])
    return found


def _alias_stored_references(batch: ParsedBatch, ids: Ids) -> None:
    """Stored FHIR payloads point at the *sender's* source ids; when the view uses other ids (the hub's), map them:
    the subject is this child, an entry's original id is in its provenance, its first organisation author is the
    entry's author organisation. Without this, an export of a hub case re-imports without its entries."""
    child_url = ids.refs[batch.children[0].source_id]
    records: list[EntryRecord | MeasureRecord] = [*batch.entries, *batch.measures]
    for record in records:
        stored = record.payload.get("fhir")
        if not isinstance(stored, dict):
            continue
        for key in _SUBJECT_KEYS:
            for ref in _reference_strings(stored.get(key)):
                ids.refs.setdefault(ref, child_url)
        provenance = getattr(record, "provenance", None)
        if provenance is not None and provenance.source_record_id and record.source_id in ids.refs:
            ids.refs.setdefault(provenance.source_record_id, ids.refs[record.source_id])
        org = getattr(record, "author_org_ref", None)
        if org in ids.refs:
            for key in _ORG_AUTHOR_KEYS:
                refs = [r for r in _reference_strings(stored.get(key)) if r.startswith("Organization/")]
                if refs:
                    ids.refs.setdefault(refs[0], ids.refs[org])
                    break


def _consent(record: Any, patient_ref: dict[str, str], ids: Ids) -> dict[str, Any]:
    category = [{"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Consent Document"}]}]
    category += [{"coding": [{"system": CATEGORY_SYSTEM, "code": c.value}]} for c in record.categories]
    category += [{"coding": [{"system": SECTOR_SYSTEM, "code": s.value}]} for s in record.sectors]
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "status": record.status if record.status in _CONSENT_STATUSES else "inactive",
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]},
        "category": category,
        "patient": patient_ref,
    }
    if record.revoked_at:
        resource["extension"] = [_ext(REVOKED_EXT, valueDateTime=_instant(record.revoked_at))]
    performer = ids.ref(record.guardian_ref) or (patient_ref if record.given_by.value == "child" else None)
    if performer:
        resource["performer"] = [performer]
    orgs = [ids.ref(o) for o in record.org_refs if ids.ref(o)]
    if orgs:
        resource["organization"] = orgs
    if record.document_ref:
        doc = record.document_ref
        if doc in ids.refs or re.match(r"^([A-Z][A-Za-z]+/|urn:)", doc):
            resource["sourceReference"] = ids.ref(doc) or {"reference": doc}
        else:
            resource["sourceAttachment"] = {"url": doc} if "://" in doc else {"title": doc}
    provision: dict[str, Any] = {}
    if record.valid_from or record.valid_to:
        period = {"start": _instant(record.valid_from), "end": _instant(record.valid_to)}
        provision["period"] = {k: v for k, v in period.items() if v}
    if record.purpose:
        provision["purpose"] = [{"system": "https://stafett.no/fhir/CodeSystem/consent-purpose",
                                 "code": "stated", "display": record.purpose}]
    if provision:
        resource["provision"] = provision
    return resource


def _episode(fact: Any, patient_ref: dict[str, str], ids: Ids, assigned: dict) -> list[dict[str, Any]]:
    fid, full_url = assigned[fact.source_id]
    episode: dict[str, Any] = {
        "resourceType": "EpisodeOfCare",
        "status": _EPISODE_STATUS.get(fact.status, "finished" if fact.status else "active"),
        "patient": patient_ref,
    }
    extensions = []
    if fact.bti_level is not None:
        extensions.append(_ext(BTI_LEVEL_EXT, valueInteger=fact.bti_level))
    if fact.municipality:
        extensions.append(_ext(MUNICIPALITY_EXT, valueString=fact.municipality))
    if extensions:
        episode["extension"] = extensions
    period = {"start": _instant(fact.opened_at), "end": _instant(fact.closed_at)}
    if any(period.values()):
        episode["period"] = {k: v for k, v in period.items() if v}
    result = []
    members = [p for p in fact.participants if ids.ref(p.org_ref)]
    if members:
        team_fid, team_url = assigned[f"{fact.source_id}#team"]
        episode["team"] = [ids.ref(f"{fact.source_id}#team")]
        team = {
            "resourceType": "CareTeam",
            "status": "active" if fact.status in (None, CaseStatus.open) else "inactive",
            "subject": patient_ref,
            "participant": [{"role": [{"text": p.role}], "member": ids.ref(p.org_ref)} for p in members],
        }
        result.append(_entry(team_url, team, team_fid))
    result.insert(0, _entry(full_url, episode, fid))
    return result


def _provenance(record: Any, ids: Ids) -> dict[str, Any]:
    prov = record.provenance
    source = prov.source_system or prov.format or "unknown source"
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "target": [ids.ref(record.source_id)],
        "recorded": _instant(prov.recorded_at or record.occurred_at),
        "agent": [{"who": {"display": source}}],
    }
    if prov.source_record_id or prov.raw_checksum:
        what = {"identifier": {"system": "urn:stafett:source-record",
                               "value": prov.source_record_id or prov.raw_checksum}}
        resource["entity"] = [{"role": "source", "what": what}]
    if prov.mapping_version or prov.format:
        resource["policy"] = [f"urn:stafett:mapping:{prov.format or ''}:{prov.mapping_version or ''}"]
    key = f"{record.source_id}#provenance"
    return _entry(f"urn:uuid:{uuid.uuid5(HASH_NAMESPACE, key)}", resource, str(uuid.uuid5(HASH_NAMESPACE, key)))

