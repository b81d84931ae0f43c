"""Routes for children (systems): create, read, find by identifier (system|value), add a guardian.

A child is visible only to organisations taking part in one of the child's cases; a guardian's log access is granted
only by the coordinator of an open case of the child (or an authoritative register).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from hub.access import reader, writes
from hub.api.deps import DbSession
from hub.audit import service as audit
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.children import service
from hub.children.models import Child, Guardian
from hub.access.policy import Visibility
from hub.children.schemas import ChildCreate, ChildRead, GuardianCreate, GuardianRead

router = APIRouter(prefix="/api/v1/children", tags=["children"])

Reader = Annotated[Principal, Depends(require("case.read"), scope="function")]
Writer = Annotated[Principal, Depends(require("case.write"), scope="function")]


def _log_access(session: DbSession, request: Request, principal: Principal, child: Child, guardians: list[Guardian]) -> None:
    """Guardians asked to see the log get it only from whom the write door names (the register, the coordinator)."""
    for guardian in guardians:
        if guardian.log_access_requested:
            by = writes.log_access_on_add(session, principal=principal, child=child, guardian=guardian, settings=request.app.state.settings)
            if by is not None:
                service.decide_log_access(session, guardian=guardian, granted=True, by=by)


@router.post("", status_code=201, response_model=ChildRead)
def create_child(body: ChildCreate, request: Request, session: DbSession, principal: Writer) -> ChildRead:
    reader.require_organization(principal)
    child = service.create_child(session, data=body, source_organization=principal.organization)
    _log_access(session, request, principal, child, list(child.guardians))
    audit.record(session, principal=principal, action="child.create", child_id=child.id)
    return ChildRead.model_validate(child)


def _as_seen(child: Child, visibility: Visibility) -> ChildRead:
    """The child without identifiers that tell of a service the caller may not know of (child welfare)."""
    read = ChildRead.model_validate(child)
    read.identifiers = [i for i in read.identifiers if visibility.shows_identifier(i.system)]
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
    opened.seen(reason=None)
    return _as_seen(opened.child, opened.visibility)


@router.post("/{child_id}/guardians", status_code=201, response_model=GuardianRead)
def add_guardian(child_id: uuid.UUID, body: GuardianCreate, request: Request, session: DbSession, principal: Writer) -> GuardianRead:
    child = writes.child_for_write(session, principal=principal, child_id=child_id, action="guardian.add")
    guardian = service.add_guardian(session, child=child, data=body)
    _log_access(session, request, principal, child, [guardian])
    audit.record(session, principal=principal, action="guardian.add", reason=f"log access {guardian.log_access.value}", child_id=child.id)
    return GuardianRead.model_validate(guardian)
