"""Facade reads: Patient search by identifier, read of any served type by hub id, Patient/$everything; each goes
through hub.access (participation, then the case view's consent filter), is audited, and not-visible answers 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from adapters.registry import fhir_facade
from hub.access import guard, policy
from hub.access.policy import Visibility
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.records import Identifier, OrganizationRecord, ParsedBatch
from hub.canonical.vocab import FNR_SYSTEM, ORGNR_SYSTEM, Sector
from hub.cases.models import Case
from hub.children import repository as children
from hub.core.errors import AccessDenied, InvalidInput, NotFound
from hub.core.settings import Settings
from hub.export.case_view import build_case_view, entry_versions, shown_entry_versions
from hub.fhir import repository
from hub.fhir.ids import ENTRY_RESOURCE_TYPES, READABLE_TYPES, to_facade_ids
from hub.organizations import repository as organizations


def _uuid(value: str, resource_type: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(f"no {resource_type} with id {value!r} (facade ids are the hub's UUIDs)") from None


def _not_visible(session: Session, principal: Principal, *, action: str, what: str, case: Case | None = None) -> AccessDenied:
    audit.record(
        session, principal=principal, action=action, outcome="deny", reason=f"{what} is not in the caller's view",
        case_id=case.id if case else None, child_id=case.child_id if case else None,
    )
    return AccessDenied(f"{what} not found", status=404)


def render_case(session: Session, *, case: Case, visibility: Visibility, base: str) -> tuple[ParsedBatch, list[dict[str, Any]]]:
    """The case as the caller may see it, rendered by the FHIR adapter, with facade ids."""
    view = build_case_view(session, case=case, visibility=visibility)
    bundle = fhir_facade().render(view)
    return view, to_facade_ids(bundle, view, base=base)


def _visible_cases(session: Session, *, principal: Principal, child_id: uuid.UUID, settings: Settings, action: str) -> list[tuple[Case, Visibility]]:
    guard.child_for_org(session, principal=principal, child_id=child_id, action=action)
    found = repository.cases_of_child_for_org(session, child_id=child_id, organization_id=principal.organization.id)
    return [
        guard.case_for_org(session, principal=principal, case_id=case.id, settings=settings, action=action)
        for case in found
    ]


def _audit_view(session: Session, principal: Principal, *, action: str, case: Case, visibility: Visibility,
                entry_ids: list[uuid.UUID]) -> None:
    audit.record(
        session, principal=principal, action=action, reason=visibility.reason, child_id=case.child_id,
        case_id=case.id, entry_ids=entry_ids, purpose="care",
    )


def _patient_entry(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in entries if e["resource"]["resourceType"] == "Patient")


def _searchset(entries: list[dict[str, Any]], *, self_url: str, total: int | None = None) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "searchset",
        "total": total if total is not None else len(entries),
        "link": [{"relation": "self", "url": self_url}],
        "entry": entries,
    }


def parse_identifier(token: str) -> Identifier:
    system, sep, value = token.partition("|")
    if not sep or not system or not value:
        raise InvalidInput(f"identifier must be system|value (e.g. {FNR_SYSTEM}|<fnr>); got {token!r}",
                           location="identifier")
    return Identifier(system=system, value=value)


def search_patients(session: Session, *, principal: Principal, identifier: Identifier, settings: Settings,
                    base: str, self_url: str) -> dict[str, Any]:
    child = children.by_identifier(session, identifier.system, identifier.value)
    if child is None or principal.organization is None or not guard.participates(session, principal, child.id):
        if child is not None:
            audit.record(session, principal=principal, action="fhir.search", outcome="deny",
                         reason="not a participant in any case of this child", child_id=child.id)
        return _searchset([], self_url=self_url)
    if not policy.may_be_found_by(session, child=child, organization=principal.organization, settings=settings, system=identifier.system):
        audit.record(session, principal=principal, action="fhir.search", outcome="deny",
                     reason="searched by an identifier the caller is not shown", child_id=child.id)
        return _searchset([], self_url=self_url)
    [(case, visibility), *_] = _visible_cases(session, principal=principal, child_id=child.id, settings=settings,
                                              action="fhir.search")
    _, entries = render_case(session, case=case, visibility=visibility, base=base)
    _audit_view(session, principal, action="fhir.search", case=case, visibility=visibility, entry_ids=[])
    patient = _patient_entry(entries)
    return _searchset([{**patient, "search": {"mode": "match"}}], self_url=self_url)


def everything(session: Session, *, principal: Principal, patient_id: str, settings: Settings, base: str,
               self_url: str) -> dict[str, Any]:
    child_id = _uuid(patient_id, "Patient")
    merged: dict[str, dict[str, Any]] = {}
    for case, visibility in _visible_cases(session, principal=principal, child_id=child_id, settings=settings,
                                           action="fhir.everything"):
        view, entries = render_case(session, case=case, visibility=visibility, base=base)
        for entry in entries:
            merged.setdefault(entry["fullUrl"], entry)
        _audit_view(session, principal, action="fhir.everything", case=case, visibility=visibility,
                    entry_ids=shown_entry_versions(session, case=case, view=view))
    ordered = sorted(merged.values(), key=lambda e: e["resource"]["resourceType"] != "Patient")
    for entry in ordered:
        entry["search"] = {"mode": "match" if entry["resource"]["resourceType"] == "Patient" else "include"}
    return _searchset(ordered, self_url=self_url)


def _case_of(session: Session, resource_type: str, hub_id: uuid.UUID) -> uuid.UUID | None:
    if resource_type == "EpisodeOfCare":
        return hub_id
    if resource_type == "Goal":
        return repository.case_of_goal(session, hub_id)
    if resource_type == "CarePlan":
        return repository.case_of_measure(session, hub_id)
    return repository.case_of_entry_lineage(session, hub_id)


def _child_of(session: Session, resource_type: str, hub_id: uuid.UUID) -> uuid.UUID | None:
    if resource_type == "Patient":
        return hub_id
    if resource_type == "RelatedPerson":
        return repository.child_of_guardian(session, hub_id)
    return repository.child_of_consent(session, hub_id)


def read_organization(session: Session, *, principal: Principal, hub_id: uuid.UUID) -> dict[str, Any]:
    org = organizations.get(session, hub_id)
    if org is None:
        raise NotFound(f"Organization/{hub_id} not found")
    identifiers = [Identifier(system=ORGNR_SYSTEM, value=org.orgnr)] if org.orgnr else []
    identifiers += [Identifier(system=i.system, value=i.value) for i in org.identifiers]
    record = OrganizationRecord(source_id=str(org.id), name=org.name, sector=Sector(org.sector),
                                identifiers=identifiers, kommunenummer=org.kommunenummer)
    audit.record(session, principal=principal, action="fhir.read", reason=f"Organization/{org.id}")
    return {"resourceType": "Organization", "id": str(org.id),
            **{k: v for k, v in fhir_facade().organization(record).items() if k != "resourceType"}}


def read_resource(session: Session, *, principal: Principal, resource_type: str, resource_id: str,
                  settings: Settings, base: str) -> dict[str, Any]:
    if resource_type not in READABLE_TYPES:
        raise NotFound(f"the facade does not serve {resource_type} resources; it serves {', '.join(READABLE_TYPES)}")
    hub_id = _uuid(resource_id, resource_type)
    what = f"{resource_type}/{resource_id}"
    if resource_type == "Organization":
        return read_organization(session, principal=principal, hub_id=hub_id)
    if resource_type in ("Patient", "RelatedPerson", "Consent"):
        child_id = _child_of(session, resource_type, hub_id)
        if child_id is None:
            raise _not_visible(session, principal, action="fhir.read", what=what)
        [(case, visibility), *_] = _visible_cases(session, principal=principal, child_id=child_id, settings=settings,
                                                  action="fhir.read")
    else:
        case_id = _case_of(session, resource_type, hub_id)
        if case_id is None:
            raise _not_visible(session, principal, action="fhir.read", what=what)
        case, visibility = guard.case_for_org(session, principal=principal, case_id=case_id, settings=settings,
                                              action="fhir.read")
    _, entries = render_case(session, case=case, visibility=visibility, base=base)
    found = next((e["resource"] for e in entries
                  if e["resource"]["resourceType"] == resource_type and e["resource"].get("id") == str(hub_id)), None)
    if found is None:
        raise _not_visible(session, principal, action="fhir.read", what=what, case=case)
    entry_ids = entry_versions(session, case=case, lineage_ids=[hub_id]) if resource_type in ENTRY_RESOURCE_TYPES else []
    _audit_view(session, principal, action="fhir.read", case=case, visibility=visibility, entry_ids=entry_ids)
    return found
