"""Applies the policy at the door of every endpoint: loads the case or child for the caller, records the decision in
the audit trail, and refuses with 404 (objects the caller may not know about) or 403 (a handover without consent).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access import policy
from hub.access.policy import Visibility
from hub.audit import service as audit
from hub.audit.models import AuditEvent
from hub.auth.principal import Principal
from hub.canonical.vocab import Sector
from hub.cases.models import Case
from hub.children.models import Child
from hub.core.errors import AccessDenied, Forbidden
from hub.core.settings import Settings
from hub.organizations.models import Organization


def _not_found(what: str, ident: uuid.UUID) -> AccessDenied:
    return AccessDenied(f"{what} {ident} not found", status=404)


def case_for_org(
    session: Session,
    *,
    principal: Principal,
    case_id: uuid.UUID,
    settings: Settings,
    action: str,
    purpose: str = "care",
    for_update: bool = False,
) -> tuple[Case, Visibility]:
    """The case and what the caller's organisation may see of it; unknown and not-permitted look the same (404)."""
    query = select(Case).where(Case.id == case_id)
    # Locked: the row as committed now (populate_existing: not a copy this session read before), so that a decision
    # taken under the lock sees every decision committed before it.
    case = session.scalar(query.with_for_update().execution_options(populate_existing=True) if for_update else query)
    if case is None or principal.organization is None:
        audit.record(session, principal=principal, action=action, outcome="deny", reason="no such case", case_id=case_id, purpose=purpose)
        raise _not_found("case", case_id)
    visibility = policy.organization_visibility(session, case=case, organization=principal.organization, settings=settings)
    if not visibility.permit:
        audit.record(
            session, principal=principal, action=action, outcome="deny", reason=visibility.reason,
            case_id=case.id, child_id=case.child_id, purpose=purpose,
        )
        raise _not_found("case", case_id)
    return case, visibility


def child_for_org(session: Session, *, principal: Principal, child_id: uuid.UUID, action: str) -> Child:
    """A child is visible to an organisation that takes part in one of the child's cases."""
    child = session.get(Child, child_id)
    if child is None or principal.organization is None or not participates(session, principal, child.id):
        audit.record(session, principal=principal, action=action, outcome="deny", reason="not a participant in any case of this child", child_id=child_id)
        raise _not_found("child", child_id)
    return child


def participates(session: Session, principal: Principal, child_id: uuid.UUID) -> bool:
    from hub.cases.models import Participant

    if principal.organization is None:
        return False
    found = session.scalar(
        select(Participant.id)
        .join(Case, Case.id == Participant.case_id)
        .where(Case.child_id == child_id, Participant.organization_id == principal.organization.id)
        .limit(1)
    )
    return found is not None


def require_organization(principal: Principal) -> None:
    if principal.organization is None:
        raise Forbidden("the client is not linked to an organisation")


def audit_trail_for_org(session: Session, *, principal: Principal, child_id: uuid.UUID, settings: Settings) -> list[AuditEvent]:
    """An organisation's admin reads the audit trail only of a child the organisation may read (a participant in one
    of its cases; else 404 as for an unknown child), and not the events of services it may not learn take part
    (child welfare, social services: their very involvement is confidential)."""
    child = child_for_org(session, principal=principal, child_id=child_id, action="audit.export")
    visibility = policy.child_visibility(session, child=child, organization=principal.organization, settings=settings)
    events = audit.events_for_child(session, child_id=child.id)
    ids = {e.organization_id for e in events if e.organization_id}
    sectors = dict(session.execute(select(Organization.id, Organization.sector).where(Organization.id.in_(ids))).all()) if ids else {}
    return [
        e for e in events
        if e.organization_id is None or (e.organization_id in sectors and visibility.shows_organization(e.organization_id, Sector(sectors[e.organization_id])))
    ]
