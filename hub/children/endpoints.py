"""Routes for children (systems): create, read, find by identifier (system|value), add a guardian.

A child is visible only to organisations taking part in one of the child's cases; a guardian's log access is granted
only by the coordinator of an open case of the child (or an authoritative register).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from hub.access import guard, policy, writes
from hub.api.deps import DbSession
from hub.audit import service as audit
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.children import service
from hub.children.models import Child, Guardian
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
    guard.require_organization(principal)
    child = service.create_child(session, data=body, source_organization=principal.organization)
    _log_access(session, request, principal, child, list(child.guardians))
    audit.record(session, principal=principal, action="child.create", child_id=child.id)
    return ChildRead.model_validate(child)


def _as_seen(session: DbSession, request: Request, principal: Principal, child: Child) -> ChildRead:
    """The child without identifiers that tell of a service the caller may not know of (child welfare)."""
    visibility = policy.child_visibility(session, child=child, organization=principal.organization, settings=request.app.state.settings)
    read = ChildRead.model_validate(child)
    read.identifiers = [i for i in read.identifiers if visibility.shows_identifier(i.system)]
    return read


@router.get("", response_model=list[ChildRead])
def find_children(
    session: DbSession, request: Request, principal: Reader, identifier: str = Query(description="system|value")
) -> list[ChildRead]:
    system, _ = service.parse_identifier_query(identifier)
    settings = request.app.state.settings
    found = [
        c for c in service.find_children(session, identifier=identifier)
        if guard.participates(session, principal, c.id)
        and policy.may_be_found_by(session, child=c, organization=principal.organization, settings=settings, system=system)
    ]
    audit.record(session, principal=principal, action="child.search", reason=f"{len(found)} visible match(es)", child_id=found[0].id if found else None)
    return [_as_seen(session, request, principal, c) for c in found]


@router.get("/{child_id}", response_model=ChildRead)
def read_child(child_id: uuid.UUID, session: DbSession, request: Request, principal: Reader) -> ChildRead:
    child = guard.child_for_org(session, principal=principal, child_id=child_id, action="child.read")
    audit.record(session, principal=principal, action="child.read", child_id=child.id)
    return _as_seen(session, request, principal, child)


@router.post("/{child_id}/guardians", status_code=201, response_model=GuardianRead)
def add_guardian(child_id: uuid.UUID, body: GuardianCreate, request: Request, session: DbSession, principal: Writer) -> GuardianRead:
    child = writes.child_for_write(session, principal=principal, child_id=child_id, action="guardian.add")
    guardian = service.add_guardian(session, child=child, data=body)
    _log_access(session, request, principal, child, [guardian])
    audit.record(session, principal=principal, action="guardian.add", reason=f"log access {guardian.log_access.value}", child_id=child.id)
    return GuardianRead.model_validate(guardian)
