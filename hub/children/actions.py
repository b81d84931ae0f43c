"""The child writes as the API asks for them: register a child, add a guardian, with the write door's decision on a
guardian's log access (hub.access.writes) and each write's audit record.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from hub.access import reader, writes
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.children import service
from hub.children.models import Child, Guardian
from hub.children.schemas import ChildCreate, GuardianCreate
from hub.core.settings import Settings


def _log_access(session: Session, principal: Principal, child: Child, guardians: list[Guardian], settings: Settings) -> None:
    """Guardians asked to see the log get it only from whom the write door names (the register, the coordinator)."""
    for guardian in guardians:
        if guardian.log_access_requested:
            by = writes.log_access_on_add(session, principal=principal, child=child, guardian=guardian, settings=settings)
            if by is not None:
                service.decide_log_access(session, guardian=guardian, granted=True, by=by)


def create_child(session: Session, *, principal: Principal, data: ChildCreate, settings: Settings) -> Child:
    reader.require_organization(principal)
    child = service.create_child(session, data=data, source_organization=principal.organization)
    _log_access(session, principal, child, list(child.guardians), settings)
    audit.record(session, principal=principal, action="child.create", child_id=child.id)
    return child


def add_guardian(session: Session, *, principal: Principal, child_id: uuid.UUID, data: GuardianCreate, settings: Settings) -> Guardian:
    child = writes.child_for_write(session, principal=principal, child_id=child_id, action="guardian.add")
    guardian = service.add_guardian(session, child=child, data=data)
    _log_access(session, principal, child, [guardian], settings)
    audit.record(session, principal=principal, action="guardian.add", reason=f"log access {guardian.log_access.value}", child_id=child.id)
    return guardian
