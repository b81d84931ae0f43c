"""Routes for organisations: create (admin scope), read and list (any authenticated system).

Organisations are not children's data; they are still behind authentication.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from hub.api.deps import DbSession
from hub.auth.deps import authenticate, require
from hub.auth.principal import Principal
from hub.organizations import service
from hub.organizations.schemas import OrganizationCreate, OrganizationRead

router = APIRouter(prefix="/api/v1/organizations", tags=["organizations"])

Admin = Annotated[Principal, Depends(require("admin"), scope="function")]
Anyone = Annotated[Principal, Depends(authenticate, scope="function")]


@router.post("", status_code=201, response_model=OrganizationRead)
def create_organization(body: OrganizationCreate, session: DbSession, principal: Admin) -> OrganizationRead:
    organization = service.register(session, principal=principal, data=body)
    return OrganizationRead.model_validate(organization)


@router.get("", response_model=list[OrganizationRead])
def list_organizations(session: DbSession, principal: Anyone, kommunenummer: str | None = None) -> list[OrganizationRead]:
    return [OrganizationRead.model_validate(o) for o in service.list_organizations(session, kommunenummer=kommunenummer)]


@router.get("/{organization_id}", response_model=OrganizationRead)
def read_organization(organization_id: uuid.UUID, session: DbSession, principal: Anyone) -> OrganizationRead:
    return OrganizationRead.model_validate(service.get_organization(session, organization_id=organization_id))
