"""The only door for reads of child data: one function per principal kind (an organisation, a guardian or the young
person, a receiving school, a hub's transfer party, the operator) opens a child or a case with its Visibility.

The door writes the audit record of every refusal and of every permitted read (`Opened.seen`), and notes each passage
in the session's trace (`trace`), so that a test can prove every read route passes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access import policy
from hub.access.policy import Visibility
from hub.access.views import CaseView, shown_participants
from hub.audit import service as audit
from hub.audit.models import AuditEvent
from hub.auth.principal import Principal
from hub.canonical.vocab import NATIONAL_ID_SYSTEMS, CaseStatus, Sector
from hub.cases import repository as cases
from hub.cases.models import Case, Goal, Measure, Participant
from hub.children import service as children
from hub.children.models import Child, ChildIdentifier, Guardian
from hub.consent.models import Consent
from hub.core.errors import AccessDenied, Forbidden
from hub.core.settings import Settings
from hub.organizations.models import Organization
from hub.transfer import repository as transfers
from hub.transfer.models import Transfer

TRACE = "hub.access.reader.trace"  # Session.info key: the passages of this session (one request's)
INSIDE = "hub.access.reader.inside"  # Session.info key: >0 while a door function decides


class _Default(Enum):
    WHY = 0  # Opened.seen's default reason (the visibility's) and purpose (the opening's)


WHY = _Default.WHY
HELD = "hub.access.reader.held"  # Session.info key: rows the door read, held for the session's life


# --- the trace -----------------------------------------------------------------------------------------------


@dataclass
class Passage:
    """One opening by the door: who (the principal's kind), for which action, what it decided, whether the read was
    audited as seen."""

    kind: str
    action: str
    permit: bool
    child_ids: set[uuid.UUID] = field(default_factory=set)
    case_ids: set[uuid.UUID] = field(default_factory=set)
    audited: bool = False
    every_child: bool = False  # the operator's: every child by design


def trace(session: Session) -> list[Passage]:
    return session.info.setdefault(TRACE, [])


def inside(session: Session) -> bool:
    return session.info.get(INSIDE, 0) > 0


class deciding:
    """`with deciding(session):` marks the door deciding (what it reads then is the door's own reading)."""

    def __init__(self, session: Session):
        self.session = session

    def __enter__(self) -> None:
        self.session.info[INSIDE] = self.session.info.get(INSIDE, 0) + 1

    def __exit__(self, *exc: object) -> None:
        self.session.info[INSIDE] -= 1


def _hold(session: Session, row: object) -> None:
    """Keep a row the door read for the session's life (its identity map holds rows weakly: a row dropped is read
    again when next asked for)."""
    if row is not None:
        session.info.setdefault(HELD, []).append(row)


def _passage(session: Session, kind: str, action: str, *, permit: bool, child_id=None, case_id=None) -> Passage:
    passage = Passage(kind=kind, action=action, permit=permit)
    if child_id is not None:
        passage.child_ids.add(child_id)
    if case_id is not None:
        passage.case_ids.add(case_id)
    trace(session).append(passage)
    return passage


def _deny(session: Session, principal: Principal | None, kind: str, action: str, reason: str, *, purpose: str | None = None,
          child_id: uuid.UUID | None = None, case_id: uuid.UUID | None = None) -> None:
    _passage(session, kind, action, permit=False, child_id=child_id, case_id=case_id)
    audit.record(session, principal=principal, action=action, outcome="deny", reason=reason, purpose=purpose,
                 child_id=child_id, case_id=case_id)


def _not_found(what: str, ident: object) -> AccessDenied:
    return AccessDenied(f"{what} {ident} not found", status=404)


def refuse(session: Session, principal: Principal | None, *, action: str, reason: str, what: str,
           child_id: uuid.UUID | None = None, case_id: uuid.UUID | None = None, kind: str = "organisation") -> AccessDenied:
    """A read refused after (or before) an opening, for a record not in the caller's view: audited, 404."""
    _deny(session, principal, kind, action, reason, child_id=child_id, case_id=case_id)
    return AccessDenied(f"{what} not found", status=404)


# --- what the door hands out ---------------------------------------------------------------------------------


@dataclass
class Opened:
    """A child (and maybe one of its cases) opened for one principal, with what it may see. `seen` writes the read's
    audit record; `view` is the one case view, built once."""

    session: Session
    principal: Principal | None
    action: str
    purpose: str | None
    visibility: Visibility
    child_id: uuid.UUID
    passage: Passage
    case: Case | None = None
    standing: Standing | None = None
    loaded: Child | None = None  # the child row as the door read it (held: the session's identity map holds rows weakly)

    @cached_property
    def view(self) -> CaseView:
        assert self.case is not None, "a child opened without a case has no case view"
        return CaseView(self.session, case=self.case, visibility=self.visibility, child=self.loaded)

    @cached_property
    def child(self) -> Child:
        child = self.loaded or self.session.get(Child, self.child_id)
        if child is None:
            raise ValueError(f"child {self.child_id} is gone")  # the door opened it in this transaction
        return child

    def refuse(self, detail: str, *, reason: str) -> AccessDenied:
        """A read refused after the opening (a record in the case the caller may not see): audited, 404."""
        _deny(self.session, self.principal, self.passage.kind, self.action, reason, child_id=self.child_id,
              case_id=self.case.id if self.case else None)
        return AccessDenied(detail, status=404)

    def standing_required(self) -> Standing:
        if self.standing is None:
            raise ValueError(f"{self.action}: opened for an organisation, not a person")
        return self.standing

    def case_required(self) -> Case:
        if self.case is None:
            raise ValueError(f"{self.action}: a child was opened, not a case")
        return self.case

    def seen(self, *, entry_ids: Iterable[uuid.UUID] = (), reason: str | _Default | None = WHY, purpose: str | _Default | None = WHY) -> None:
        """The audit record of the permitted read: what it showed (the entry versions) and why (by default the
        visibility's reason)."""
        audit.record(
            self.session, principal=self.principal, action=self.action,
            reason=self.visibility.reason if isinstance(reason, _Default) else reason,
            purpose=self.purpose if isinstance(purpose, _Default) else purpose, child_id=self.child_id, case_id=self.case.id if self.case else None, entry_ids=entry_ids,
        )
        self.passage.audited = True


def _opened(session: Session, principal: Principal | None, kind: str, action: str, visibility: Visibility, *,
            child_id: uuid.UUID, case: Case | None = None, purpose: str | None = None, standing: Standing | None = None,
            child: Child | None = None) -> Opened:
    passage = _passage(session, kind, action, permit=True, child_id=child_id, case_id=case.id if case else None)
    return Opened(session=session, principal=principal, action=action, purpose=purpose, visibility=visibility,
                  child_id=child_id, passage=passage, case=case, standing=standing, loaded=child or (standing.child if standing else None))


def _seen_as_listing(session: Session, principal: Principal | None, kind: str, action: str, *, reason: str,
                     child_ids: set[uuid.UUID], case_ids: Iterable[uuid.UUID] = (), purpose: str | None = None,
                     child_id: uuid.UUID | None = None, every_child: bool = False) -> Passage:
    """A permitted listing (cases, search hits, transfers): one passage, one audit record."""
    passage = _passage(session, kind, action, permit=True)
    passage.every_child = every_child
    passage.child_ids |= child_ids
    passage.case_ids |= set(case_ids)
    audit.record(session, principal=principal, action=action, reason=reason, child_id=child_id, purpose=purpose)
    passage.audited = True
    return passage


# --- organisations -------------------------------------------------------------------------------------------

ORGANISATION = "organisation"


def require_organization(principal: Principal) -> Organization:
    if principal.organization is None:
        raise Forbidden("the client is not linked to an organisation")
    return principal.organization


def participates(session: Session, principal: Principal, child_id: uuid.UUID) -> bool:
    """Whether the caller's organisation takes part in one of the child's cases."""
    if principal.organization is None:
        return False
    found = session.scalar(
        select(Participant.id)
        .join(Case, Case.id == Participant.case_id)
        .where(Case.child_id == child_id, Participant.organization_id == principal.organization.id)
        .limit(1)
    )
    return found is not None


def case_gate(session: Session, *, principal: Principal, case_id: uuid.UUID, settings: Settings, action: str,
               purpose: str, for_update: bool) -> tuple[Case, Visibility]:
    """The case and the organisation's visibility (the write door's gate too); refusals audited, 404."""
    query = select(Case).where(Case.id == case_id)
    # Locked: the row as committed now (populate_existing: not a copy this session read before), so that a decision
    # taken under the lock sees every decision committed before it.
    case = session.scalar(query.with_for_update().execution_options(populate_existing=True) if for_update else query)
    if case is None or principal.organization is None:
        _deny(session, principal, ORGANISATION, action, "no such case", case_id=case_id, purpose=purpose)
        raise _not_found("case", case_id)
    _hold(session, session.get(Child, case.child_id))  # read once: the policy and the case view use this row
    visibility = policy.organization_visibility(session, case=case, organization=principal.organization, settings=settings)
    if not visibility.permit:
        _deny(session, principal, ORGANISATION, action, visibility.reason, case_id=case.id, child_id=case.child_id, purpose=purpose)
        raise _not_found("case", case_id)
    return case, visibility


def case_for_org(
    session: Session, *, principal: Principal, case_id: uuid.UUID, settings: Settings, action: str, purpose: str = "care",
    for_update: bool = False,
) -> Opened:
    """The case and what the caller's organisation may see of it; unknown and not-permitted look the same (404)."""
    with deciding(session):
        case, visibility = case_gate(session, principal=principal, case_id=case_id, settings=settings, action=action,
                                      purpose=purpose, for_update=for_update)
    return _opened(session, principal, ORGANISATION, action, visibility, child_id=case.child_id, case=case, purpose=purpose)


def child_gate(session: Session, *, principal: Principal, child_id: uuid.UUID, action: str, purpose: str | None = None) -> Child:
    """The child, if the caller's organisation takes part in one of its cases (else 404, audited); the write door's
    gate too."""
    with deciding(session):
        child = session.get(Child, child_id)
        if child is None or principal.organization is None or not participates(session, principal, child.id):
            _deny(session, principal, ORGANISATION, action, "not a participant in any case of this child", child_id=child_id, purpose=purpose)
            raise _not_found("child", child_id)
    return child


def child_for_org(session: Session, *, principal: Principal, child_id: uuid.UUID, action: str, settings: Settings,
                  purpose: str | None = None) -> Opened:
    """A child is visible to an organisation that takes part in one of the child's cases; what it sees of the child's
    own record (identifiers, consents) is as in its cases."""
    with deciding(session):
        child = child_gate(session, principal=principal, child_id=child_id, action=action)
        visibility = policy.child_visibility(session, child=child, organization=require_organization(principal), settings=settings)
    return _opened(session, principal, ORGANISATION, action, visibility, child_id=child.id, purpose=purpose, child=child)


def cases_of_child_for_org(session: Session, *, principal: Principal, child_id: uuid.UUID, settings: Settings, action: str) -> list[Opened]:
    """Every case of the child the caller's organisation takes part in, each opened (the child first: 404 if none)."""
    with deciding(session):
        if (
            principal.organization is None
            or session.get(Child, child_id) is None
            or not participates(session, principal, child_id)
        ):
            _deny(session, principal, ORGANISATION, action, "not a participant in any case of this child", child_id=child_id)
            raise _not_found("child", child_id)
        found = session.scalars(
            select(Case).join(Participant, Participant.case_id == Case.id)
            .where(Case.child_id == child_id, Participant.organization_id == principal.organization.id)
            .distinct().order_by(Case.opened_at.desc(), Case.id)
        ).all()
    return [case_for_org(session, principal=principal, case_id=c.id, settings=settings, action=action) for c in found]


def children_by_identifier_for_org(session: Session, *, principal: Principal, identifier: str, settings: Settings,
                                   action: str) -> list[Opened]:
    """The children an identifier (system|value) finds for the caller, each with what it sees of the child: a
    participant's, and only by an identifier it is shown. The search is audited with its count."""
    found: list[tuple[Child, Visibility]] = []
    with deciding(session):
        system, _ = children.parse_identifier_query(identifier)
        organization = principal.organization
        for child in children.find_children(session, identifier=identifier):
            if organization is None or not participates(session, principal, child.id):
                continue
            visibility = policy.child_visibility(session, child=child, organization=organization, settings=settings)
            if visibility.shows_identifier(system):
                found.append((child, visibility))
    passage = _seen_as_listing(session, principal, ORGANISATION, action, reason=f"{len(found)} visible match(es)",
                               child_ids={c.id for c, _ in found}, child_id=found[0][0].id if found else None)
    return [
        Opened(session=session, principal=principal, action=action, purpose=None, visibility=v, child_id=c.id, passage=passage, loaded=c)
        for c, v in found
    ]


CASE_RECORDS = ("case", "goal", "measure", "entry")  # kinds of record located by their case (an entry: by its lineage)
CHILD_RECORDS = ("child", "guardian", "consent")  # kinds of record located by their child


def _locate(session: Session, kind: str, record_id: uuid.UUID) -> uuid.UUID | None:
    if kind == "case":
        return record_id
    if kind == "goal":
        return session.scalar(select(Goal.case_id).where(Goal.id == record_id))
    if kind == "measure":
        return session.scalar(select(Measure.case_id).where(Measure.id == record_id))
    if kind == "entry":
        latest = cases.latest_in_lineage(session, record_id)
        return latest.case_id if latest is not None else None
    if kind == "child":
        return record_id
    if kind == "guardian":
        return session.scalar(select(Guardian.child_id).where(Guardian.id == record_id))
    if kind == "consent":
        return session.scalar(select(Consent.child_id).where(Consent.id == record_id))
    raise ValueError(f"no record kind {kind!r}")


def record_for_org(session: Session, *, principal: Principal, kind: str, record_id: uuid.UUID, what: str, settings: Settings,
                   action: str) -> Opened:
    """The case behind one record named by its id (a case, goal, measure or entry lineage: that case; a child,
    guardian or consent: the child's first case the caller takes part in), opened for the caller; unknown: 404."""
    with deciding(session):
        located = _locate(session, kind, record_id)
        if located is None:
            raise refuse(session, principal, action=action, reason=f"{what} is not in the caller's view", what=what)
    if kind in CASE_RECORDS:
        return case_for_org(session, principal=principal, case_id=located, settings=settings, action=action)
    [first, *_] = cases_of_child_for_org(session, principal=principal, child_id=located, settings=settings, action=action)
    return first


def patient_by_identifier_for_org(session: Session, *, principal: Principal, system: str, value: str, settings: Settings,
                                  action: str) -> list[Opened]:
    """FHIR Patient search: the child's cases opened for the caller, or nothing (no match and no right look the same;
    a refusal of a known child is audited)."""
    from hub.children import repository as child_rows

    with deciding(session):
        child = child_rows.by_identifier(session, system, value)
        if child is None or principal.organization is None or not participates(session, principal, child.id):
            if child is not None:
                _deny(session, principal, ORGANISATION, action, "not a participant in any case of this child", child_id=child.id)
            return []
        if not policy.may_be_found_by(session, child=child, organization=require_organization(principal), settings=settings, system=system):
            _deny(session, principal, ORGANISATION, action, "searched by an identifier the caller is not shown", child_id=child.id)
            return []
    return cases_of_child_for_org(session, principal=principal, child_id=child.id, settings=settings, action=action)


def cases_for_org(session: Session, *, principal: Principal, action: str = "case.list", child_id: uuid.UUID | None = None,
                  **filters: Any) -> list[Case]:
    """The cases the caller's organisation takes part in (the case list), audited with their count."""
    organization = require_organization(principal)
    with deciding(session):
        found = cases.search(session, child_id=child_id, participant=organization.id, **filters)
    _seen_as_listing(session, principal, ORGANISATION, action, reason=f"{len(found)} cases as participant",
                     child_ids={c.child_id for c in found}, case_ids={c.id for c in found}, child_id=child_id)
    return found


def audit_trail_for_org(session: Session, *, principal: Principal, child_id: uuid.UUID, settings: Settings) -> list[AuditEvent]:
    """An organisation's admin reads the audit trail only of a child the organisation may read (a participant in one
    of its cases; else 404 as for an unknown child), and not the events of services it may not learn take part
    (child welfare, social services: their very involvement is confidential)."""
    opened = child_for_org(session, principal=principal, child_id=child_id, action="audit.export", settings=settings, purpose="audit")
    events = audit.events_for_child(session, child_id=child_id)
    ids = {e.organization_id for e in events if e.organization_id}
    sectors = dict(session.execute(select(Organization.id, Organization.sector).where(Organization.id.in_(ids))).all()) if ids else {}
    shown = [
        e for e in events
        if e.organization_id is None
        or (e.organization_id in sectors and opened.visibility.shows_organization(e.organization_id, Sector(sectors[e.organization_id])))
    ]
    opened.seen(reason=None)
    return shown


# --- a receiving school (the handover pull) ------------------------------------------------------------------

SCHOOL = "receiving school"
HANDOVER = "handover.pull"


def choose_case(session: Session, *, child: Child, organization: Organization) -> Case | None:
    """The open case in the requester's municipality, else the most recently opened open case."""
    open_cases = list(
        session.scalars(
            select(Case).where(Case.child_id == child.id, Case.status == CaseStatus.open).order_by(Case.opened_at.desc(), Case.id)
        )
    )
    local = [c for c in open_cases if organization.kommunenummer and c.municipality == organization.kommunenummer]
    return (local or open_cases)[0] if (local or open_cases) else None


def _receiver_visibility(session: Session, *, case: Case, child: Child, organization: Organization, settings: Settings) -> Visibility:
    """A participant already sees its own entries plus what consent covers (a superset of the handover view)."""
    if any(p.organization_id == organization.id for p in case.participants):
        return policy.organization_visibility(session, case=case, organization=organization, settings=settings)
    return policy.handover_visibility(session, child=child, organization=organization, settings=settings)


def _refused(session: Session, principal: Principal, reason: str, **ids: uuid.UUID) -> AccessDenied:
    """The one answer for an unknown child and for a child the caller may not receive: same status, same words."""
    _deny(session, principal, SCHOOL, HANDOVER, reason, purpose="handover", **ids)
    return AccessDenied(
        f"no handover to {require_organization(principal).name}: no child with this identifier is known to the hub, or no "
        "consent or legal basis covers this organisation for it. The guardians (or the young person) must consent to "
        "sharing with this organisation or its sector, or a legal basis must be recorded",
        status=404,
    )


def case_for_receiver(session: Session, *, principal: Principal, identifier: str, settings: Settings) -> Opened:
    """The case a receiving organisation (a school, a kindergarten) pulls for a child it names by an identifier, and
    what it may receive of it. Case choice: among the child's open cases, the one in the requester's municipality,
    else the most recently opened. A caller without a basis gets the same answer whether the hub knows the child or
    not (no existence oracle)."""
    organization = require_organization(principal)
    with deciding(session):
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
            if not participates(session, principal, child.id) and not policy.handover_visibility(
                session, child=child, organization=organization, settings=settings
            ).permit:
                raise _refused(session, principal, "the child has no open case; no basis to learn of it", child_id=child.id)
            _deny(session, principal, SCHOOL, HANDOVER, "the child has no open case", purpose="handover", child_id=child.id)
            raise AccessDenied("the child has no open case to hand over", status=404)
        visibility = _receiver_visibility(session, case=case, child=child, organization=organization, settings=settings)
        if not visibility.permit:
            raise _refused(session, principal, visibility.reason, child_id=child.id, case_id=case.id)
    return _opened(session, principal, SCHOOL, HANDOVER, visibility, child_id=child.id, case=case, purpose="handover", child=child)


# --- a hub's transfer party (the origin's participants, the destination municipality's organisations) ---------

HUB = "transfer party"


TRANSFER = "transfer"


def case_to_transfer(session: Session, *, principal: Principal | None, case: Case, reason: str, basis_ids: list[uuid.UUID]) -> CaseView:
    """The whole case as its transfer package carries it (every entry version, goal, measure, evaluation, consent),
    once the transfer's basis permits it (hub.transfer.basis, checked by the caller; `reason` says which). Audited here
    as `transfer.create`, naming every entry version that leaves."""
    with deciding(session):
        passage = _passage(session, TRANSFER, "transfer.create", permit=True, child_id=case.child_id, case_id=case.id)
        view = CaseView(session, case=case, visibility=policy.transferred(reason, basis_ids))
        audit.record(session, principal=principal, action="transfer.create", reason=reason, case_id=case.id,
                     child_id=case.child_id, entry_ids=[e.id for e in view.entry_versions], purpose="transfer")
        passage.audited = True
    return view


def _may_see_transfer(session: Session, principal: Principal, transfer: Transfer) -> bool:
    org = principal.organization
    if org is None:
        return False
    if transfer.direction == "incoming":
        return org.kommunenummer == transfer.destination_municipality
    case = session.get(Case, transfer.case_id) if transfer.case_id else None
    return case is not None and any(p.organization_id == org.id for p in case.participants)


def transfer_for_org(session: Session, *, principal: Principal, transfer_id: uuid.UUID, action: str, for_update: bool = False,
                     audit_read: bool = False) -> Transfer:
    """A transfer the caller's organisation may see: outgoing ones of a case it takes part in, incoming ones to its
    municipality (unknown and not permitted: 404). `audit_read`: the transfer is read (not decided on), so the read
    is audited here; a decision is audited by the transfer service."""
    with deciding(session):
        transfer = transfers.get(session, transfer_id, for_update=for_update)
        if transfer is None or not _may_see_transfer(session, principal, transfer):
            _deny(session, principal, HUB, action, "no such transfer for this organisation", purpose="transfer")
            raise _not_found("transfer", transfer_id)
    passage = _passage(session, HUB, action, permit=True, case_id=transfer.case_id)
    if audit_read:
        audit.record(session, principal=principal, action=action, case_id=transfer.case_id, purpose="transfer")
        passage.audited = True
    return transfer


def transfers_for_org(session: Session, *, principal: Principal, status: str | None, direction: str | None, limit: int = 200) -> list[Transfer]:
    org = principal.organization
    if org is None:
        return []
    with deciding(session):
        rows = transfers.visible_to(session, organization_id=org.id, kommunenummer=org.kommunenummer, status=status,
                                    direction=direction, limit=limit)
    _seen_as_listing(session, principal, HUB, "transfer.list", reason=f"{len(rows)} transfers", purpose="transfer",
                     child_ids=set(), case_ids={t.case_id for t in rows if t.case_id})
    return rows


# --- guardians and the young person ----------------------------------------------------------------------------

GUARDIAN = "guardian"
YOUNG_PERSON = "young person"


@dataclass
class Standing:
    child: Child
    guardian: Guardian | None  # None: the young person themself

    @property
    def kind(self) -> str:
        return YOUNG_PERSON if self.guardian is None else GUARDIAN


def standings(session: Session, *, national_id: str) -> list[Standing]:
    """The children a person may act for: with parental responsibility and log access, or themself."""
    with deciding(session):
        result = [
            Standing(child=child, guardian=g)
            for g in policy.guardians_of(session, national_id=national_id)
            if policy.may_act_as_guardian(g) and (child := session.get(Child, g.child_id)) is not None
        ]
        own = session.scalars(
            select(Child).join(ChildIdentifier).where(ChildIdentifier.system.in_(NATIONAL_ID_SYSTEMS), ChildIdentifier.value == national_id)
        )
        result += [Standing(child=c, guardian=None) for c in own]
    return result


def guardian_visibility(session: Session, *, standing: Standing, settings: Settings) -> Visibility:
    return policy.guardian_visibility(session, child=standing.child, settings=settings)


def young_person_visibility(session: Session, *, standing: Standing, settings: Settings) -> Visibility:
    return policy.self_visibility(session, child=standing.child, settings=settings)


def person_visibility(session: Session, *, standing: Standing, settings: Settings) -> Visibility:
    if standing.guardian is None:
        return young_person_visibility(session, standing=standing, settings=settings)
    return guardian_visibility(session, standing=standing, settings=settings)


def known_to_family(session: Session, *, case: Case, visibility: Visibility) -> bool:
    """A case only child welfare or social services take part in is not the family's to learn of (their taking part
    is theirs to tell): the family sees a case once a service it may know of takes part."""
    return bool(shown_participants(session, case=case, visibility=visibility))


def _standing(session: Session, principal: Principal, child_id: uuid.UUID) -> Standing | None:
    return next((s for s in standings(session, national_id=principal.national_id or "") if s.child.id == child_id), None)


def child_for_person(session: Session, *, principal: Principal, child_id: uuid.UUID, action: str, settings: Settings) -> Opened:
    """A child a guardian (parental responsibility and log access) or the young person themself may act for."""
    with deciding(session):
        standing = _standing(session, principal, child_id)
        if standing is None:
            _deny(session, principal, GUARDIAN, action, "no parental responsibility with log access", child_id=child_id)
            raise _not_found("child", child_id)
        visibility = person_visibility(session, standing=standing, settings=settings)
    return _opened(session, principal, standing.kind, action, visibility, child_id=child_id, standing=standing)


def case_for_person(session: Session, *, principal: Principal, case_id: uuid.UUID, settings: Settings, action: str) -> Opened:
    """A case of such a child, once a service the family may know of takes part (else 404, as for an unknown case)."""
    with deciding(session):
        case = session.get(Case, case_id)
        if case is None:
            _deny(session, principal, GUARDIAN, action, "no such case", case_id=case_id)
            raise _not_found("case", case_id)
        standing = _standing(session, principal, case.child_id)
        if standing is None:
            _deny(session, principal, GUARDIAN, action, "no parental responsibility with log access", child_id=case.child_id)
            raise _not_found("child", case.child_id)
        visibility = person_visibility(session, standing=standing, settings=settings)
        if not known_to_family(session, case=case, visibility=visibility):
            _deny(session, principal, standing.kind, action, "no service the family may know of takes part", case_id=case.id,
                  child_id=case.child_id)
            raise _not_found("case", case_id)
    return _opened(session, principal, standing.kind, action, visibility, child_id=case.child_id, case=case, standing=standing)


@dataclass
class FamilyChild:
    opened: Opened
    case_ids: list[uuid.UUID]


def children_for_person(session: Session, *, principal: Principal, settings: Settings, action: str = "me.children") -> list[FamilyChild]:
    """Every child the person may act for, each opened and audited, with the cases the family may learn of."""
    result = []
    for standing in standings(session, national_id=principal.national_id or ""):
        with deciding(session):
            visibility = person_visibility(session, standing=standing, settings=settings)
            rows = session.scalars(select(Case).where(Case.child_id == standing.child.id).order_by(Case.opened_at, Case.id))
            case_ids = [c.id for c in rows if known_to_family(session, case=c, visibility=visibility)]
        opened = _opened(session, principal, standing.kind, action, visibility, child_id=standing.child.id, standing=standing)
        opened.passage.case_ids |= set(case_ids)
        opened.seen(reason=None)
        result.append(FamilyChild(opened=opened, case_ids=case_ids))
    return result


# --- the operator ----------------------------------------------------------------------------------------------

OPERATOR = "operator"


def reviews_for_operator(session: Session, *, principal: Principal) -> list[Any]:
    """The identity review list (children that may be one person): the operator's (admin scope), who sees every child
    by design."""
    from hub.identity.resolver import open_reviews

    with deciding(session):
        reviews = open_reviews(session)
    _seen_as_listing(session, principal, OPERATOR, "identity.review", reason=f"{len(reviews)} open", child_ids=set(), every_child=True)
    return reviews
