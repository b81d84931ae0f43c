"""POST /fhir: a transaction or batch Bundle goes through the one ingest pipeline (the FHIR adapter) as one unit,
with conditional create (request.ifNoneExist=identifier=system|value), and is answered entry by entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy.orm import Session

from adapters.registry import fhir_facade
from hub.access import reader
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.records import Identifier
from hub.children import repository as children
from hub.core.errors import PayloadRejected, PayloadTooLarge
from hub.core.settings import Settings
from hub.fhir import repository
from hub.fhir.ids import ENTRY_RESOURCE_TYPES
from hub.ingest import service as ingest
from hub.ingest.report import IngestReport
from hub.organizations import service as organizations

_RECORD_TYPES = {"child": "Patient", "organization": "Organization", "guardian": "RelatedPerson",
                 "case_fact": "EpisodeOfCare", "goal": "Goal", "measure": "CarePlan", "consent": "Consent"}
_METHODS = ("POST", "PUT")


@dataclass
class Planned:
    index: int
    resource_type: str
    source_id: str
    existing: str | None = None  # "Type/id" a conditional create matched


def _condition(query: str, where: str) -> Identifier:
    params = parse_qsl(query.split("?", 1)[-1], keep_blank_values=True)
    if len(params) != 1 or params[0][0] != "identifier":
        raise PayloadRejected(f"{where}: ifNoneExist {query!r} is not supported; use identifier=system|value")
    system, sep, value = params[0][1].partition("|")
    if not sep or not system or not value:
        raise PayloadRejected(f"{where}: ifNoneExist identifier must be system|value; got {params[0][1]!r}")
    return Identifier(system=system, value=value)


def _existing(session: Session, resource: dict[str, Any], ident: Identifier, where: str, principal: Principal) -> str | None:
    rtype = resource["resourceType"]
    carried = {(i.get("system"), i.get("value")) for i in resource.get("identifier") or [] if isinstance(i, dict)}
    if (ident.system, ident.value) not in carried:
        # The hub matches records by the identifiers they carry; a condition on another one could not hold.
        raise PayloadRejected(f"{where}: ifNoneExist names identifier {ident.key()} but the {rtype} does not carry it")
    if rtype == "Patient":
        # Only a child the sender takes part in a case of is "found": to anyone else the hub does not tell that it
        # knows the child (the Patient goes through the pipeline, where a stranger's facts are held for review).
        child = children.by_identifier(session, ident.system, ident.value)
        return f"Patient/{child.id}" if child and reader.participates(session, principal, child.id) else None
    if rtype == "Organization":
        org = organizations.match(session, identifiers=[(ident.system, ident.value)])
        return f"Organization/{org.id}" if org else None
    return None  # other types are keyed by the sender's own ids: a re-send updates, never duplicates


def plan(session: Session, bundle: dict[str, Any], *, principal: Principal) -> tuple[str, list[Planned]]:
    """Check the Bundle is a transaction or batch of POST/PUT entries; evaluate the conditional creates."""
    if bundle.get("resourceType") != "Bundle":
        raise PayloadRejected(f"POST /fhir takes a transaction or batch Bundle; got resourceType {bundle.get('resourceType')!r}")
    kind = bundle.get("type")
    if kind not in ("transaction", "batch"):
        raise PayloadRejected(f"POST /fhir takes a Bundle of type transaction or batch; got type {kind!r}")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise PayloadRejected("Bundle.entry must be an array")
    planned = []
    for index, entry in enumerate(entries):
        where = f"Bundle.entry[{index}]"
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict):
            raise PayloadRejected(f"{where}.request is required in a {kind} Bundle")
        method = request.get("method")
        if method not in _METHODS:
            raise PayloadRejected(
                f"{where}.request.method {method!r} is not supported: the facade takes POST and PUT "
                "(the hub never deletes; send status entered-in-error to retract)"
            )
        resource = entry.get("resource")
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise PayloadRejected(f"{where}: a {method} entry needs a resource with a resourceType")
        item = Planned(index, resource["resourceType"], fhir_facade().source_id(resource, entry.get("fullUrl")))
        if request.get("ifNoneExist"):
            ident = _condition(str(request["ifNoneExist"]), f"{where}.request")
            item.existing = _existing(session, resource, ident, f"{where}.request", principal)
        planned.append(item)
    return kind, planned


def _response(item: Planned, *, keys: dict[str, Any], before: set[str], versions: dict[uuid.UUID, int],
              report: IngestReport) -> dict[str, Any]:
    if item.existing:
        return {"status": "200 OK", "location": item.existing}
    key = keys.get(item.source_id)
    if item.source_id in report.held_source_ids:
        return {"status": "202 Accepted", "outcome": {"resourceType": "OperationOutcome", "issue": [
            {"severity": "information", "code": "informational",
             "diagnostics": "recorded for review: the sender does not take part in this patient's case, so the record "
                            "is kept in the raw archive and put on the hub's review list, not written to the case"}]}}
    if key is not None and key.record_type == "child" and key.target_id not in report.children:
        # a patient of no case the sender takes part in: stored, and not named (new or known to the hub alike)
        status = "200 OK" if item.source_id in before else "201 Created"
        return {"status": status, "outcome": {"resourceType": "OperationOutcome", "issue": [
            {"severity": "information", "code": "informational",
             "diagnostics": "recorded; the hub names a patient to the services taking part in one of its cases"}]}}
    if key is None:
        reasons = [n.reason for n in report.not_mapped if n.path == item.source_id or n.path.startswith(item.source_id + ".")]
        diagnostics = "; ".join(reasons) or "folded into another record (e.g. a CareTeam into its EpisodeOfCare)"
        return {"status": "200 OK", "outcome": {"resourceType": "OperationOutcome", "issue": [
            {"severity": "information", "code": "informational",
             "diagnostics": f"kept in the raw archive only: {diagnostics}"}]}}
    status = "200 OK" if item.source_id in before else "201 Created"
    if key.record_type == "entry":
        rtype = item.resource_type if item.resource_type in ENTRY_RESOURCE_TYPES else "Communication"
        version = versions.get(key.target_id, 1)
        return {"status": status, "location": f"{rtype}/{key.target_id}/_history/{version}", "etag": f'W/"{version}"'}
    return {"status": status, "location": f"{_RECORD_TYPES.get(key.record_type, item.resource_type)}/{key.target_id}"}


def process_bundle(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    payload: bytes,
    content_type: str | None,
    municipality: str | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    if len(payload) > settings.max_payload_bytes:
        raise PayloadTooLarge(f"payload is {len(payload)} bytes; the limit is {settings.max_payload_bytes}")
    if not payload:
        raise PayloadRejected("the payload is empty")
    kind, planned = plan(session, fhir_facade().decode(payload, media_type=content_type), principal=principal)
    scope = str(principal.organization.id) if principal.organization else "unauthenticated"
    source_ids = [p.source_id for p in planned]
    before = {(k.source_system, k.source_id) for k in repository.source_keys(session, sender_scope=scope, source_ids=source_ids)}
    report = ingest.ingest_payload(
        session, settings=settings, format_id=fhir_facade().format, payload=payload, content_type=content_type,
        sender=principal.client_id, sender_organization=principal.organization, municipality=municipality,
        idempotency_key=idempotency_key,
    )
    keys = {k.source_id: k for k in repository.source_keys(session, sender_scope=scope, source_ids=source_ids)
            if k.record_type != "evaluation" and k.source_system == report.source_system}
    known_before = {source_id for system, source_id in before if system == report.source_system}
    versions = repository.entry_versions(session, [k.target_id for k in keys.values() if k.record_type == "entry"])
    audit.record_for_children(session, principal=principal, action="ingest", child_ids=report.touched_children,
                              reason=f"{fhir_facade().format} {kind} {report.raw_checksum[:12]}")
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": f"{kind}-response",
        "entry": [{"response": _response(p, keys=keys, before=known_before, versions=versions, report=report)} for p in planned],
    }
