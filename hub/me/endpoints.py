"""Routes for guardians and young people (an OpenID Connect ID token): /api/v1/me/children, cases, notes, home
measures and their evaluations, consent, closing the log, and the access log of the child.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from sqlalchemy import select

from hub.access import writes
from hub.api.deps import DbSession
from hub.audit import service as audit
from hub.auth.deps import person
from hub.auth.principal import Principal
from hub.canonical.vocab import AuthorKind, Category, EntryKind, MeasureStatus, Sector
from hub.cases import service as cases
from hub.cases.models import Case
from hub.cases.schemas import CaseClose, CaseRead, EntryCreate, EntryRead, EvaluationCreate, EvaluationRead, MeasureCreate, MeasureRead
from hub.consent import service as consents
from hub.consent.schemas import ConsentCreate, ConsentRead
from hub.core.errors import Forbidden
from hub.me import service
from hub.me.schemas import AccessLogLine, CloseIn, HomeEvaluationIn, HomeMeasureIn, MyChild, NoteIn
from hub.organizations.models import Organization

router = APIRouter(prefix="/api/v1/me", tags=["guardians"])

Person = Annotated[Principal, Depends(person, scope="function")]


def _settings(request: Request):
    return request.app.state.settings


@router.get("/children", response_model=list[MyChild])
def my_children(request: Request, session: DbSession, principal: Person) -> list[MyChild]:
    result = []
    for standing in service.standings(session, national_id=principal.national_id):
        visibility = service.visibility_of(session, standing=standing, settings=_settings(request))
        cases = session.scalars(select(Case).where(Case.child_id == standing.child.id).order_by(Case.opened_at, Case.id))
        case_ids = [c.id for c in cases if service.known_to_family(session, case=c, visibility=visibility)]
        result.append(
            MyChild(
                id=standing.child.id,
                names=standing.child.names,
                birth_date=standing.child.birth_date,
                relation="self" if standing.guardian is None else "guardian",
                case_ids=case_ids,
            )
        )
        audit.record(session, principal=principal, action="me.children", child_id=standing.child.id)
    return result


@router.get("/cases/{case_id}", response_model=CaseRead)
def my_case(case_id: uuid.UUID, request: Request, session: DbSession, principal: Person) -> CaseRead:
    case, _, visibility = service.case_for_person(session, principal=principal, case_id=case_id, settings=_settings(request), action="me.case.read")
    view = CaseRead.model_validate(cases.describe_case(session, case=case, visibility=visibility))
    audit.record(session, principal=principal, action="me.case.read", reason=visibility.reason, child_id=case.child_id, case_id=case.id, entry_ids=[e.id for e in view.entries])
    return view


@router.post("/cases/{case_id}/notes", status_code=201, response_model=EntryRead)
def add_note(case_id: uuid.UUID, body: NoteIn, request: Request, session: DbSession, principal: Person) -> EntryRead:
    case, standing, _ = service.case_for_person(session, principal=principal, case_id=case_id, settings=_settings(request), action="me.note")
    entry = cases.append_entry(
        session,
        case=case,
        data=EntryCreate(kind=EntryKind(body.kind), category=Category.home, author_kind=AuthorKind.guardian if standing.guardian else AuthorKind.person, occurred_at=body.occurred_at, text=body.text),
        author_guardian_id=standing.guardian.id if standing.guardian else None,
    )
    audit.record(session, principal=principal, action="me.note", child_id=case.child_id, case_id=case.id, entry_ids=[entry.id])
    return EntryRead.model_validate(entry)


@router.post("/cases/{case_id}/measures", status_code=201, response_model=MeasureRead)
def add_home_measure(case_id: uuid.UUID, body: HomeMeasureIn, request: Request, session: DbSession, principal: Person) -> MeasureRead:
    case, _, _ = service.case_for_person(session, principal=principal, case_id=case_id, settings=_settings(request), action="me.measure")
    measure = cases.add_measure(
        session,
        case=case,
        data=MeasureCreate(description=body.description, category=Category.home, responsible_home=True, status=MeasureStatus.active, start_date=body.start_date, end_date=body.end_date, evaluation_due=body.evaluation_due, goal_ids=body.goal_ids),
    )
    audit.record(session, principal=principal, action="me.measure", child_id=case.child_id, case_id=case.id)
    return MeasureRead.model_validate(measure)


@router.post("/cases/{case_id}/measures/{measure_id}/evaluations", status_code=201, response_model=EvaluationRead)
def evaluate_home_measure(
    case_id: uuid.UUID, measure_id: uuid.UUID, body: HomeEvaluationIn, request: Request, session: DbSession, principal: Person
) -> EvaluationRead:
    case, standing, visibility = service.case_for_person(session, principal=principal, case_id=case_id, settings=_settings(request), action="me.evaluation")
    measure = cases.get_measure(session, case=case, measure_id=measure_id, visibility=visibility)
    if not measure.responsible_home:
        raise Forbidden("guardians evaluate the measures done at home; this one belongs to a service")
    evaluation = cases.add_evaluation(
        session, case=case, measure=measure, data=EvaluationCreate(text=body.text, outcome=body.outcome),
        author_kind=AuthorKind.guardian if standing.guardian else AuthorKind.person,
        author_guardian_id=standing.guardian.id if standing.guardian else None,
    )
    audit.record(session, principal=principal, action="me.evaluation", child_id=case.child_id, case_id=case.id)
    return EvaluationRead.model_validate(evaluation)


@router.post("/cases/{case_id}/close", response_model=CaseRead)
def close_log(
    case_id: uuid.UUID, body: CloseIn, request: Request, response: Response, session: DbSession, principal: Person,
    if_match: Annotated[str | None, Header()] = None,
) -> CaseRead:
    case, _, visibility = service.case_for_person(session, principal=principal, case_id=case_id, settings=_settings(request), action="me.close")
    writes.locked(session, row=case, what=f"case {case.id}", settings=_settings(request), if_match=if_match)
    cases.close_case(session, case=case, data=CaseClose(status="closed", reason=body.reason))
    response.headers["ETag"] = writes.etag(case.row_version)
    audit.record(session, principal=principal, action="me.close", child_id=case.child_id, case_id=case.id, reason=body.reason)
    return CaseRead.model_validate(cases.describe_case(session, case=case, visibility=visibility))


@router.post("/children/{child_id}/consents", status_code=201, response_model=ConsentRead)
def give_consent(child_id: uuid.UUID, body: ConsentCreate, session: DbSession, principal: Person) -> ConsentRead:
    standing = service.standing_for_child(session, principal=principal, child_id=child_id, action="me.consent.give")
    if body.basis != "consent":
        raise Forbidden("guardians give consent; a legal basis is recorded by the service that relies on it")
    data = body.model_copy(update={"given_by": "guardian" if standing.guardian else "child"})
    consent = consents.record_consent(session, child=standing.child, data=data, guardian_id=standing.guardian.id if standing.guardian else None)
    audit.record(session, principal=principal, action="me.consent.give", child_id=child_id, reason=str(consent.id))
    return ConsentRead.model_validate(consent)


@router.get("/children/{child_id}/consents", response_model=list[ConsentRead])
def my_consents(child_id: uuid.UUID, session: DbSession, request: Request, principal: Person) -> list[ConsentRead]:
    standing = service.standing_for_child(session, principal=principal, child_id=child_id, action="me.consent.list")
    shown = service.consents_shown(session, standing=standing, settings=_settings(request))
    audit.record(session, principal=principal, action="me.consent.list", child_id=child_id, reason=f"{len(shown)} shown")
    return [ConsentRead.model_validate(c) for c in shown]


@router.post("/consents/{consent_id}/revoke", response_model=ConsentRead)
def revoke_consent(
    consent_id: uuid.UUID, request: Request, response: Response, session: DbSession, principal: Person,
    if_match: Annotated[str | None, Header()] = None,
) -> ConsentRead:
    consent = consents.get_consent(session, consent_id=consent_id)
    service.standing_for_child(session, principal=principal, child_id=consent.child_id, action="me.consent.revoke")
    writes.consent_for_change(session, consent=consent, settings=_settings(request), if_match=if_match)
    revoked = consents.revoke(session, consent=consent)
    response.headers["ETag"] = writes.etag(revoked.row_version)
    audit.record(session, principal=principal, action="me.consent.revoke", child_id=consent.child_id, reason=str(consent.id))
    return ConsentRead.model_validate(revoked)


@router.get("/children/{child_id}/access-log", response_model=list[AccessLogLine])
def access_log(child_id: uuid.UUID, request: Request, session: DbSession, principal: Person) -> list[AccessLogLine]:
    standing = service.standing_for_child(session, principal=principal, child_id=child_id, action="me.access-log")
    visibility = service.visibility_of(session, standing=standing, settings=_settings(request))
    events = audit.events_for_child(session, child_id=child_id)
    orgs = {o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_({e.organization_id for e in events if e.organization_id})))}
    # what a service the family may not learn of did (child welfare, social services) is not the family's to read
    events = [
        e for e in events
        if e.organization_id is None
        or (e.organization_id in orgs and visibility.shows_organization(e.organization_id, Sector(orgs[e.organization_id].sector)))
    ]
    names = {i: o.name for i, o in orgs.items()}
    lines = [
        AccessLogLine(
            when=e.occurred_at,
            who=names.get(e.organization_id) or ("a guardian or the young person" if e.actor_kind == "person" else e.actor_kind),
            organization_id=e.organization_id,
            action=e.action,
            purpose=e.purpose,
            outcome=e.outcome,
            entries=len(e.entry_ids or []),
        )
        for e in events
    ]
    audit.record(session, principal=principal, action="me.access-log", child_id=child_id)
    return lines
