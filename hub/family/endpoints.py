"""Routes for guardians and young people (an OpenID Connect ID token): /api/v1/me/children, cases, notes, home
measures and their evaluations, consent, closing the log, and the access log of the child. Thin: hub.family.service
holds the rules and the audit, the read door (hub.access.reader) opens every child and case.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from hub.access import writes
from hub.api.deps import DbSession
from hub.auth.deps import person
from hub.auth.principal import Principal
from hub.cases.schemas import CaseRead, EntryRead, EvaluationRead, MeasureRead
from hub.consent.schemas import ConsentCreate, ConsentRead
from hub.family import service
from hub.family.schemas import AccessLogLine, CloseIn, HomeEvaluationIn, HomeMeasureIn, MyChild, NoteIn

router = APIRouter(prefix="/api/v1/me", tags=["guardians"])

Person = Annotated[Principal, Depends(person, scope="function")]


def _settings(request: Request):
    return request.app.state.settings


@router.get("/children", response_model=list[MyChild])
def my_children(request: Request, session: DbSession, principal: Person) -> list[MyChild]:
    return service.my_children(session, principal=principal, settings=_settings(request))


@router.get("/cases/{case_id}", response_model=CaseRead)
def my_case(case_id: uuid.UUID, request: Request, session: DbSession, principal: Person) -> CaseRead:
    return CaseRead.model_validate(service.read_case(session, principal=principal, case_id=case_id, settings=_settings(request)))


@router.post("/cases/{case_id}/notes", status_code=201, response_model=EntryRead)
def add_note(case_id: uuid.UUID, body: NoteIn, request: Request, session: DbSession, principal: Person) -> EntryRead:
    return EntryRead.model_validate(service.add_note(session, principal=principal, case_id=case_id, body=body, settings=_settings(request)))


@router.post("/cases/{case_id}/measures", status_code=201, response_model=MeasureRead)
def add_home_measure(case_id: uuid.UUID, body: HomeMeasureIn, request: Request, session: DbSession, principal: Person) -> MeasureRead:
    measure = service.add_home_measure(session, principal=principal, case_id=case_id, body=body, settings=_settings(request))
    return MeasureRead.model_validate(measure)


@router.post("/cases/{case_id}/measures/{measure_id}/evaluations", status_code=201, response_model=EvaluationRead)
def evaluate_home_measure(
    case_id: uuid.UUID, measure_id: uuid.UUID, body: HomeEvaluationIn, request: Request, session: DbSession, principal: Person
) -> EvaluationRead:
    evaluation = service.evaluate_home_measure(
        session, principal=principal, case_id=case_id, measure_id=measure_id, body=body, settings=_settings(request)
    )
    return EvaluationRead.model_validate(evaluation)


@router.post("/cases/{case_id}/close", response_model=CaseRead)
def close_log(
    case_id: uuid.UUID, body: CloseIn, request: Request, response: Response, session: DbSession, principal: Person,
    if_match: Annotated[str | None, Header()] = None,
) -> CaseRead:
    described, version = service.close_log(
        session, principal=principal, case_id=case_id, reason=body.reason, settings=_settings(request), if_match=if_match
    )
    response.headers["ETag"] = writes.etag(version)
    return CaseRead.model_validate(described)


@router.post("/children/{child_id}/consents", status_code=201, response_model=ConsentRead)
def give_consent(child_id: uuid.UUID, body: ConsentCreate, request: Request, session: DbSession, principal: Person) -> ConsentRead:
    return ConsentRead.model_validate(service.give_consent(session, principal=principal, child_id=child_id, body=body, settings=_settings(request)))


@router.get("/children/{child_id}/consents", response_model=list[ConsentRead])
def my_consents(child_id: uuid.UUID, session: DbSession, request: Request, principal: Person) -> list[ConsentRead]:
    shown = service.consents_shown(session, principal=principal, child_id=child_id, settings=_settings(request))
    return [ConsentRead.model_validate(c) for c in shown]


@router.post("/consents/{consent_id}/revoke", response_model=ConsentRead)
def revoke_consent(
    consent_id: uuid.UUID, request: Request, response: Response, session: DbSession, principal: Person,
    if_match: Annotated[str | None, Header()] = None,
) -> ConsentRead:
    revoked = service.revoke_consent(session, principal=principal, consent_id=consent_id, settings=_settings(request), if_match=if_match)
    response.headers["ETag"] = writes.etag(revoked.row_version)
    return ConsentRead.model_validate(revoked)


@router.get("/children/{child_id}/access-log", response_model=list[AccessLogLine])
def access_log(child_id: uuid.UUID, request: Request, session: DbSession, principal: Person) -> list[AccessLogLine]:
    return service.access_log(session, principal=principal, child_id=child_id, settings=_settings(request))
