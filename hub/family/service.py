"""The family's side (guardians and young people): their children and cases as the read door (hub.access.reader)
opens them, their own consents and the legal bases they may learn of, the child's access log, and their writes.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access import reader, views
from hub.access.reader import Opened, Standing
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.vocab import AuthorKind, Category, EntryKind, MeasureStatus, Sector
from hub.cases import service as cases
from hub.cases.models import Entry, Evaluation, Measure
from hub.cases.schemas import CaseClose, EntryCreate, EvaluationCreate, MeasureCreate
from hub.consent import service as consents
from hub.consent.models import Consent
from hub.consent.schemas import ConsentCreate
from hub.core.errors import Forbidden
from hub.core.settings import Settings
from hub.family.schemas import AccessLogLine, HomeEvaluationIn, HomeMeasureIn, MyChild, NoteIn
from hub.organizations.models import Organization


def my_children(session: Session, *, principal: Principal, settings: Settings) -> list[MyChild]:
    return [
        MyChild(
            id=f.opened.child_id,
            names=f.opened.standing_required().child.names,
            birth_date=f.opened.standing_required().child.birth_date,
            relation="self" if f.opened.standing_required().guardian is None else "guardian",
            case_ids=f.case_ids,
        )
        for f in reader.children_for_person(session, principal=principal, settings=settings)
    ]


def read_case(session: Session, *, principal: Principal, case_id: uuid.UUID, settings: Settings) -> dict[str, object]:
    opened = reader.case_for_person(session, principal=principal, case_id=case_id, settings=settings, action="me.case.read")
    described = cases.describe_case(opened.view)
    opened.seen(entry_ids=[e.id for e in opened.view.entries])
    return described


def _author(standing: Standing) -> AuthorKind:
    return AuthorKind.guardian if standing.guardian else AuthorKind.person


def _open_for_write(session: Session, principal: Principal, case_id: uuid.UUID, settings: Settings, action: str) -> Opened:
    return reader.case_for_person(session, principal=principal, case_id=case_id, settings=settings, action=action)


def add_note(session: Session, *, principal: Principal, case_id: uuid.UUID, body: NoteIn, settings: Settings) -> Entry:
    opened = _open_for_write(session, principal, case_id, settings, "me.note")
    case, standing = opened.case_required(), opened.standing_required()
    entry = cases.append_entry(
        session,
        case=case,
        data=EntryCreate(kind=EntryKind(body.kind), category=Category.home, author_kind=_author(standing), occurred_at=body.occurred_at, text=body.text),
        author_guardian_id=standing.guardian.id if standing.guardian else None,
    )
    audit.record(session, principal=principal, action="me.note", child_id=case.child_id, case_id=case.id, entry_ids=[entry.id])
    return entry


def add_home_measure(session: Session, *, principal: Principal, case_id: uuid.UUID, body: HomeMeasureIn, settings: Settings) -> Measure:
    case = _open_for_write(session, principal, case_id, settings, "me.measure").case_required()
    measure = cases.add_measure(
        session,
        case=case,
        data=MeasureCreate(description=body.description, category=Category.home, responsible_home=True, status=MeasureStatus.active, start_date=body.start_date, end_date=body.end_date, evaluation_due=body.evaluation_due, goal_ids=body.goal_ids),
    )
    audit.record(session, principal=principal, action="me.measure", child_id=case.child_id, case_id=case.id)
    return measure


def evaluate_home_measure(
    session: Session, *, principal: Principal, case_id: uuid.UUID, measure_id: uuid.UUID, body: HomeEvaluationIn, settings: Settings
) -> Evaluation:
    opened = _open_for_write(session, principal, case_id, settings, "me.evaluation")
    case, standing = opened.case_required(), opened.standing_required()
    measure = cases.get_measure(session, case=case, measure_id=measure_id, visibility=opened.visibility)
    if not measure.responsible_home:
        raise Forbidden("guardians evaluate the measures done at home; this one belongs to a service")
    evaluation = cases.add_evaluation(
        session, case=case, measure=measure, data=EvaluationCreate(text=body.text, outcome=body.outcome),
        author_kind=_author(standing), author_guardian_id=standing.guardian.id if standing.guardian else None,
    )
    audit.record(session, principal=principal, action="me.evaluation", child_id=case.child_id, case_id=case.id)
    return evaluation


def close_log(
    session: Session, *, principal: Principal, case_id: uuid.UUID, reason: str | None, settings: Settings, if_match: str | None
) -> tuple[dict[str, object], int]:
    """The family closes the log (If-Match judged under the lock); the answer is the case as they see it, and its
    new version."""
    from hub.access import writes

    opened = _open_for_write(session, principal, case_id, settings, "me.close")
    case = opened.case_required()
    writes.locked(session, row=case, what=f"case {case.id}", settings=settings, if_match=if_match)
    cases.close_case(session, case=case, data=CaseClose(status="closed", reason=reason))
    version = case.row_version
    audit.record(session, principal=principal, action="me.close", child_id=case.child_id, case_id=case.id, reason=reason)
    return cases.describe_case(opened.view), version


def give_consent(session: Session, *, principal: Principal, child_id: uuid.UUID, body: ConsentCreate, settings: Settings) -> Consent:
    standing = reader.child_for_person(session, principal=principal, child_id=child_id, action="me.consent.give", settings=settings).standing_required()
    if body.basis != "consent":
        raise Forbidden("guardians give consent; a legal basis is recorded by the service that relies on it")
    data = body.model_copy(update={"given_by": "guardian" if standing.guardian else "child"})
    consent = consents.record_consent(session, child=standing.child, data=data, guardian_id=standing.guardian.id if standing.guardian else None)
    audit.record(session, principal=principal, action="me.consent.give", child_id=child_id, reason=str(consent.id))
    return consent


def consents_shown(session: Session, *, principal: Principal, child_id: uuid.UUID, settings: Settings) -> list[Consent]:
    """The family's own consents, and the legal bases services recorded that tell of no service hidden from them."""
    opened = reader.child_for_person(session, principal=principal, child_id=child_id, action="me.consent.list", settings=settings)
    rows = consents.consents_for(session, child=opened.standing_required().child)
    legal = views.shown_consents(session, consents=[c for c in rows if c.basis != "consent"], visibility=opened.visibility)
    shown = [c for c in rows if c.basis == "consent" or c in legal]
    opened.seen(reason=f"{len(shown)} shown")
    return shown


def revoke_consent(
    session: Session, *, principal: Principal, consent_id: uuid.UUID, settings: Settings, if_match: str | None
) -> Consent:
    from hub.access import writes

    consent = consents.get_consent(session, consent_id=consent_id)
    reader.child_for_person(session, principal=principal, child_id=consent.child_id, action="me.consent.revoke", settings=settings)
    writes.consent_for_change(session, consent=consent, settings=settings, if_match=if_match)
    revoked = consents.revoke(session, consent=consent)
    audit.record(session, principal=principal, action="me.consent.revoke", child_id=consent.child_id, reason=str(consent.id))
    return revoked


def access_log(session: Session, *, principal: Principal, child_id: uuid.UUID, settings: Settings) -> list[AccessLogLine]:
    """Who read or wrote the child's log, as the family may learn of it: what a service the family may not learn of
    did (child welfare, social services) is not the family's to read."""
    opened = reader.child_for_person(session, principal=principal, child_id=child_id, action="me.access-log", settings=settings)
    events = audit.events_for_child(session, child_id=child_id)
    orgs = {o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_({e.organization_id for e in events if e.organization_id})))}
    events = [
        e for e in events
        if e.organization_id is None
        or (e.organization_id in orgs and opened.visibility.shows_organization(e.organization_id, Sector(orgs[e.organization_id].sector)))
    ]
    names = {i: o.name for i, o in orgs.items()}
    lines = [
        AccessLogLine(
            when=e.occurred_at,
            who=(names.get(e.organization_id) if e.organization_id else None) or ("a guardian or the young person" if e.actor_kind == "person" else e.actor_kind),
            organization_id=e.organization_id,
            action=e.action,
            purpose=e.purpose,
            outcome=e.outcome,
            entries=len(e.entry_ids or []),
        )
        for e in events
    ]
    opened.seen(reason=None)
    return lines
