"""The case writes as the API asks for them: the write door's decision (hub.access.writes), the rules of who may
write in whose name, the service call, and the write's audit record. Routers call these and shape the answer.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from hub.access import reader, writes
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.vocab import AuthorKind
from hub.cases import service
from hub.cases.models import Case, CoordinatorAssignment, Entry, Evaluation, Goal, Measure, Participant
from hub.cases.schemas import (
    CaseClose,
    CaseCreate,
    CoordinatorIn,
    EntryCorrection,
    EntryCreate,
    EvaluationCreate,
    GoalCreate,
    GoalStatusChange,
    LevelChange,
    MeasureCreate,
    MeasureStatusChange,
    ParticipantIn,
)
from hub.children import service as children
from hub.children.models import Guardian
from hub.core.errors import Forbidden
from hub.core.settings import Settings
from hub.organizations.models import Organization


def _org(principal: Principal) -> Organization:
    """The caller's organisation (the write door let only an organisation's client this far)."""
    return reader.require_organization(principal)


def _own_name(principal: Principal, organization_id: uuid.UUID | None) -> None:
    """An organisation writes only in its own name."""
    if organization_id is not None and organization_id != _org(principal).id:
        raise Forbidden("an organisation writes only in its own name (author_organization_id must be yours)")


def _audit(session: Session, principal: Principal, action: str, case: Case, **extra: object) -> None:
    audit.record(session, principal=principal, action=action, child_id=case.child_id, case_id=case.id, **extra)  # type: ignore[arg-type]


def create_case(session: Session, *, principal: Principal, data: CaseCreate, settings: Settings) -> Case:
    """Open a case for a child (the write door decides whether the caller may); the caller takes part in it."""
    opening = writes.case_opening(session, principal=principal, child_id=data.child_id, settings=settings)
    if not any(p.organization_id == _org(principal).id for p in data.participants):
        data.participants.append(ParticipantIn(organization_id=_org(principal).id, role=_org(principal).sector.value))
    case = service.create_case(session, child=opening.child, data=data)
    _audit(session, principal, "case.create", case, reason=opening.reason)
    return case


def _change(session: Session, principal: Principal, case_id: uuid.UUID, action: str, settings: Settings, if_match: str | None) -> Case:
    case, _ = writes.case_for_change(session, principal=principal, case_id=case_id, settings=settings, action=action, if_match=if_match)
    return case


def _write(session: Session, principal: Principal, case_id: uuid.UUID, action: str, settings: Settings):
    return writes.case_for_write(session, principal=principal, case_id=case_id, settings=settings, action=action)


def change_level(session: Session, *, principal: Principal, case_id: uuid.UUID, data: LevelChange, settings: Settings,
                 if_match: str | None) -> Case:
    """The level is changed by a participant; the read that answers it is the change's audit (action case.level)."""
    case = _change(session, principal, case_id, "case.level", settings, if_match)
    return service.change_level(session, case=case, data=data)


def close_case(session: Session, *, principal: Principal, case_id: uuid.UUID, data: CaseClose, settings: Settings,
               if_match: str | None) -> Case:
    case = _change(session, principal, case_id, "case.close", settings, if_match)
    return service.close_case(session, case=case, data=data)


def add_participant(session: Session, *, principal: Principal, case_id: uuid.UUID, data: ParticipantIn, settings: Settings) -> Participant:
    case, _ = _write(session, principal, case_id, "case.participant", settings)
    service.require_open(case)
    participant = service.add_participant(session, case=case, organization_id=data.organization_id, role=data.role)
    _audit(session, principal, "case.participant", case)
    return participant


def append_entry(session: Session, *, principal: Principal, case_id: uuid.UUID, data: EntryCreate, settings: Settings) -> Entry:
    case, _ = _write(session, principal, case_id, "entry.append", settings)
    _own_name(principal, data.author_organization_id)
    data = data.model_copy(update={"author_kind": AuthorKind.organization, "author_organization_id": _org(principal).id})
    entry = service.append_entry(session, case=case, data=data, **service.typed_in_by(_org(principal).id))
    _audit(session, principal, "entry.append", case, entry_ids=[entry.id])
    return entry


def correct_entry(session: Session, *, principal: Principal, case_id: uuid.UUID, entry_id: uuid.UUID, data: EntryCorrection,
                  settings: Settings) -> Entry:
    """Only the organisation that wrote an entry corrects it."""
    case, _ = _write(session, principal, case_id, "entry.correct", settings)
    entry = service.get_entry(session, case=case, entry_id=entry_id)
    if entry.author_organization_id != _org(principal).id:
        raise Forbidden("only the organisation that wrote an entry may correct it")
    corrected = service.correct_entry(session, case=case, entry=entry, data=data)
    _audit(session, principal, "entry.correct", case, entry_ids=[corrected.id])
    return corrected


def add_goal(session: Session, *, principal: Principal, case_id: uuid.UUID, data: GoalCreate, settings: Settings) -> Goal:
    case, _ = _write(session, principal, case_id, "goal.add", settings)
    goal = service.add_goal(session, case=case, data=data, **service.typed_in_by(_org(principal).id))
    _audit(session, principal, "goal.add", case)
    return goal


def set_goal_status(session: Session, *, principal: Principal, case_id: uuid.UUID, goal_id: uuid.UUID, data: GoalStatusChange,
                    settings: Settings, if_match: str | None) -> Goal:
    case, goal = writes.goal_for_change(session, principal=principal, case_id=case_id, goal_id=goal_id, settings=settings, if_match=if_match)
    goal = service.set_goal_status(session, case=case, goal=goal, status=data.status)
    _audit(session, principal, "goal.status", case, reason=data.status.value)
    return goal


def add_measure(session: Session, *, principal: Principal, case_id: uuid.UUID, data: MeasureCreate, settings: Settings) -> Measure:
    case, _ = _write(session, principal, case_id, "measure.add", settings)
    measure = service.add_measure(session, case=case, data=data, **service.typed_in_by(_org(principal).id))
    _audit(session, principal, "measure.add", case)
    return measure


def set_measure_status(session: Session, *, principal: Principal, case_id: uuid.UUID, measure_id: uuid.UUID,
                       data: MeasureStatusChange, settings: Settings, if_match: str | None) -> Measure:
    case, measure = writes.measure_for_change(
        session, principal=principal, case_id=case_id, measure_id=measure_id, settings=settings, if_match=if_match
    )
    measure = service.set_measure_status(session, case=case, measure=measure, status=data.status)
    _audit(session, principal, "measure.status", case)
    return measure


def add_evaluation(session: Session, *, principal: Principal, case_id: uuid.UUID, measure_id: uuid.UUID, data: EvaluationCreate,
                   settings: Settings) -> Evaluation:
    case, visibility = _write(session, principal, case_id, "evaluation.add", settings)
    _own_name(principal, data.author_organization_id)
    measure = service.get_measure(session, case=case, measure_id=measure_id, visibility=visibility)
    data = data.model_copy(update={"author_organization_id": _org(principal).id})
    evaluation = service.add_evaluation(session, case=case, measure=measure, data=data)
    _audit(session, principal, "evaluation.add", case)
    return evaluation


def propose_coordinator(session: Session, *, principal: Principal, case_id: uuid.UUID, data: CoordinatorIn, settings: Settings,
                        if_match: str | None) -> tuple[CoordinatorAssignment, int]:
    """A new holder of the baton proposed; the answer's version is the case's."""
    case = _change(session, principal, case_id, "coordinator.propose", settings, if_match)
    assignment = service.propose_coordinator(session, case=case, data=data)
    _audit(session, principal, "coordinator.propose", case)
    return assignment, case.row_version


def accept_coordinator(session: Session, *, principal: Principal, case_id: uuid.UUID, assignment_id: uuid.UUID, settings: Settings,
                       if_match: str | None) -> tuple[CoordinatorAssignment, int]:
    case = _change(session, principal, case_id, "coordinator.accept", settings, if_match)
    assignment = service.accept_coordinator(session, case=case, assignment_id=assignment_id, organization_id=_org(principal).id)
    _audit(session, principal, "coordinator.accept", case)
    return assignment, case.row_version


def decline_coordinator(session: Session, *, principal: Principal, case_id: uuid.UUID, assignment_id: uuid.UUID, reason: str | None,
                        settings: Settings, if_match: str | None) -> tuple[CoordinatorAssignment, int]:
    case = _change(session, principal, case_id, "coordinator.decline", settings, if_match)
    assignment = service.decline_coordinator(session, case=case, assignment_id=assignment_id, reason=reason, organization_id=_org(principal).id)
    _audit(session, principal, "coordinator.decline", case)
    return assignment, case.row_version


def decide_log_access(session: Session, *, principal: Principal, case_id: uuid.UUID, guardian_id: uuid.UUID, grant: bool,
                      settings: Settings) -> Guardian:
    """The coordinator confirms (or withdraws) a guardian's access to the child's log."""
    case, guardian, by = writes.log_access_decision(
        session, principal=principal, case_id=case_id, guardian_id=guardian_id, grant=grant, settings=settings
    )
    children.decide_log_access(session, guardian=guardian, granted=grant, by=by)
    _audit(session, principal, "guardian.log_access", case, reason=f"{'granted' if grant else 'withdrawn'} by the coordinator")
    return guardian
