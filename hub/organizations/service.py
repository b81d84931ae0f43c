"""Rules for organisations: one row per organisasjonsnummer and per external identifier.

Keyword-only arguments; raises typed hub errors for duplicates and unknown ids.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.vocab import ORGNR_SYSTEM
from hub.core.errors import Conflict, NotFound
from hub.organizations import repository
from hub.organizations.models import Organization, OrganizationIdentifier
from hub.organizations.schemas import OrganizationCreate


def create_organization(session: Session, *, data: OrganizationCreate) -> Organization:
    if data.orgnr and repository.by_orgnr(session, data.orgnr):
        raise Conflict(f"an organisation with organisasjonsnummer {data.orgnr} already exists")
    for ident in data.identifiers:
        if repository.by_identifier(session, ident.system, ident.value):
            raise Conflict(f"an organisation with identifier {ident.system}|{ident.value} already exists")
    orgnr = data.orgnr or next((i.value for i in data.identifiers if i.system == ORGNR_SYSTEM), None)
    organization = Organization(
        name=data.name,
        sector=data.sector,
        orgnr=orgnr,
        kommunenummer=data.kommunenummer,
        identifiers=[
            OrganizationIdentifier(system=i.system, value=i.value)
            for i in data.identifiers
            if i.system != ORGNR_SYSTEM
        ],
    )
    return repository.add(session, organization)


def register(session: Session, *, principal: Principal, data: OrganizationCreate) -> Organization:
    """An operator (admin scope) registers an organisation through the API; the registration is audited."""
    organization = create_organization(session, data=data)
    audit.record(session, principal=principal, action="organization.create", reason=str(organization.id))
    return organization


def get_organization(session: Session, *, organization_id: uuid.UUID) -> Organization:
    organization = repository.get(session, organization_id)
    if organization is None:
        raise NotFound(f"organisation {organization_id} not found")
    return organization


def list_organizations(session: Session, *, kommunenummer: str | None = None) -> list[Organization]:
    return repository.list_all(session, kommunenummer=kommunenummer)
