"""Rules for organisations: one row per organisasjonsnummer and per external identifier.

Keyword-only arguments; raises typed hub errors for duplicates and unknown ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.records import OrganizationRecord
from hub.canonical.vocab import ORGNR_SYSTEM
from hub.core.errors import Conflict, NotFound
from hub.organizations import repository
from hub.organizations.models import Organization, OrganizationIdentifier
from hub.organizations.schemas import OrganizationCreate


def match(session: Session, *, orgnr: str | None = None, identifiers: Iterable[tuple[str, str]] = ()) -> Organization | None:
    """The one way an organisation is recognised: by its organisasjonsnummer (given as such or as an identifier of
    the orgnr system), else by the first external identifier the hub knows, in the order given."""
    if orgnr:
        found = repository.by_orgnr(session, orgnr)
        if found is not None:
            return found
    for system, value in identifiers:
        found = repository.by_orgnr(session, value) if system == ORGNR_SYSTEM else repository.by_identifier(session, system, value)
        if found is not None:
            return found
    return None


def match_or_create(
    session: Session, *, orgnr: str | None, identifiers: Iterable[tuple[str, str]], new: Callable[[], Organization],
    fallback: Callable[[], Organization | None] = lambda: None,
) -> tuple[Organization, bool]:
    """The organisation `match` finds (else `fallback`'s), or `new()` added in a savepoint; a concurrent writer that
    made the same organisation first (PostgreSQL) wins, and that one is returned. (organisation, created)."""
    identifiers = list(identifiers)
    found = match(session, orgnr=orgnr, identifiers=identifiers) or fallback()
    if found is not None:
        return found, False
    try:
        with session.begin_nested():
            created = new()
            session.add(created)
        return created, True
    except IntegrityError:
        found = match(session, orgnr=orgnr, identifiers=identifiers) or fallback()
        if found is None:
            raise
        return found, False


def apply_record(session: Session, record: OrganizationRecord) -> tuple[Organization, bool, list[str]]:
    """A payload's organisation: the registry's one it matches, or a new one added. The registry is the operators'
    (`stafett orgs`, the admin API): a payload never renames or moves a known organisation. (organisation, created,
    the fields of the payload that differ from the registry and were not taken)."""
    org, created = match_or_create(
        session, orgnr=None, identifiers=[(i.system, i.value) for i in record.identifiers],
        new=lambda: Organization(
            id=uuid.uuid4(),
            name=record.name or "(organisation without a name)",
            sector=record.sector,
            orgnr=next((i.value for i in record.identifiers if i.system == ORGNR_SYSTEM), None),
            kommunenummer=record.kommunenummer,
            identifiers=[OrganizationIdentifier(system=i.system, value=i.value)
                         for i in record.identifiers if i.system != ORGNR_SYSTEM],
        ),
    )
    return org, created, differences(org, record)


def differences(org: Organization, record: OrganizationRecord) -> list[str]:
    """The fields a payload's organisation names otherwise than the registry does."""
    return [field for field, theirs, ours in (("name", record.name, org.name), ("kommunenummer", record.kommunenummer, org.kommunenummer))
            if theirs and theirs != ours]


def create_organization(session: Session, *, data: OrganizationCreate) -> Organization:
    if data.orgnr and match(session, orgnr=data.orgnr):
        raise Conflict(f"an organisation with organisasjonsnummer {data.orgnr} already exists")
    for ident in data.identifiers:
        if ident.system != ORGNR_SYSTEM and match(session, identifiers=[(ident.system, ident.value)]):
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
