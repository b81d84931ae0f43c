"""Routes for children: create, read, find by identifier (system|value), add a guardian.

Thin: parse, call the service, shape the answer.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from hub.api.deps import DbSession
from hub.children import service
from hub.children.schemas import ChildCreate, ChildRead, GuardianCreate, GuardianRead

router = APIRouter(prefix="/api/v1/children", tags=["children"])


@router.post("", status_code=201, response_model=ChildRead)
def create_child(body: ChildCreate, session: DbSession) -> ChildRead:
    return ChildRead.model_validate(service.create_child(session, data=body))


@router.get("", response_model=list[ChildRead])
def find_children(session: DbSession, identifier: str = Query(description="system|value")) -> list[ChildRead]:
    return [ChildRead.model_validate(c) for c in service.find_children(session, identifier=identifier)]


@router.get("/{child_id}", response_model=ChildRead)
def read_child(child_id: uuid.UUID, session: DbSession) -> ChildRead:
    return ChildRead.model_validate(service.get_child(session, child_id=child_id))


@router.post("/{child_id}/guardians", status_code=201, response_model=GuardianRead)
def add_guardian(child_id: uuid.UUID, body: GuardianCreate, session: DbSession) -> GuardianRead:
    child = service.get_child(session, child_id=child_id)
    return GuardianRead.model_validate(service.add_guardian(session, child=child, data=body))
