"""Routes for children (systems): create, read, find by identifier (system|value), add a guardian; unmerge and a
D-nummer child's fødselsnummer (admin).

A child is visible only to organisations taking part in one of the child's cases; a guardian's log access is granted
only by the coordinator of an open case of the child (or an authoritative register).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from hub.access import reader, views
from hub.access.policy import Visibility
from hub.api.deps import DbSession
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.children import actions
from hub.children.schemas import ChildCreate, ChildRead, GuardianCreate, GuardianRead
from hub.identity import service as identity_service
from hub.identity.schemas import FodselsnummerGiven

router = APIRouter(prefix="/api/v1/children", tags=["children"])

Reader = Annotated[Principal, Depends(require("case.read"), scope="function")]
Writer = Annotated[Principal, Depends(require("case.write"), scope="function")]
Operator = Annotated[Principal, Depends(require("admin"), scope="function")]


@router.post("", status_code=201, response_model=ChildRead)
def create_child(body: ChildCreate, request: Request, session: DbSession, principal: Writer) -> ChildRead:
    return ChildRead.model_validate(actions.create_child(session, principal=principal, data=body, settings=request.app.state.settings))


def _as_seen(child, visibility: Visibility) -> ChildRead:
    """The child without identifiers that tell of a service the caller may not know of (child welfare)."""
    read = ChildRead.model_validate(child)
    read.identifiers = views.shown_identifiers(read.identifiers, visibility)
    return read


@router.get("", response_model=list[ChildRead])
def find_children(
    session: DbSession, request: Request, principal: Reader, identifier: str = Query(description="system|value")
) -> list[ChildRead]:
    found = reader.children_by_identifier_for_org(
        session, principal=principal, identifier=identifier, settings=request.app.state.settings, action="child.search"
    )
    return [_as_seen(o.child, o.visibility) for o in found]


@router.get("/{child_id}", response_model=ChildRead)
def read_child(child_id: uuid.UUID, session: DbSession, request: Request, principal: Reader) -> ChildRead:
    opened = reader.child_for_org(session, principal=principal, child_id=child_id, action="child.read", settings=request.app.state.settings)
    seen = _as_seen(opened.child, opened.visibility)
    opened.seen(reason=None)
    return seen


@router.post("/{child_id}/guardians", status_code=201, response_model=GuardianRead)
def add_guardian(child_id: uuid.UUID, body: GuardianCreate, request: Request, session: DbSession, principal: Writer) -> GuardianRead:
    guardian = actions.add_guardian(session, principal=principal, child_id=child_id, data=body, settings=request.app.state.settings)
    return GuardianRead.model_validate(guardian)


@router.post("/{child_id}/unmerge")
def unmerge(child_id: uuid.UUID, session: DbSession, principal: Operator) -> dict[str, str]:
    """Undo the newest merge of this child (either of the two): both children as they were (scope admin)."""
    restored = identity_service.unmerge(session, principal=principal, child_id=child_id)
    return {"restored_child_id": str(restored)}


@router.post("/{child_id}/fodselsnummer", response_model=ChildRead)
def give_fodselsnummer(child_id: uuid.UUID, body: FodselsnummerGiven, session: DbSession, principal: Operator) -> ChildRead:
    """The fødselsnummer of a child known by its D-nummer (scope admin): both kept, the fødselsnummer primary."""
    child = identity_service.assign_fodselsnummer(session, principal=principal, child_id=child_id, value=body.fodselsnummer)
    return ChildRead.model_validate(child)
