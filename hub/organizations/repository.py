"""All SQL for organisations: lookups by id, organisasjonsnummer, external identifier and municipality.

Never commits; the request or job wrapper does.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.organizations.models import Organization, OrganizationIdentifier


def get(session: Session, organization_id: uuid.UUID) -> Organization | None:
    return session.get(Organization, organization_id)


def by_orgnr(session: Session, orgnr: str) -> Organization | None:
    return session.scalar(select(Organization).where(Organization.orgnr == orgnr))


def by_identifier(session: Session, system: str, value: str) -> Organization | None:
    return session.scalar(
        select(Organization)
        .join(OrganizationIdentifier)
        .where(OrganizationIdentifier.system == system, OrganizationIdentifier.value == value)
    )


def list_all(session: Session, *, kommunenummer: str | None = None, limit: int = 500) -> list[Organization]:
    query = select(Organization).order_by(Organization.name).limit(limit)
    if kommunenummer:
        query = query.where(Organization.kommunenummer == kommunenummer)
    return list(session.scalars(query))


def add(session: Session, organization: Organization) -> Organization:
    session.add(organization)
    session.flush()
    return organization
