"""Renders audit events as FHIR R4 AuditEvent resources (a searchset Bundle), built with fhir.resources.R4B.

Agents are the client/organisation or a person reference by hash; entities are the child, the case and entries.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.auditevent import AuditEvent as FhirAuditEvent
from fhir.resources.R4B.bundle import Bundle

from hub.audit.models import AuditEvent

_ACTION = {"read": "R", "search": "E", "list": "E", "create": "C", "append": "C", "record": "C", "ingest": "C"}


def to_fhir(event: AuditEvent) -> dict[str, Any]:
    verb = event.action.rsplit(".", 1)[-1]
    who: dict[str, Any] = (
        {"reference": f"Organization/{event.organization_id}"} if event.organization_id else {"display": event.actor_kind}
    )
    entities = []
    if event.child_id:
        entities.append({"what": {"reference": f"Patient/{event.child_id}"}})
    if event.case_id:
        entities.append({"what": {"reference": f"EpisodeOfCare/{event.case_id}"}})
    entities += [{"what": {"reference": f"Communication/{e}"}} for e in event.entry_ids or []]
    resource = {
        "resourceType": "AuditEvent",
        "id": str(event.id),
        "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest", "display": "RESTful Operation"},
        "subtype": [{"system": "urn:stafett:audit-action", "code": event.action}],
        "action": _ACTION.get(verb, "E"),
        "recorded": event.occurred_at.isoformat(),
        "outcome": "0" if event.outcome == "permit" else "4",
        "outcomeDesc": event.reason,
        "purposeOfEvent": [{"text": event.purpose}] if event.purpose else None,
        "agent": [{"who": who, "requestor": True, "altId": event.client_id or event.person_hash}],
        "source": {"observer": {"display": "stafett-hub"}},
        "entity": entities or None,
    }
    resource = {k: v for k, v in resource.items() if v is not None}
    return FhirAuditEvent.model_validate(resource).model_dump(mode="json", exclude_none=True)


def bundle(events: list[AuditEvent]) -> dict[str, Any]:
    data = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(events),
        "entry": [{"resource": to_fhir(e)} for e in events],
    }
    return Bundle.model_validate(data).model_dump(mode="json", exclude_none=True)
