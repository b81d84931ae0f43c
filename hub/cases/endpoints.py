"""Routes for cases (systems with case.read / case.write): create, read with the visible timeline, list, level,
close, participants, entries (append, correct, history), goals, measures, evaluations, the coordinator baton and the
coordinator's decision on a guardian's log access. Every write goes through hub.access.writes.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from hub.access import reader, writes
from hub.api.deps import DbSession
from hub.audit import service as audit
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.canonical.vocab import AuthorKind, CaseStatus
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
    GoalStatusChange,
    LevelChange,
    MeasureCreate,
    MeasureRead,
    MeasureStatusChange,
    ParticipantIn,
    ParticipantRead,
)
from hub.children import service as children
from hub.children.schemas import GuardianRead, LogAccessDecision
from hub.core.errors import Forbidden

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])

Reader = Annotated[Principal, Depends(require("case.read"), scope="function")]
Writer = Annotated[Principal, Depends(require("case.write"), scope="function")]
IfMatch = Annotated[str | None, Header(description='the ETag ("<version>") the change was read from; a stale one is 412')]


def _open(session: DbSession, request: Request, principal: Principal, case_id: uuid.UUID, action: str) -> reader.Opened:
    """Reads go through the read door."""
    return reader.case_for_org(
        session, principal=principal, case_id=case_id, settings=request.app.state.settings, action=action
    )


def _write(session: DbSession, request: Request, principal: Principal, case_id: uuid.UUID, action: str):
    """Writes go through the write door (the case locked for the request's transaction)."""
    return writes.case_for_write(
        session, principal=principal, case_id=case_id, settings=request.app.state.settings, action=action
    )


def _change(session: DbSession, request: Request, principal: Principal, case_id: uuid.UUID, action: str, if_match: str | None):
    """A change of the case's own state: the write door, with the caller's If-Match judged under the lock."""
    return writes.case_for_change(
        session, principal=principal, case_id=case_id, settings=request.app.state.settings, action=action, if_match=if_match
    )


def _tagged(response: Response, version: int):
    response.headers["ETag"] = writes.etag(version)


def _read(session: DbSession, request: Request, principal: Principal, case_id: uuid.UUID, action: str = "case.read") -> CaseRead:
    opened = _open(session, request, principal, case_id, action)
    view = CaseRead.model_validate(service.describe_case(opened.view))
    opened.seen(entry_ids=[e.id for e in view.entries])
    return view


def _author(principal: Principal, organization_id: uuid.UUID | None) -> None:
    if organization_id is not None and organization_id != principal.organization.id:
        raise Forbidden("an organisation writes only in its own name (author_organization_id must be yours)")


@router.post("", status_code=201, response_model=CaseRead)
def create_case(body: CaseCreate, request: Request, response: Response, session: DbSession, principal: Writer) -> CaseRead:
    opening = writes.case_opening(session, principal=principal, child_id=body.child_id, settings=request.app.state.settings)
    if not any(p.organization_id == principal.organization.id for p in body.participants):
        body.participants.append(ParticipantIn(organization_id=principal.organization.id, role=principal.organization.sector.value))
    case = service.create_case(session, child=opening.child, data=body)
    audit.record(session, principal=principal, action="case.create", reason=opening.reason, child_id=case.child_id, case_id=case.id)
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
    case, _ = _change(session, request, principal, case_id, "case.level", if_match)
    service.change_level(session, case=case, data=body)
    view = _read(session, request, principal, case_id, "case.level")
    _tagged(response, view.version)
    return view


@router.post("/{case_id}/close", response_model=CaseRead)
def close_case(
    case_id: uuid.UUID, body: CaseClose, request: Request, response: Response, session: DbSession, principal: Writer, if_match: IfMatch = None
) -> CaseRead:
    case, _ = _change(session, request, principal, case_id, "case.close", if_match)
    service.close_case(session, case=case, data=body)
    view = _read(session, request, principal, case_id, "case.close")
    _tagged(response, view.version)
    return view


@router.post("/{case_id}/participants", status_code=201, response_model=ParticipantRead)
def add_participant(case_id: uuid.UUID, body: ParticipantIn, request: Request, session: DbSession, principal: Writer) -> ParticipantRead:
    case, _ = _write(session, request, principal, case_id, "case.participant")
    service.require_open(case)
    participant = service.add_participant(session, case=case, organization_id=body.organization_id, role=body.role)
    audit.record(session, principal=principal, action="case.participant", child_id=case.child_id, case_id=case.id)
    return ParticipantRead.model_validate(participant)


@router.post("/{case_id}/entries", status_code=201, response_model=EntryRead)
def append_entry(case_id: uuid.UUID, body: EntryCreate, request: Request, session: DbSession, principal: Writer) -> EntryRead:
    case, _ = _write(session, request, principal, case_id, "entry.append")
    _author(principal, body.author_organization_id)
    body = body.model_copy(update={"author_kind": AuthorKind.organization, "author_organization_id": principal.organization.id})
    entry = service.append_entry(session, case=case, data=body, **service.typed_in_by(principal.organization.id))
    audit.record(session, principal=principal, action="entry.append", child_id=case.child_id, case_id=case.id, entry_ids=[entry.id])
    return EntryRead.model_validate(entry)


@router.post("/{case_id}/entries/{entry_id}/corrections", status_code=201, response_model=EntryRead)
def correct_entry(
    case_id: uuid.UUID, entry_id: uuid.UUID, body: EntryCorrection, request: Request, session: DbSession, principal: Writer
) -> EntryRead:
    case, _ = _write(session, request, principal, case_id, "entry.correct")
    entry = service.get_entry(session, case=case, entry_id=entry_id)
    if entry.author_organization_id != principal.organization.id:
        raise Forbidden("only the organisation that wrote an entry may correct it")
    corrected = service.correct_entry(session, case=case, entry=entry, data=body)
    audit.record(session, principal=principal, action="entry.correct", child_id=case.child_id, case_id=case.id, entry_ids=[corrected.id])
    return EntryRead.model_validate(corrected)


@router.get("/{case_id}/entries/{entry_id}/history", response_model=list[EntryRead])
def entry_history(case_id: uuid.UUID, entry_id: uuid.UUID, request: Request, session: DbSession, principal: Reader) -> list[EntryRead]:
    opened = _open(session, request, principal, case_id, "entry.history")
    versions = service.history_seen(session, opened=opened, entry_id=entry_id)
    return [EntryRead.model_validate(e) for e in versions]


@router.post("/{case_id}/goals", status_code=201, response_model=GoalRead)
def add_goal(case_id: uuid.UUID, body: GoalCreate, request: Request, response: Response, session: DbSession, principal: Writer) -> GoalRead:
    case, _ = _write(session, request, principal, case_id, "goal.add")
    goal = service.add_goal(session, case=case, data=body, **service.typed_in_by(principal.organization.id))
    audit.record(session, principal=principal, action="goal.add", child_id=case.child_id, case_id=case.id)
    _tagged(response, goal.row_version)
    return GoalRead.model_validate(goal)


@router.post("/{case_id}/goals/{goal_id}/status", response_model=GoalRead)
def set_goal_status(
    case_id: uuid.UUID, goal_id: uuid.UUID, body: GoalStatusChange, request: Request, response: Response, session: DbSession,
    principal: Writer, if_match: IfMatch = None,
) -> GoalRead:
    case, goal = writes.goal_for_change(
        session, principal=principal, case_id=case_id, goal_id=goal_id, settings=request.app.state.settings, if_match=if_match
    )
    goal = service.set_goal_status(session, case=case, goal=goal, status=body.status)
    audit.record(session, principal=principal, action="goal.status", reason=body.status.value, child_id=case.child_id, case_id=case.id)
    _tagged(response, goal.row_version)
    return GoalRead.model_validate(goal)


@router.post("/{case_id}/measures", status_code=201, response_model=MeasureRead)
def add_measure(case_id: uuid.UUID, body: MeasureCreate, request: Request, response: Response, session: DbSession, principal: Writer) -> MeasureRead:
    case, _ = _write(session, request, principal, case_id, "measure.add")
    measure = service.add_measure(session, case=case, data=body, **service.typed_in_by(principal.organization.id))
    audit.record(session, principal=principal, action="measure.add", child_id=case.child_id, case_id=case.id)
    _tagged(response, measure.row_version)
    return MeasureRead.model_validate(measure)


@router.post("/{case_id}/measures/{measure_id}/status", response_model=MeasureRead)
def set_measure_status(
    case_id: uuid.UUID, measure_id: uuid.UUID, body: MeasureStatusChange, request: Request, response: Response, session: DbSession,
    principal: Writer, if_match: IfMatch = None,
) -> MeasureRead:
    case, measure = writes.measure_for_change(
        session, principal=principal, case_id=case_id, measure_id=measure_id, settings=request.app.state.settings, if_match=if_match
    )
    measure = service.set_measure_status(session, case=case, measure=measure, status=body.status)
    audit.record(session, principal=principal, action="measure.status", child_id=case.child_id, case_id=case.id)
    _tagged(response, measure.row_version)
    return MeasureRead.model_validate(measure)


@router.post("/{case_id}/measures/{measure_id}/evaluations", status_code=201, response_model=EvaluationRead)
def add_evaluation(
    case_id: uuid.UUID, measure_id: uuid.UUID, body: EvaluationCreate, request: Request, session: DbSession, principal: Writer
) -> EvaluationRead:
    case, visibility = _write(session, request, principal, case_id, "evaluation.add")
    _author(principal, body.author_organization_id)
    measure = service.get_measure(session, case=case, measure_id=measure_id, visibility=visibility)
    body = body.model_copy(update={"author_organization_id": principal.organization.id})
    evaluation = service.add_evaluation(session, case=case, measure=measure, data=body)
    audit.record(session, principal=principal, action="evaluation.add", child_id=case.child_id, case_id=case.id)
    return EvaluationRead.model_validate(evaluation)


@router.post("/{case_id}/coordinator/proposals", status_code=201, response_model=CoordinatorRead)
def propose_coordinator(
    case_id: uuid.UUID, body: CoordinatorIn, request: Request, response: Response, session: DbSession, principal: Writer, if_match: IfMatch = None
) -> CoordinatorRead:
    case, _ = _change(session, request, principal, case_id, "coordinator.propose", if_match)
    assignment = service.propose_coordinator(session, case=case, data=body)
    audit.record(session, principal=principal, action="coordinator.propose", child_id=case.child_id, case_id=case.id)
    _tagged(response, case.row_version)
    return CoordinatorRead.model_validate(assignment)


@router.post("/{case_id}/coordinator/proposals/{assignment_id}/accept", response_model=CoordinatorRead)
def accept_coordinator(
    case_id: uuid.UUID, assignment_id: uuid.UUID, request: Request, response: Response, session: DbSession, principal: Writer,
    if_match: IfMatch = None,
) -> CoordinatorRead:
    case, _ = _change(session, request, principal, case_id, "coordinator.accept", if_match)
    assignment = service.accept_coordinator(session, case=case, assignment_id=assignment_id, organization_id=principal.organization.id)
    audit.record(session, principal=principal, action="coordinator.accept", child_id=case.child_id, case_id=case.id)
    _tagged(response, case.row_version)
    return CoordinatorRead.model_validate(assignment)


@router.post("/{case_id}/coordinator/proposals/{assignment_id}/decline", response_model=CoordinatorRead)
def decline_coordinator(
    case_id: uuid.UUID, assignment_id: uuid.UUID, body: CoordinatorDecision, request: Request, response: Response, session: DbSession,
    principal: Writer, if_match: IfMatch = None,
) -> CoordinatorRead:
    case, _ = _change(session, request, principal, case_id, "coordinator.decline", if_match)
    assignment = service.decline_coordinator(
        session, case=case, assignment_id=assignment_id, reason=body.reason, organization_id=principal.organization.id
    )
    audit.record(session, principal=principal, action="coordinator.decline", child_id=case.child_id, case_id=case.id)
    _tagged(response, case.row_version)
    return CoordinatorRead.model_validate(assignment)


@router.post("/{case_id}/guardians/{guardian_id}/log-access", response_model=GuardianRead)
def decide_log_access(
    case_id: uuid.UUID, guardian_id: uuid.UUID, body: LogAccessDecision, request: Request, session: DbSession, principal: Writer
) -> GuardianRead:
    """The coordinator confirms (or withdraws) a guardian's access to the child's log."""
    case, guardian, by = writes.log_access_decision(
        session, principal=principal, case_id=case_id, guardian_id=guardian_id, grant=body.may_see_log,
        settings=request.app.state.settings,
    )
    children.decide_log_access(session, guardian=guardian, granted=body.may_see_log, by=by)
    audit.record(
        session, principal=principal, action="guardian.log_access", reason=f"{'granted' if body.may_see_log else 'withdrawn'} by the coordinator",
        child_id=case.child_id, case_id=case.id,
    )
    return GuardianRead.model_validate(guardian)
