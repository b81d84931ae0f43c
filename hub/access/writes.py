"""The door for writes: decides every write that names an existing object (opening a case for a child, writing on a
case or a child, a guardian's access to the log, consents and legal bases, If-Match) and audits its refusals.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access import policy, reader
from hub.access.policy import Visibility
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.vocab import CaseStatus, Sector
from hub.cases import service as cases
from hub.cases.models import Case, Goal, Measure
from hub.children import registry
from hub.children.models import Child, Guardian
from hub.consent.models import Consent
from hub.consent.schemas import ConsentCreate
from hub.consent.service import recorded_by
from hub.core.errors import AccessDenied, Forbidden, HubError, NotFound, PreconditionFailed, PreconditionRequired
from hub.core.settings import Settings
from hub.organizations.models import Organization

# The services that hold statutory duties under which information may be shared without consent, and so may record a
# legal basis: the child welfare service (barnevernloven) and the municipality (kommunen, e.g. its coordination duty).
LEGAL_BASIS_AUTHORITIES = frozenset({Sector.child_welfare, Sector.municipality})


NO_CHILD_TO_OPEN = (
    "the hub knows no child with this id for which your organisation may open a case: register the child "
    "(POST /api/v1/children), or get the guardians' consent naming your organisation"
)


def _no_child_to_open() -> AccessDenied:
    """The one answer for an unknown child and for a child the caller may not know of (same status, same words)."""
    return AccessDenied(NO_CHILD_TO_OPEN, status=404)


# --- opening a case --------------------------------------------------------------------------------------------


@dataclass
class Opening:
    child: Child
    reason: str


def case_opening(session: Session, *, principal: Principal, child_id: uuid.UUID, settings: Settings) -> Opening:
    """May the caller's organisation open a case for this child? Yes when it registered the child itself (BTI level
    0/1 starts inside one service), or when a consent in force (or a legal basis an authority recorded) covers it.
    An unknown child and a child the caller may not know of get the same 404; a child it already knows of (it takes
    part in one of its cases) but has no basis for gets 403 naming what is missing."""
    organization = reader.require_organization(principal)
    child = session.get(Child, child_id)
    if child is None:
        audit.record(session, principal=principal, action="case.create", outcome="deny", reason="no such child", child_id=child_id)
        raise _no_child_to_open()
    if child.registered_by_organization_id == organization.id:
        return Opening(child, "the organisation registered the child")
    categories, _, _, why = policy.covered_categories(session, child=child, organization=organization, settings=settings)
    if categories:
        return Opening(child, f"case opened under {why}")
    reason = f"no consent or legal basis covers the organisation ({why})"
    audit.record(session, principal=principal, action="case.create", outcome="deny", reason=reason, child_id=child.id)
    if reader.participates(session, principal, child.id):
        raise AccessDenied(
            f"{organization.name} may not open a case for child {child.id}: {reason}. The guardians (or the young "
            "person) must consent to it, or the child welfare service or the municipality must record a legal basis "
            "naming it; or ask a participant of the child's case to add it"
        )
    raise _no_child_to_open()


# --- writing on a case or a child ------------------------------------------------------------------------------


def case_for_write(
    session: Session, *, principal: Principal, case_id: uuid.UUID, settings: Settings, action: str
) -> tuple[Case, Visibility]:
    """The case, locked for this transaction, if the caller's organisation takes part in it (participants write, as
    they read); an unknown case and one the caller may not see look the same (404)."""
    with reader.deciding(session):
        return reader.case_gate(session, principal=principal, case_id=case_id, settings=settings, action=action, purpose="care", for_update=True)


# --- optimistic concurrency ------------------------------------------------------------------------------------


def etag(version: int) -> str:
    """A case's, measure's, goal's or consent's ETag: its row version, strong and quoted ("3")."""
    return f'"{version}"'


def check_if_match(*, if_match: str | None, version: int, what: str, settings: Settings) -> None:
    """Judge If-Match against the current version, read under the row's lock. A stale tag is always refused (412);
    a missing one is allowed unless the hub requires it (HUB_REQUIRE_IF_MATCH: 428). `*` matches any version; weak
    tags never match (If-Match compares strongly)."""
    current = etag(version)
    if if_match is None:
        if settings.require_if_match:
            raise PreconditionRequired(f"a change of {what} must carry If-Match with its ETag (now {current}): read it first")
        return
    tags = [t.strip() for t in if_match.split(",") if t.strip()]
    malformed = [t for t in tags if t != "*" and not (t.removeprefix("W/").startswith('"') and t.endswith('"') and len(t.removeprefix("W/")) >= 2)]
    if not tags or malformed:
        raise HubError(f"If-Match must be * or entity tags such as {current}, got {if_match[:40]!r}", location="If-Match")
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed(f"{what} was changed since it was read: its ETag is now {current}; read it again and retry", current_etag=current)


def locked(session: Session, *, row, what: str, settings: Settings, if_match: str | None):
    """`row` (a case, measure, goal or consent) locked for this transaction and re-read as committed, then its
    If-Match judged: the version compared is the one the change will be written over."""
    session.refresh(row, with_for_update=True)
    check_if_match(if_match=if_match, version=row.row_version, what=what, settings=settings)
    return row


def case_for_change(
    session: Session, *, principal: Principal, case_id: uuid.UUID, settings: Settings, action: str, if_match: str | None
) -> tuple[Case, Visibility]:
    """A change of the case's own state (level, close, the baton): the write door's case, its If-Match judged under
    the row lock, so that of two changes read from one version exactly one is decided."""
    case, visibility = case_for_write(session, principal=principal, case_id=case_id, settings=settings, action=action)
    check_if_match(if_match=if_match, version=case.row_version, what=f"case {case.id}", settings=settings)
    return case, visibility


def measure_for_change(
    session: Session, *, principal: Principal, case_id: uuid.UUID, measure_id: uuid.UUID, settings: Settings, if_match: str | None
) -> tuple[Case, Measure]:
    """A measure the caller sees on a case it takes part in, locked, its If-Match judged."""
    case, visibility = case_for_write(session, principal=principal, case_id=case_id, settings=settings, action="measure.status")
    measure = cases.get_measure(session, case=case, measure_id=measure_id, visibility=visibility)
    return case, locked(session, row=measure, what=f"measure {measure.id}", settings=settings, if_match=if_match)


def goal_for_change(
    session: Session, *, principal: Principal, case_id: uuid.UUID, goal_id: uuid.UUID, settings: Settings, if_match: str | None
) -> tuple[Case, Goal]:
    """A goal the caller sees on a case it takes part in, locked, its If-Match judged."""
    case, visibility = case_for_write(session, principal=principal, case_id=case_id, settings=settings, action="goal.status")
    goal = cases.get_goal(session, case=case, goal_id=goal_id, visibility=visibility)
    return case, locked(session, row=goal, what=f"goal {goal.id}", settings=settings, if_match=if_match)


def child_for_write(session: Session, *, principal: Principal, child_id: uuid.UUID, action: str) -> Child:
    """No write on a child the caller could not read: only an organisation taking part in one of its cases."""
    return reader.child_gate(session, principal=principal, child_id=child_id, action=action)


# --- guardians' access to the log ------------------------------------------------------------------------------


def holds_baton(session: Session, *, organization: Organization, child: Child) -> bool:
    """Whether the organisation is the current coordinator (stafettholder) of one of the child's open cases."""
    open_cases = session.scalars(select(Case).where(Case.child_id == child.id, Case.status == CaseStatus.open))
    return any((held := cases.current_coordinator(case)) is not None and held.organization_id == organization.id for case in open_cases)


def log_access_on_add(session: Session, *, principal: Principal, child: Child, guardian: Guardian, settings: Settings) -> str | None:
    """Who grants log access to a guardian being added with may_see_log (None: it stays pending). The national
    register when one is configured; else the caller's organisation, if it holds the baton of an open case of the
    child. Anyone else only asks: the coordinator confirms."""
    verdict = registry.confirms(settings=settings, child=child, guardian=guardian)
    if verdict is not None:
        return "registry" if verdict else None
    if principal.organization is not None and holds_baton(session, organization=principal.organization, child=child):
        return f"coordinator:{principal.organization.id}"
    return None


def log_access_decision(
    session: Session, *, principal: Principal, case_id: uuid.UUID, guardian_id: uuid.UUID, grant: bool, settings: Settings
) -> tuple[Case, Guardian, str]:
    """The case's coordinator grants or withdraws a guardian's access to the log: only the organisation holding the
    baton of this open case, only for a guardian of its child, and never against the national register."""
    case, _ = case_for_write(session, principal=principal, case_id=case_id, settings=settings, action="guardian.log_access")
    organization = reader.require_organization(principal)
    child = session.get(Child, case.child_id)
    guardian = next((g for g in child.guardians if g.id == guardian_id), None) if child is not None else None
    if child is None or guardian is None:
        raise NotFound(f"guardian {guardian_id} not found for the child of case {case.id}")
    held = cases.current_coordinator(case) if case.status == CaseStatus.open else None
    if held is None or held.organization_id != organization.id:
        audit.record(
            session, principal=principal, action="guardian.log_access", outcome="deny", reason="not the case's coordinator",
            child_id=case.child_id, case_id=case.id,
        )
        raise AccessDenied("only the organisation holding the baton of this open case (its coordinator) decides a guardian's access to the log")
    if grant and registry.confirms(settings=settings, child=child, guardian=guardian) is False:
        raise Forbidden("the national register does not list this person with parental responsibility for the child")
    return case, guardian, f"coordinator:{organization.id}"


# --- consents and legal bases ----------------------------------------------------------------------------------


def check_consent_record(session: Session, *, principal: Principal, child: Child, data: ConsentCreate) -> None:
    """A participant may record the family's consent (a signed paper form). A legal basis is recorded only by an
    authority that holds a statutory duty (child welfare, the municipality), with its legal reference, and is a
    basis for others: it may not name the recording organisation or its sector."""
    if data.basis != "legal":
        return
    organization = reader.require_organization(principal)
    if organization.sector not in LEGAL_BASIS_AUTHORITIES:
        _deny_consent(session, principal, child, f"a {organization.sector.value} organisation may not record a legal basis")
        raise AccessDenied(
            f"{organization.name} may not record a legal basis: only the child welfare service or the municipality "
            "records one, for its own statutory duty; the guardians' consent is the basis for everyone else"
        )
    if organization.id in data.organization_ids or organization.sector in data.sectors:
        _deny_consent(session, principal, child, "a legal basis naming the organisation that records it")
        raise AccessDenied(
            "a legal basis is a basis for others: an organisation cannot record one for itself (organization_ids or "
            "sectors name the recording organisation)", location="organization_ids",
        )


def _deny_consent(session: Session, principal: Principal, child: Child, reason: str) -> None:
    audit.record(session, principal=principal, action="consent.record", outcome="deny", reason=reason, child_id=child.id)


def consent_for_revoke(
    session: Session, *, principal: Principal, consent_id: uuid.UUID, action: str, settings: Settings, if_match: str | None = None
) -> Consent:
    """A participant may record that the family withdrew a consent; a legal basis is withdrawn by whoever recorded it
    (or, recorded before the hub kept that, by an authority). Unknown and not-permitted look the same (404). The
    consent is locked and its If-Match judged."""
    consent = session.get(Consent, consent_id)
    child = session.get(Child, consent.child_id) if consent is not None else None
    if consent is None or child is None or principal.organization is None or not reader.participates(session, principal, child.id):
        audit.record(
            session, principal=principal, action=action, outcome="deny", reason="not a participant in any case of this child",
            child_id=child.id if child is not None else None,
        )
        raise AccessDenied(f"consent {consent_id} not found", status=404)
    if consent.basis == "legal" and not _may_withdraw_legal_basis(consent, principal.organization):
        audit.record(session, principal=principal, action=action, outcome="deny", reason="legal basis recorded by another organisation", child_id=child.id)
        raise AccessDenied("a legal basis is withdrawn by the organisation that recorded it")
    return consent_for_change(session, consent=consent, settings=settings, if_match=if_match)


def consent_for_change(session: Session, *, consent: Consent, settings: Settings, if_match: str | None) -> Consent:
    """The consent locked and re-read, its If-Match judged (guardians revoke through this too)."""
    return locked(session, row=consent, what=f"consent {consent.id}", settings=settings, if_match=if_match)


def _may_withdraw_legal_basis(consent: Consent, organization: Organization) -> bool:
    recorder = recorded_by(consent)
    if recorder is None:
        return organization.sector in LEGAL_BASIS_AUTHORITIES
    return recorder == organization.id
