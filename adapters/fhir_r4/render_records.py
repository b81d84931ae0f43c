"""Canonical record -> FHIR R4 resource builders for the export (Patient, RelatedPerson, Organization, …).

Each builder is the inverse of its mapper in people.py / plans.py / clinical.py, so an export re-imports the same.
"""

from __future__ import annotations

import copy
from typing import Any

from adapters.fhir_r4.common import PARENTAL_RESPONSIBILITY_SYSTEM, address_to_fhir, names_to_fhir
from adapters.fhir_r4.plans import EVALUATION_EXT
from hub.canonical import (
    ChildRecord,
    EntryRecord,
    GoalRecord,
    GoalStatus,
    GuardianRecord,
    MeasureRecord,
    MeasureStatus,
    OrganizationRecord,
    PostalAddress,
    Sector,
    Sensitivity,
)

KIND_SYSTEM = "https://stafett.no/fhir/CodeSystem/entry-kind"
_GOAL_STATUS = {GoalStatus.proposed: "proposed", GoalStatus.active: "active", GoalStatus.achieved: "completed",
                GoalStatus.cancelled: "cancelled"}
_PLAN_STATUS = {MeasureStatus.planned: "draft", MeasureStatus.active: "active", MeasureStatus.completed: "completed",
                MeasureStatus.stopped: "revoked"}
_ORG_TYPE = {Sector.school: "edu", Sector.municipality: "govt"}


def _clean(resource: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if v not in (None, [], {}, "")}


def _instant(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _meta(extra: dict[str, Any]) -> dict[str, Any] | None:
    return copy.deepcopy(extra["meta"]) if extra.get("meta") else None


def _telecom(guardian: GuardianRecord) -> list[dict[str, Any]]:
    return [_clean({"system": c.system, "value": c.value, "use": c.use}) for c in guardian.contact]


def _relationship(guardian: GuardianRecord) -> list[dict[str, Any]]:
    if guardian.extra.get("relationship"):
        return copy.deepcopy(guardian.extra["relationship"])
    result: list[dict[str, Any]] = [{"text": guardian.relation}] if guardian.relation else []
    if guardian.parental_responsibility is not None:
        code = guardian.parental_responsibility.value
        result.append({"coding": [{"system": PARENTAL_RESPONSIBILITY_SYSTEM, "code": code}]})
    return result


def patient_resource(child: ChildRecord, contacts: list[GuardianRecord]) -> dict[str, Any]:
    communication = [
        _clean({"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": lang}]},
                "preferred": True if lang == child.preferred_language else None})
        for lang in child.languages or ([child.preferred_language] if child.preferred_language else [])
    ]
    address = address_to_fhir(child.address)
    resource = {
        "resourceType": "Patient",
        "meta": _meta(child.extra),
        "identifier": [{"system": i.system, "value": i.value} for i in child.identifiers],
        "name": names_to_fhir(child.names),
        "gender": child.sex,
        "birthDate": child.birth_date.isoformat() if child.birth_date else None,
        "deceasedDateTime": _instant(child.deceased_at),
        "deceasedBoolean": child.extra.get("deceased") if child.deceased_at is None else None,
        "address": [address] if address else None,
        "communication": communication,
        "contact": [
            _clean({"relationship": _relationship(g), "name": next(iter(names_to_fhir(g.names)), None),
                    "telecom": _telecom(g), "address": address_to_fhir(g.address)})
            for g in contacts
        ],
    }
    return _clean(resource)


def related_person_resource(guardian: GuardianRecord, patient_ref: dict[str, str]) -> dict[str, Any]:
    address = address_to_fhir(guardian.address)
    return _clean({
        "resourceType": "RelatedPerson",
        "meta": _meta(guardian.extra),
        "identifier": [{"system": i.system, "value": i.value} for i in guardian.identifiers],
        "patient": patient_ref,
        "relationship": _relationship(guardian),
        "name": names_to_fhir(guardian.names),
        "telecom": _telecom(guardian),
        "address": [address] if address else None,
    })


def organization_resource(org: OrganizationRecord) -> dict[str, Any]:
    address = address_to_fhir(PostalAddress(kommunenummer=org.kommunenummer)) if org.kommunenummer else None
    org_type = _ORG_TYPE.get(org.sector)
    return _clean({
        "resourceType": "Organization",
        "identifier": [{"system": i.system, "value": i.value} for i in org.identifiers],
        "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": org_type}]}]
        if org_type else None,
        "name": org.name,
        "address": [address] if address else None,
    })


def goal_resource(goal: GoalRecord, patient_ref: dict[str, str]) -> dict[str, Any]:
    description: dict[str, Any] = {"text": goal.description}
    if goal.codes:
        description["coding"] = [_clean(c.model_dump()) for c in goal.codes]
    return _clean({
        "resourceType": "Goal",
        "lifecycleStatus": _GOAL_STATUS[goal.status],
        "description": description,
        "subject": patient_ref,
        "target": [{"dueDate": goal.target_date.isoformat()}] if goal.target_date else None,
    })


def _evaluations(measure: MeasureRecord) -> list[dict[str, Any]]:
    result = []
    for evaluation in measure.evaluations:
        parts = [{"url": "evaluatedAt", "valueDateTime": _instant(evaluation.evaluated_at)},
                 {"url": "outcome", "valueString": evaluation.outcome},
                 {"url": "text", "valueString": evaluation.text}]
        parts = [p for p in parts if list(p.values())[1]]
        result.append({"url": EVALUATION_EXT, "extension": parts})
    return result


def _with_evaluations(element: dict[str, Any], measure: MeasureRecord) -> dict[str, Any]:
    """The stored plan/activity with the hub's current evaluations (added in the hub after the plan came in)."""
    extension = [e for e in element.get("extension") or [] if e.get("url") != EVALUATION_EXT] + _evaluations(measure)
    element.pop("extension", None)
    return {**element, "extension": extension} if extension else element


def care_plan_resource(measure: MeasureRecord, patient_ref: dict[str, str], ids: Any,
                       activities: list[MeasureRecord]) -> dict[str, Any]:
    stored = measure.payload.get("fhir")
    if isinstance(stored, dict) and stored.get("resourceType") == "CarePlan":
        resource = _with_evaluations(ids.rewrite(copy.deepcopy(stored)), measure)
        ordered = sorted(activities, key=lambda m: m.payload.get("activity_index", 0))
        if ordered:
            resource["activity"] = [_with_evaluations(ids.rewrite(copy.deepcopy(m.payload["fhir_activity"])), m)
                                    for m in ordered]
        return resource
    period = _clean({"start": measure.start.isoformat() if measure.start else None,
                     "end": measure.end.isoformat() if measure.end else None})
    return _clean({
        "resourceType": "CarePlan",
        "extension": _evaluations(measure),
        "status": _PLAN_STATUS[measure.status],
        "intent": "plan",
        "category": [{"coding": [_clean(c.model_dump()) for c in measure.codes]}] if measure.codes else None,
        "title": measure.description,
        "subject": patient_ref,
        "period": period,
        "author": ids.ref(measure.responsible_org_ref),
        "goal": [ids.ref(g) for g in measure.goal_refs if ids.ref(g)],
    })


def communication_resource(entry: EntryRecord, patient_ref: dict[str, str], ids: Any) -> dict[str, Any]:
    security = None
    if entry.sensitivity == Sensitivity.confidential:
        security = [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}]
    sender = ids.ref(entry.author_org_ref) or ({"display": entry.author_name} if entry.author_name else None)
    return _clean({
        "resourceType": "Communication",
        "meta": {"security": security} if security else None,
        "status": "entered-in-error" if entry.retracted else "completed",
        "category": [{"coding": [{"system": KIND_SYSTEM, "code": entry.kind.value}]}],
        "subject": patient_ref,
        "topic": {"coding": [_clean(c.model_dump()) for c in entry.codes]} if entry.codes else None,
        "sent": _instant(entry.occurred_at),
        "sender": sender,
        "payload": [{"contentString": entry.text}] if entry.text else None,
    })
