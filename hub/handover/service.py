"""Rules of the handover pull: which child and which case, what the requesting organisation may see of it, the
rendered package, and the audit record of every attempt (refusals included, with their real reason).

Case choice: among the child's open cases, the one in the requester's municipality, else the most recently opened.
A caller without a basis gets the same answer whether the hub knows the child or not (no existence oracle).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.base import Renderer
from adapters.registry import get_adapter
from hub.access import guard, policy
from hub.access.policy import Visibility
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.vocab import CaseStatus
from hub.cases.models import Case
from hub.children import service as children
from hub.children.models import Child
from hub.core.errors import AccessDenied, UnsupportedMediaType
from hub.core.settings import Settings
from hub.export import service as export
from hub.export.case_view import build_case_view, shown_entry_versions
from hub.handover import redact
from hub.organizations.models import Organization

ACTION = "handover.pull"


@dataclass
class Package:
    body: bytes
    media_type: str
    case_id: uuid.UUID
    entry_ids: list[uuid.UUID] = field(default_factory=list)


def choose_case(session: Session, *, child: Child, organization: Organization) -> Case | None:
    """The open case in the requester's municipality, else the most recently opened open case."""
    open_cases = list(
        session.scalars(
            select(Case).where(Case.child_id == child.id, Case.status == CaseStatus.open).order_by(Case.opened_at.desc(), Case.id)
        )
    )
    local = [c for c in open_cases if organization.kommunenummer and c.municipality == organization.kommunenummer]
    return (local or open_cases or [None])[0]


def visibility_for(session: Session, *, case: Case, child: Child, organization: Organization, settings: Settings) -> Visibility:
    """A participant already sees its own entries plus what consent covers (a superset of the handover view)."""
    if any(p.organization_id == organization.id for p in case.participants):
        return policy.organization_visibility(session, case=case, organization=organization, settings=settings)
    return policy.handover_visibility(session, child=child, organization=organization, settings=settings)


def _renderer(format_id: str) -> None:
    if not isinstance(get_adapter(format_id), Renderer):
        raise UnsupportedMediaType(f"format {format_id} can be pushed to the hub but not handed over")


def _deny(session: Session, principal: Principal, reason: str, status: int, detail: str, **ids) -> AccessDenied:
    audit.record(session, principal=principal, action=ACTION, outcome="deny", reason=reason, purpose="handover", **ids)
    return AccessDenied(detail, status=status)


def _refused(session: Session, principal: Principal, reason: str, **ids) -> AccessDenied:
    """The one answer for an unknown child and for a child the caller may not receive: same status, same words."""
    return _deny(
        session, principal, reason, 404,
        f"no handover to {principal.organization.name}: no child with this identifier is known to the hub, or no "
        "consent or legal basis covers this organisation for it. The guardians (or the young person) must consent to "
        "sharing with this organisation or its sector, or a legal basis must be recorded",
        **ids,
    )


def pull(
    session: Session,
    *,
    principal: Principal,
    identifier: str,
    format_id: str,
    settings: Settings,
    media_type: str | None = None,
) -> Package:
    guard.require_organization(principal)
    _renderer(format_id)
    organization = principal.organization
    found = children.find_children(session, identifier=identifier)
    if not found:
        raise _refused(session, principal, "no child with this identifier")
    child = found[0]
    system, _ = children.parse_identifier_query(identifier)
    if not policy.may_be_found_by(session, child=child, organization=organization, settings=settings, system=system):
        raise _refused(session, principal, "asked by an identifier the caller is not shown", child_id=child.id)
    case = choose_case(session, child=child, organization=organization)
    if case is None:
        # only a caller entitled to know of the child (a participant, or one a consent covers) learns it has no case
        if not guard.participates(session, principal, child.id) and not policy.handover_visibility(
            session, child=child, organization=organization, settings=settings
        ).permit:
            raise _refused(session, principal, "the child has no open case; no basis to learn of it", child_id=child.id)
        raise _deny(session, principal, "the child has no open case", 404, "the child has no open case to hand over", child_id=child.id)
    visibility = visibility_for(session, case=case, child=child, organization=organization, settings=settings)
    if not visibility.permit:
        raise _refused(session, principal, visibility.reason, child_id=child.id, case_id=case.id)
    view = redact.for_receiver(build_case_view(session, case=case, visibility=visibility), visibility=visibility)
    body, chosen = export.render(view, format_id=format_id, media_type=media_type)
    entry_ids = shown_entry_versions(session, case=case, view=view)
    audit.record(
        session, principal=principal, action=ACTION, reason=f"{format_id}; {visibility.reason}", purpose="handover",
        child_id=child.id, case_id=case.id, entry_ids=entry_ids,
    )
    return Package(body=body, media_type=chosen, case_id=case.id, entry_ids=entry_ids)
