"""Routes for organisations: create, read, list (optionally by kommunenummer).

Thin: parse, call the service, shape the answer.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from hub.api.deps import DbSession
from hub.organizations import service
from hub.organizations.schemas import OrganizationCreate, OrganizationRead

router = APIRouter(prefix="/api/v1/organizations", tags=["organizations"])


@router.post("", status_code=201, response_model=OrganizationRead)
def create_organization(body: OrganizationCreate, session: DbSession) -> OrganizationRead:
    return OrganizationRead.model_validate(service.create_organization(session, data=body))


@router.get("", response_model=list[OrganizationRead])
def list_organizations(session: DbSession, kommunenummer: str | None = None) -> list[OrganizationRead]:
    return [OrganizationRead.model_validate(o) for o in service.list_organizations(session, kommunenummer=kommunenummer)]


@router.get("/{organization_id}", response_model=OrganizationRead)
def read_organization(organization_id: uuid.UUID, session: DbSession) -> OrganizationRead:
    return OrganizationRead.model_validate(service.get_organization(session, organization_id=organization_id))
