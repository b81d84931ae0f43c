"""Routes for cases (systems with case.read / case.write): create, read with the visible timeline, list, level,
close, participants, entries (append, correct, history), goals, measures, evaluations, the coordinator baton and the
coordinator's decision on a guardian's log access. Thin: reads open through the read door (hub.access.reader), writes
are hub.cases.actions (the write door, the rules, the audit).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from hub.access import reader, writes
from hub.api.deps import DbSession
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.canonical.vocab import CaseStatus
from hub.cases import actions, service
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
    GoalStatusChange,
    LevelChange,
    MeasureCreate,
    MeasureRead,
    MeasureStatusChange,
    ParticipantIn,
    ParticipantRead,
)
from hub.children.schemas import GuardianRead, LogAccessDecision

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])

Reader = Annotated[Principal, Depends(require("case.read"), scope="function")]
Writer = Annotated[Principal, Depends(require("case.write"), scope="function")]
IfMatch = Annotated[str | None, Header(description='the ETag ("<version>") the change was read from; a stale one is 412')]


def _settings(request: Request):
    return request.app.state.settings


def _open(session: DbSession, request: Request, principal: Principal, case_id: uuid.UUID, action: str) -> reader.Opened:
    """Reads go through the read door."""
    return reader.case_for_org(
        session, principal=principal, case_id=case_id, settings=request.app.state.settings, action=action
    )


def _tagged(response: Response, version: int):
    response.headers["ETag"] = writes.etag(version)


def _read(session: DbSession, request: Request, principal: Principal, case_id: uuid.UUID, action: str = "case.read") -> CaseRead:
    opened = _open(session, request, principal, case_id, action)
    view = CaseRead.model_validate(service.describe_case(opened.view))
    opened.seen(entry_ids=[e.id for e in view.entries])
    return view


@router.post("", status_code=201, response_model=CaseRead)
def create_case(body: CaseCreate, request: Request, response: Response, session: DbSession, principal: Writer) -> CaseRead:
    case = actions.create_case(session, principal=principal, data=body, settings=_settings(request))
    view = _read(session, request, principal, case.id, "case.create")
    _tagged(response, view.version)
    return view


@router.get("", response_model=list[CaseSummary])
def list_cases(
    session: DbSession,
    principal: Reader,
    child_id: uuid.UUID | None = None,
    municipality: str | None = None,
    status: CaseStatus | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=2**31 - 1),  # bounded: past 2^63 the database driver fails
) -> list[CaseSummary]:
    cases = reader.cases_for_org(
        session, principal=principal, child_id=child_id, municipality=municipality, status=status, limit=limit, offset=offset
    )
    return [CaseSummary.model_validate(c) for c in cases]


@router.get("/{case_id}", response_model=CaseRead)
def read_case(case_id: uuid.UUID, request: Request, response: Response, session: DbSession, principal: Reader) -> CaseRead:
    view = _read(session, request, principal, case_id)
    _tagged(response, view.version)  # the version of the case's own state (level, status, baton): If-Match for those
    return view


@router.post("/{case_id}/level", response_model=CaseRead)
def change_level(
    case_id: uuid.UUID, body: LevelChange, request: Request, response: Response, session: DbSession, principal: Writer, if_match: IfMatch = None
) -> CaseRead:
    actions.change_level(session, principal=principal, case_id=case_id, data=body, settings=_settings(request), if_match=if_match)
    view = _read(session, request, principal, case_id, "case.level")
    _tagged(response, view.version)
    return view


@router.post("/{case_id}/close", response_model=CaseRead)
def close_case(
    case_id: uuid.UUID, body: CaseClose, request: Request, response: Response, session: DbSession, principal: Writer, if_match: IfMatch = None
) -> CaseRead:
    actions.close_case(session, principal=principal, case_id=case_id, data=body, settings=_settings(request), if_match=if_match)
    view = _read(session, request, principal, case_id, "case.close")
    _tagged(response, view.version)
    return view


@router.post("/{case_id}/participants", status_code=201, response_model=ParticipantRead)
def add_participant(case_id: uuid.UUID, body: ParticipantIn, request: Request, session: DbSession, principal: Writer) -> ParticipantRead:
    participant = actions.add_participant(session, principal=principal, case_id=case_id, data=body, settings=_settings(request))
    return ParticipantRead.model_validate(participant)


@router.post("/{case_id}/entries", status_code=201, response_model=EntryRead)
def append_entry(case_id: uuid.UUID, body: EntryCreate, request: Request, session: DbSession, principal: Writer) -> EntryRead:
    entry = actions.append_entry(session, principal=principal, case_id=case_id, data=body, settings=_settings(request))
    return EntryRead.model_validate(entry)


@router.post("/{case_id}/entries/{entry_id}/corrections", status_code=201, response_model=EntryRead)
def correct_entry(
    case_id: uuid.UUID, entry_id: uuid.UUID, body: EntryCorrection, request: Request, session: DbSession, principal: Writer
) -> EntryRead:
    corrected = actions.correct_entry(session, principal=principal, case_id=case_id, entry_id=entry_id, data=body, settings=_settings(request))
    return EntryRead.model_validate(corrected)


@router.get("/{case_id}/entries/{entry_id}/history", response_model=list[EntryRead])
def entry_history(case_id: uuid.UUID, entry_id: uuid.UUID, request: Request, session: DbSession, principal: Reader) -> list[EntryRead]:
    opened = _open(session, request, principal, case_id, "entry.history")
    versions = service.history_seen(session, opened=opened, entry_id=entry_id)
    return [EntryRead.model_validate(e) for e in versions]


@router.post("/{case_id}/goals", status_code=201, response_model=GoalRead)
def add_goal(case_id: uuid.UUID, body: GoalCreate, request: Request, response: Response, session: DbSession, principal: Writer) -> GoalRead:
    goal = actions.add_goal(session, principal=principal, case_id=case_id, data=body, settings=_settings(request))
    _tagged(response, goal.row_version)
    return GoalRead.model_validate(goal)


@router.post("/{case_id}/goals/{goal_id}/status", response_model=GoalRead)
def set_goal_status(
    case_id: uuid.UUID, goal_id: uuid.UUID, body: GoalStatusChange, request: Request, response: Response, session: DbSession,
    principal: Writer, if_match: IfMatch = None,
) -> GoalRead:
    goal = actions.set_goal_status(
        session, principal=principal, case_id=case_id, goal_id=goal_id, data=body, settings=_settings(request), if_match=if_match
    )
    _tagged(response, goal.row_version)
    return GoalRead.model_validate(goal)


@router.post("/{case_id}/measures", status_code=201, response_model=MeasureRead)
def add_measure(case_id: uuid.UUID, body: MeasureCreate, request: Request, response: Response, session: DbSession, principal: Writer) -> MeasureRead:
    measure = actions.add_measure(session, principal=principal, case_id=case_id, data=body, settings=_settings(request))
    _tagged(response, measure.row_version)
    return MeasureRead.model_validate(measure)


@router.post("/{case_id}/measures/{measure_id}/status", response_model=MeasureRead)
def set_measure_status(
    case_id: uuid.UUID, measure_id: uuid.UUID, body: MeasureStatusChange, request: Request, response: Response, session: DbSession,
    principal: Writer, if_match: IfMatch = None,
) -> MeasureRead:
    measure = actions.set_measure_status(
        session, principal=principal, case_id=case_id, measure_id=measure_id, data=body, settings=_settings(request), if_match=if_match
    )
    _tagged(response, measure.row_version)
    return MeasureRead.model_validate(measure)


@router.post("/{case_id}/measures/{measure_id}/evaluations", status_code=201, response_model=EvaluationRead)
def add_evaluation(
    case_id: uuid.UUID, measure_id: uuid.UUID, body: EvaluationCreate, request: Request, session: DbSession, principal: Writer
) -> EvaluationRead:
    evaluation = actions.add_evaluation(
        session, principal=principal, case_id=case_id, measure_id=measure_id, data=body, settings=_settings(request)
    )
    return EvaluationRead.model_validate(evaluation)


@router.post("/{case_id}/coordinator/proposals", status_code=201, response_model=CoordinatorRead)
def propose_coordinator(
    case_id: uuid.UUID, body: CoordinatorIn, request: Request, response: Response, session: DbSession, principal: Writer, if_match: IfMatch = None
) -> CoordinatorRead:
    assignment, version = actions.propose_coordinator(
        session, principal=principal, case_id=case_id, data=body, settings=_settings(request), if_match=if_match
    )
    _tagged(response, version)
    return CoordinatorRead.model_validate(assignment)


@router.post("/{case_id}/coordinator/proposals/{assignment_id}/accept", response_model=CoordinatorRead)
def accept_coordinator(
    case_id: uuid.UUID, assignment_id: uuid.UUID, request: Request, response: Response, session: DbSession, principal: Writer,
    if_match: IfMatch = None,
) -> CoordinatorRead:
    assignment, version = actions.accept_coordinator(
        session, principal=principal, case_id=case_id, assignment_id=assignment_id, settings=_settings(request), if_match=if_match
    )
    _tagged(response, version)
    return CoordinatorRead.model_validate(assignment)


@router.post("/{case_id}/coordinator/proposals/{assignment_id}/decline", response_model=CoordinatorRead)
def decline_coordinator(
    case_id: uuid.UUID, assignment_id: uuid.UUID, body: CoordinatorDecision, request: Request, response: Response, session: DbSession,
    principal: Writer, if_match: IfMatch = None,
) -> CoordinatorRead:
    assignment, version = actions.decline_coordinator(
        session, principal=principal, case_id=case_id, assignment_id=assignment_id, reason=body.reason,
        settings=_settings(request), if_match=if_match,
    )
    _tagged(response, version)
    return CoordinatorRead.model_validate(assignment)


@router.post("/{case_id}/guardians/{guardian_id}/log-access", response_model=GuardianRead)
def decide_log_access(
    case_id: uuid.UUID, guardian_id: uuid.UUID, body: LogAccessDecision, request: Request, session: DbSession, principal: Writer
) -> GuardianRead:
    """The coordinator confirms (or withdraws) a guardian's access to the child's log."""
    guardian = actions.decide_log_access(
        session, principal=principal, case_id=case_id, guardian_id=guardian_id, grant=body.may_see_log, settings=_settings(request)
    )
    return GuardianRead.model_validate(guardian)
