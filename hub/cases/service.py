"""Rules of the relay log: open/close/level, append-only entries with versioned corrections, goals, measures,
evaluations, and the coordinator baton that only moves when the new holder accepts it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypedDict

from sqlalchemy.orm import Session

from hub.access.policy import Visibility
from hub.access.views import CaseView
from hub.canonical.vocab import AuthorKind, CaseStatus
from hub.cases import participants, repository
from hub.cases.entries import next_version_row, write_entry
from hub.cases.models import AssignmentStatus, Case, CoordinatorAssignment, Entry, Evaluation, Goal, Measure, Participant
from hub.cases.schemas import (
    CaseClose,
    CaseCreate,
    CoordinatorIn,
    EntryCorrection,
    EntryCreate,
    EvaluationCreate,
    GoalCreate,
    LevelChange,
    MeasureCreate,
)
from hub.children.models import Child
from hub.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hub.core.ownership import owner_key
from hub.events import service as events
from hub.events.models import EventKind
from hub.organizations import service as organizations

if TYPE_CHECKING:
    from hub.access.reader import Opened


def _now() -> datetime:
    return datetime.now(UTC)


class Provenance(TypedDict):
    source_system: str
    source_format: str


def typed_in_by(organization_id: uuid.UUID) -> Provenance:
    """Provenance of a fact an organisation typed into the hub through the API (it stays that organisation's own)."""
    return {"source_system": owner_key(organization_id, "api"), "source_format": "api"}


def require_open(case: Case) -> None:
    if case.status != CaseStatus.open:
        raise Conflict(f"case {case.id} is {case.status.value} and read-only")


def get_case(session: Session, *, case_id: uuid.UUID, for_update: bool = False) -> Case:
    case = repository.get(session, case_id, for_update=for_update)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


def create_case(session: Session, *, child: Child, data: CaseCreate) -> Case:
    """Open a case for `child` (the write door decided that the caller may). One open case per child and
    municipality: the conflict names neither the municipality nor the other case."""
    if repository.open_case_for(session, child.id, data.municipality):
        raise Conflict(
            f"child {child.id} already has an open case in the municipality given; ask one of its participants to add "
            "your organisation to it"
        )
    case = Case(child_id=child.id, municipality=data.municipality, bti_level=data.bti_level)
    for p in data.participants:
        organizations.get_organization(session, organization_id=p.organization_id)
        participants.join(case, p.organization_id, p.role)
    repository.add(session, case)
    case_opened(session, case=case, origin="api")
    if data.coordinator:
        # The first holder opens the log: there is nobody to hand over from, so the baton starts accepted.
        first = _assignment(session, case=case, data=data.coordinator)
        first.status, first.decided_at, first.started_at = AssignmentStatus.accepted, _now(), _now()
        coordinator_changed(session, case=case, assignment=first)
    return case


def case_opened(session: Session, *, case: Case, origin: str) -> None:
    """The `case.opened` event (a REST create, a transfer import; bulk ingest writes its rows with `case_opened_row`)."""
    events.record_many(session, [case_opened_row(case, origin=origin)])


def case_opened_row(case: Case, *, origin: str) -> dict[str, object]:
    return events.event_row(EventKind.case_opened, case_id=case.id, child_id=case.child_id, subject_id=case.id,
                            data={"municipality": case.municipality, "bti_level": case.bti_level, "origin": origin})


def set_level(session: Session, *, case: Case, level: int, origin: str) -> None:
    """The one place a case's BTI level changes, with its `case.level_changed` event (nothing when it stays)."""
    if level == case.bti_level:
        return
    events.record(session, EventKind.case_level_changed, case_id=case.id, child_id=case.child_id, subject_id=case.id,
                  data={"from": case.bti_level, "to": level, "origin": origin})
    case.bti_level = level


def coordinator_changed(session: Session, *, case: Case, assignment: CoordinatorAssignment) -> None:
    events.record(session, EventKind.coordinator_changed, case_id=case.id, child_id=case.child_id,
                  subject_id=assignment.id, organization_id=assignment.organization_id)


def list_cases(
    session: Session,
    *,
    child_id: uuid.UUID | None = None,
    municipality: str | None = None,
    status: CaseStatus | None = None,
    limit: int = 100,
    offset: int = 0,
    participant: uuid.UUID | None = None,
) -> list[Case]:
    return repository.search(
        session, child_id=child_id, municipality=municipality, status=status, limit=limit, offset=offset, participant=participant
    )


def add_participant(session: Session, *, case: Case, organization_id: uuid.UUID, role: str) -> Participant:
    organizations.get_organization(session, organization_id=organization_id)
    participant = participants.join(case, organization_id, role)
    session.flush()
    return participant


def change_level(session: Session, *, case: Case, data: LevelChange) -> Case:
    require_open(case)
    set_level(session, case=case, level=data.bti_level, origin="api")
    session.flush()
    return case


def close_case(session: Session, *, case: Case, data: CaseClose) -> Case:
    require_open(case)
    case.status = CaseStatus(data.status)
    case.closed_at = _now()
    case.closed_reason = data.reason
    session.flush()
    return case


# --- timeline ------------------------------------------------------------------------------------------------


def _check_author(session: Session, organization_id: uuid.UUID | None) -> None:
    if organization_id is not None:
        organizations.get_organization(session, organization_id=organization_id)


def append_entry(
    session: Session, *, case: Case, data: EntryCreate, author_guardian_id: uuid.UUID | None = None, **provenance: str | None
) -> Entry:
    require_open(case)
    _check_author(session, data.author_organization_id)
    if data.author_kind == AuthorKind.organization and data.author_organization_id is None:
        raise InvalidInput("an entry by an organisation needs author_organization_id", location="author_organization_id")
    return write_entry(session, dict(
        case_id=case.id,
        lineage_id=uuid.uuid4(),
        version=1,
        kind=data.kind,
        category=data.category,
        sensitivity=data.sensitivity,
        author_kind=data.author_kind,
        author_organization_id=data.author_organization_id,
        author_guardian_id=author_guardian_id,
        author_name=data.author_name,
        occurred_at=data.occurred_at,
        text=data.text,
        codes=[c.model_dump(mode="json") for c in data.codes],
        payload=data.payload,
        related=[str(r) for r in data.related],
        **provenance,
    ), origin="api")


def get_entry(session: Session, *, case: Case, entry_id: uuid.UUID) -> Entry:
    entry = repository.entry(session, entry_id)
    if entry is None or entry.case_id != case.id:
        raise NotFound(f"entry {entry_id} not found on case {case.id}")
    return entry


def new_version(session: Session, *, previous: Entry, reason: str, **changes: object) -> Entry:
    """Append the next version of `previous`'s lineage; the old row stays untouched."""
    latest = repository.latest_in_lineage(session, previous.lineage_id)
    if latest is not None and latest.id != previous.id:
        raise Conflict(
            f"entry {previous.id} was already corrected; correct the latest version ({latest.version}, id {latest.id})"
        )
    row = next_version_row(previous, reason=reason, **{k: v for k, v in changes.items() if v is not None})
    return write_entry(session, row, origin="api")


def correct_entry(session: Session, *, case: Case, entry: Entry, data: EntryCorrection) -> Entry:
    require_open(case)
    if data.occurred_at is not None and data.occurred_at.tzinfo is None:
        raise InvalidInput("occurred_at needs a timezone offset", location="occurred_at")
    return new_version(
        session,
        previous=entry,
        reason=data.reason,
        text=data.text,
        codes=[c.model_dump(mode="json") for c in data.codes] if data.codes is not None else None,
        payload=data.payload,
        occurred_at=data.occurred_at,
        sensitivity=data.sensitivity,
        retracted=True if data.retract else None,
    )


def entry_history(session: Session, *, entry: Entry) -> list[Entry]:
    return repository.lineage(session, entry.lineage_id)


def history_seen(session: Session, *, opened: Opened, entry_id: uuid.UUID) -> list[Entry]:
    """The versions of an entry's lineage the reader sees, audited by the door; an unknown entry and one the reader
    may not see get the same 404, the refusal audited."""
    case = opened.case_required()
    entry = repository.entry(session, entry_id)
    versions = [e for e in entry_history(session, entry=entry) if opened.visibility.sees_entry(e)] if entry and entry.case_id == case.id else []
    if not versions:
        raise opened.refuse(f"entry {entry_id} not found on case {case.id}", reason="the entry is not in the caller's view")
    opened.seen(entry_ids=[e.id for e in versions], reason=None, purpose=None)
    return versions


def timeline(session: Session, *, case: Case) -> list[Entry]:
    return repository.current_entries(session, case.id)


# --- goals, measures, evaluations ------------------------------------------------------------------------------


def add_goal(session: Session, *, case: Case, data: GoalCreate, **provenance: str | None) -> Goal:
    require_open(case)
    goal = Goal(
        **provenance,
        case_id=case.id,
        description=data.description,
        category=data.category,
        status=data.status,
        target_date=data.target_date,
        codes=[c.model_dump(mode="json") for c in data.codes],
    )
    repository.add(session, goal)
    return goal


def add_measure(session: Session, *, case: Case, data: MeasureCreate, **provenance: str | None) -> Measure:
    require_open(case)
    _check_author(session, data.responsible_organization_id)
    known_goals = {g.id for g in repository.goals(session, case.id)}
    for goal_id in data.goal_ids:
        if goal_id not in known_goals:
            raise NotFound(f"goal {goal_id} not found on case {case.id}", location="goal_ids")
    measure = Measure(
        **provenance,
        case_id=case.id,
        description=data.description,
        category=data.category,
        sensitivity=data.sensitivity,
        responsible_organization_id=data.responsible_organization_id,
        responsible_home=data.responsible_home,
        status=data.status,
        start_date=data.start_date,
        end_date=data.end_date,
        evaluation_due=data.evaluation_due,
        goal_ids=[str(g) for g in data.goal_ids],
        codes=[c.model_dump(mode="json") for c in data.codes],
    )
    repository.add(session, measure)
    return measure


def _touch(case: Case) -> None:
    """A change of the case's own state that touches no column of it (the baton): bump its row version (its ETag), so
    that two such changes racing end in one winner and an If-Match read before either is stale after."""
    case.updated_at = _now()


def get_goal(session: Session, *, case: Case, goal_id: uuid.UUID, visibility: Visibility | None = None) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None or goal.case_id != case.id or (visibility is not None and not visibility.sees_goal(goal)):
        raise NotFound(f"goal {goal_id} not found on case {case.id}")
    return goal


def set_goal_status(session: Session, *, case: Case, goal: Goal, status: object) -> Goal:
    require_open(case)
    goal.status = status  # type: ignore[assignment]
    session.flush()
    return goal


def get_measure(session: Session, *, case: Case, measure_id: uuid.UUID, visibility: Visibility | None = None) -> Measure:
    measure = session.get(Measure, measure_id)
    if measure is None or measure.case_id != case.id or (visibility is not None and not visibility.sees_measure(measure)):
        raise NotFound(f"measure {measure_id} not found on case {case.id}")
    return measure


def set_measure_status(session: Session, *, case: Case, measure: Measure, status: object) -> Measure:
    require_open(case)
    measure.status = status  # type: ignore[assignment]
    session.flush()
    return measure


def add_evaluation(
    session: Session,
    *,
    case: Case,
    measure: Measure,
    data: EvaluationCreate,
    author_kind: AuthorKind = AuthorKind.organization,
    author_guardian_id: uuid.UUID | None = None,
) -> Evaluation:
    require_open(case)
    _check_author(session, data.author_organization_id)
    evaluation = Evaluation(
        measure_id=measure.id,
        evaluated_at=data.evaluated_at or _now(),
        outcome=data.outcome,
        text=data.text,
        author_kind=author_kind,
        author_organization_id=data.author_organization_id,
        author_guardian_id=author_guardian_id,
        author_name=data.author_name,
    )
    measure.evaluations.append(evaluation)
    session.flush()
    return evaluation


# --- coordinator baton -----------------------------------------------------------------------------------------


def _assignment(session: Session, *, case: Case, data: CoordinatorIn) -> CoordinatorAssignment:
    if data.organization_id is not None:
        organizations.get_organization(session, organization_id=data.organization_id)
    assignment = CoordinatorAssignment(
        person_name=data.person_name,
        organization_id=data.organization_id,
        proposed_by=data.proposed_by,
        status=AssignmentStatus.proposed,
        proposed_at=_now(),
    )
    case.coordinators.append(assignment)
    session.flush()
    return assignment


def current_coordinator(case: Case) -> CoordinatorAssignment | None:
    held = [a for a in case.coordinators if a.status == AssignmentStatus.accepted and a.ended_at is None]
    # An accepted assignment has started; one without a start (not written by this hub) ranks below every other.
    return max(held, key=lambda a: (a.started_at is not None, a.started_at or _NEVER)) if held else None


_NEVER = datetime.min.replace(tzinfo=UTC)


def propose_coordinator(session: Session, *, case: Case, data: CoordinatorIn) -> CoordinatorAssignment:
    """Propose a new holder of the baton; their organisation joins the case so it can answer."""
    require_open(case)
    if data.organization_id is not None:
        add_participant(session, case=case, organization_id=data.organization_id, role="coordinator")
    _touch(case)
    return _assignment(session, case=case, data=data)


def _pending(case: Case, assignment_id: uuid.UUID, organization_id: uuid.UUID | None) -> CoordinatorAssignment:
    for assignment in case.coordinators:
        if assignment.id == assignment_id:
            if assignment.status != AssignmentStatus.proposed:
                raise Conflict(f"handover {assignment_id} is already {assignment.status}")
            if organization_id is not None and assignment.organization_id not in (None, organization_id):
                raise Forbidden("only the proposed coordinator's organisation may answer this handover")
            return assignment
    raise NotFound(f"handover {assignment_id} not found on case {case.id}")


def accept_coordinator(
    session: Session, *, case: Case, assignment_id: uuid.UUID, organization_id: uuid.UUID | None = None
) -> CoordinatorAssignment:
    """Decided once: the caller holds the case's row lock (hub.access.writes), so a concurrent accept or decline of
    the same proposal waits and then finds it decided (409)."""
    require_open(case)
    assignment = _pending(case, assignment_id, organization_id)
    now = _now()
    previous = current_coordinator(case)
    if previous is not None:
        previous.ended_at = now
    assignment.status, assignment.decided_at, assignment.started_at = AssignmentStatus.accepted, now, now
    _touch(case)
    session.flush()
    coordinator_changed(session, case=case, assignment=assignment)
    return assignment


def decline_coordinator(
    session: Session, *, case: Case, assignment_id: uuid.UUID, reason: str | None, organization_id: uuid.UUID | None = None
) -> CoordinatorAssignment:
    require_open(case)
    assignment = _pending(case, assignment_id, organization_id)
    assignment.status, assignment.decided_at, assignment.decline_reason = AssignmentStatus.declined, _now(), reason
    _touch(case)
    session.flush()
    return assignment


def describe_case(view: CaseView) -> dict[str, object]:
    """What CaseRead shows of a case view: the case, the visible part of its timeline, goals, measures, the baton."""
    case = view.case
    return {
        "id": case.id,
        "version": case.row_version,
        "child_id": case.child_id,
        "municipality": case.municipality,
        "bti_level": case.bti_level,
        "status": case.status,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "closed_reason": case.closed_reason,
        "transferred_to": case.transferred_to,
        "received_from": case.received_from,
        "participants": view.participants,
        "coordinator": current_coordinator(case),
        "coordinator_history": list(case.coordinators),
        "entries": view.entries,
        "goals": view.goals,
        "measures": view.measures,
    }
