"""Routes for cases: create, read with timeline, list, level, close, entries (append, correct, history),
goals, measures, evaluations and the coordinator handover (propose, accept, decline).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from hub.api.deps import DbSession
from hub.canonical.vocab import CaseStatus
from hub.cases import service
from hub.cases.schemas import (
    CaseClose,
    CaseCreate,
    CaseRead,
    CaseSummary,
    CoordinatorDecision,
    CoordinatorIn,
    CoordinatorRead,
    EntryCorrection,
    EntryCreate,
    EntryRead,
    EvaluationCreate,
    EvaluationRead,
    GoalCreate,
    GoalRead,
    LevelChange,
    MeasureCreate,
    MeasureRead,
    MeasureStatusChange,
    ParticipantIn,
    ParticipantRead,
)

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


def _read(session: DbSession, case_id: uuid.UUID) -> CaseRead:
    case = service.get_case(session, case_id=case_id)
    return CaseRead.model_validate(service.describe_case(session, case=case))


@router.post("", status_code=201, response_model=CaseRead)
def create_case(body: CaseCreate, session: DbSession) -> CaseRead:
    case = service.create_case(session, data=body)
    return CaseRead.model_validate(service.describe_case(session, case=case))


@router.get("", response_model=list[CaseSummary])
def list_cases(
    session: DbSession,
    child_id: uuid.UUID | None = None,
    municipality: str | None = None,
    status: CaseStatus | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0),
) -> list[CaseSummary]:
    cases = service.list_cases(
        session, child_id=child_id, municipality=municipality, status=status, limit=limit, offset=offset
    )
    return [CaseSummary.model_validate(c) for c in cases]


@router.get("/{case_id}", response_model=CaseRead)
def read_case(case_id: uuid.UUID, session: DbSession) -> CaseRead:
    return _read(session, case_id)


@router.post("/{case_id}/level", response_model=CaseRead)
def change_level(case_id: uuid.UUID, body: LevelChange, session: DbSession) -> CaseRead:
    service.change_level(session, case=service.get_case(session, case_id=case_id), data=body)
    return _read(session, case_id)


@router.post("/{case_id}/close", response_model=CaseRead)
def close_case(case_id: uuid.UUID, body: CaseClose, session: DbSession) -> CaseRead:
    service.close_case(session, case=service.get_case(session, case_id=case_id), data=body)
    return _read(session, case_id)


@router.post("/{case_id}/participants", status_code=201, response_model=ParticipantRead)
def add_participant(case_id: uuid.UUID, body: ParticipantIn, session: DbSession) -> ParticipantRead:
    case = service.get_case(session, case_id=case_id)
    service.require_open(case)
    participant = service.add_participant(session, case=case, organization_id=body.organization_id, role=body.role)
    return ParticipantRead.model_validate(participant)


@router.post("/{case_id}/entries", status_code=201, response_model=EntryRead)
def append_entry(case_id: uuid.UUID, body: EntryCreate, session: DbSession) -> EntryRead:
    case = service.get_case(session, case_id=case_id)
    return EntryRead.model_validate(service.append_entry(session, case=case, data=body))


@router.post("/{case_id}/entries/{entry_id}/corrections", status_code=201, response_model=EntryRead)
def correct_entry(case_id: uuid.UUID, entry_id: uuid.UUID, body: EntryCorrection, session: DbSession) -> EntryRead:
    case = service.get_case(session, case_id=case_id)
    entry = service.get_entry(session, case=case, entry_id=entry_id)
    return EntryRead.model_validate(service.correct_entry(session, case=case, entry=entry, data=body))


@router.get("/{case_id}/entries/{entry_id}/history", response_model=list[EntryRead])
def entry_history(case_id: uuid.UUID, entry_id: uuid.UUID, session: DbSession) -> list[EntryRead]:
    case = service.get_case(session, case_id=case_id)
    entry = service.get_entry(session, case=case, entry_id=entry_id)
    return [EntryRead.model_validate(e) for e in service.entry_history(session, entry=entry)]


@router.post("/{case_id}/goals", status_code=201, response_model=GoalRead)
def add_goal(case_id: uuid.UUID, body: GoalCreate, session: DbSession) -> GoalRead:
    case = service.get_case(session, case_id=case_id)
    return GoalRead.model_validate(service.add_goal(session, case=case, data=body))


@router.post("/{case_id}/measures", status_code=201, response_model=MeasureRead)
def add_measure(case_id: uuid.UUID, body: MeasureCreate, session: DbSession) -> MeasureRead:
    case = service.get_case(session, case_id=case_id)
    return MeasureRead.model_validate(service.add_measure(session, case=case, data=body))


@router.post("/{case_id}/measures/{measure_id}/status", response_model=MeasureRead)
def set_measure_status(
    case_id: uuid.UUID, measure_id: uuid.UUID, body: MeasureStatusChange, session: DbSession
) -> MeasureRead:
    case = service.get_case(session, case_id=case_id)
    measure = service.get_measure(session, case=case, measure_id=measure_id)
    return MeasureRead.model_validate(service.set_measure_status(session, case=case, measure=measure, status=body.status))


@router.post("/{case_id}/measures/{measure_id}/evaluations", status_code=201, response_model=EvaluationRead)
def add_evaluation(
    case_id: uuid.UUID, measure_id: uuid.UUID, body: EvaluationCreate, session: DbSession
) -> EvaluationRead:
    case = service.get_case(session, case_id=case_id)
    measure = service.get_measure(session, case=case, measure_id=measure_id)
    return EvaluationRead.model_validate(service.add_evaluation(session, case=case, measure=measure, data=body))


@router.post("/{case_id}/coordinator/proposals", status_code=201, response_model=CoordinatorRead)
def propose_coordinator(case_id: uuid.UUID, body: CoordinatorIn, session: DbSession) -> CoordinatorRead:
    case = service.get_case(session, case_id=case_id)
    return CoordinatorRead.model_validate(service.propose_coordinator(session, case=case, data=body))


@router.post("/{case_id}/coordinator/proposals/{assignment_id}/accept", response_model=CoordinatorRead)
def accept_coordinator(case_id: uuid.UUID, assignment_id: uuid.UUID, session: DbSession) -> CoordinatorRead:
    case = service.get_case(session, case_id=case_id)
    return CoordinatorRead.model_validate(service.accept_coordinator(session, case=case, assignment_id=assignment_id))


@router.post("/{case_id}/coordinator/proposals/{assignment_id}/decline", response_model=CoordinatorRead)
def decline_coordinator(
    case_id: uuid.UUID, assignment_id: uuid.UUID, body: CoordinatorDecision, session: DbSession
) -> CoordinatorRead:
    case = service.get_case(session, case_id=case_id)
    assignment = service.decline_coordinator(session, case=case, assignment_id=assignment_id, reason=body.reason)
    return CoordinatorRead.model_validate(assignment)
