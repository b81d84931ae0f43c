"""Facade reads: Patient search by identifier, read of any served type by hub id, Patient/$everything; each goes
through hub.access (participation, then the case view's consent filter), is audited, and not-visible answers 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from adapters.registry import fhir_facade
from hub.access import reader
from hub.access.reader import Opened
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.records import Identifier, OrganizationRecord, ParsedBatch
from hub.canonical.vocab import FNR_SYSTEM, ORGNR_SYSTEM, Sector
from hub.core.errors import InvalidInput, NotFound
from hub.core.settings import Settings
from hub.export.case_view import build_case_view, shown_entry_versions
from hub.fhir.ids import ENTRY_RESOURCE_TYPES, READABLE_TYPES, to_facade_ids
from hub.organizations import repository as organizations


def _uuid(value: str, resource_type: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(f"no {resource_type} with id {value!r} (facade ids are the hub's UUIDs)") from None


def render_case(opened: Opened, *, base: str) -> tuple[ParsedBatch, list[dict[str, Any]]]:
    """The case as the caller may see it, rendered by the FHIR adapter's facade, with facade ids."""
    view = build_case_view(opened.view)
    bundle = fhir_facade().render(view)
    return view, to_facade_ids(bundle, view, base=base)


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
    found = reader.patient_by_identifier_for_org(
        session, principal=principal, system=identifier.system, value=identifier.value, settings=settings, action="fhir.search"
    )
    if not found:
        return _searchset([], self_url=self_url)
    opened = found[0]
    _, entries = render_case(opened, base=base)
    opened.seen()
    patient = _patient_entry(entries)
    return _searchset([{**patient, "search": {"mode": "match"}}], self_url=self_url)


def everything(session: Session, *, principal: Principal, patient_id: str, settings: Settings, base: str,
               self_url: str) -> dict[str, Any]:
    child_id = _uuid(patient_id, "Patient")
    merged: dict[str, dict[str, Any]] = {}
    for opened in reader.cases_of_child_for_org(session, principal=principal, child_id=child_id, settings=settings,
                                                 action="fhir.everything"):
        view, entries = render_case(opened, base=base)
        for entry in entries:
            merged.setdefault(entry["fullUrl"], entry)
        opened.seen(entry_ids=shown_entry_versions(opened.view, view))
    ordered = sorted(merged.values(), key=lambda e: e["resource"]["resourceType"] != "Patient")
    for entry in ordered:
        entry["search"] = {"mode": "match" if entry["resource"]["resourceType"] == "Patient" else "include"}
    return _searchset(ordered, self_url=self_url)


# the kind of hub record behind each facade type (hub.access.reader locates it)
_RECORD_KIND = {"EpisodeOfCare": "case", "Goal": "goal", "CarePlan": "measure", "Patient": "child", "RelatedPerson": "guardian",
                "Consent": "consent"}


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
    opened = reader.record_for_org(
        session, principal=principal, kind=_RECORD_KIND.get(resource_type, "entry"), record_id=hub_id, what=what,
        settings=settings, action="fhir.read",
    )
    _, entries = render_case(opened, base=base)
    found = next((e["resource"] for e in entries
                  if e["resource"]["resourceType"] == resource_type and e["resource"].get("id") == str(hub_id)), None)
    if found is None:
        raise opened.refuse(f"{what} not found", reason=f"{what} is not in the caller's view")
    entry_ids = opened.view.entry_version_ids([hub_id]) if resource_type in ENTRY_RESOURCE_TYPES else []
    opened.seen(entry_ids=entry_ids)
    return found
