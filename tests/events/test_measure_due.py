"""`measure.due`: the worker announces each due date of an active measure of an open case once — in-process and
through `stafett worker --once` — a changed due date again, and never a measure not due, ended or of a closed case;
noting the announcement leaves the measure's ETag as it was."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from hub.cases import due
from hub.cases.models import Measure
from hub.db.engine import session_scope
from hub.events.models import DomainEvent, EventKind
from tests.cases.helpers import make_case
from tests.cli.helpers import stafett
from tests.conftest import TEST_SECRETS

TODAY = datetime.now(UTC).date()


def add_measure(caller, case_id: str, org: str, *, due_on: date | None, description: str) -> tuple[str, str]:
    body = {"description": description, "category": "health", "responsible_organization_id": org,
            "evaluation_due": due_on.isoformat() if due_on else None}
    response = caller.post(f"/api/v1/cases/{case_id}/measures", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"], response.headers["ETag"]


def announced(engine) -> list[tuple[uuid.UUID, str]]:
    with session_scope(engine, write=False) as session:
        rows = session.scalars(select(DomainEvent).where(DomainEvent.kind == EventKind.measure_due).order_by(DomainEvent.occurred_at))
        return [(row.subject_id, row.data["evaluation_due"]) for row in rows]


def announce(engine) -> int:
    with session_scope(engine) as session:
        return due.announce_due(session, today=TODAY)


def test_each_due_date_is_announced_once_and_a_changed_one_again(callers, engine):
    caller = callers.system("Helsestasjonen", "health")
    case_id, org, child_id = make_case(caller)
    overdue, etag = add_measure(caller, case_id, org, due_on=TODAY - timedelta(days=3), description="talk therapy")
    today, _ = add_measure(caller, case_id, org, due_on=TODAY, description="reading support")
    add_measure(caller, case_id, org, due_on=TODAY + timedelta(days=1), description="not yet due")
    add_measure(caller, case_id, org, due_on=None, description="no evaluation date")
    ended, _ = add_measure(caller, case_id, org, due_on=TODAY - timedelta(days=1), description="ended")
    assert caller.post(f"/api/v1/cases/{case_id}/measures/{ended}/status", json={"status": "completed"}).status_code == 200

    assert announce(engine) == 2
    assert sorted(announced(engine)) == sorted([(uuid.UUID(overdue), (TODAY - timedelta(days=3)).isoformat()),
                                                (uuid.UUID(today), TODAY.isoformat())])
    with session_scope(engine, write=False) as session:
        event = session.scalar(select(DomainEvent).where(DomainEvent.subject_id == uuid.UUID(overdue)))
        assert (str(event.case_id), str(event.child_id), str(event.organization_id)) == (case_id, child_id, org)
    assert announce(engine) == 0  # the same dates are not announced twice

    # the announcement is no change of the measure: a status change read before it still applies
    changed = caller.post(f"/api/v1/cases/{case_id}/measures/{overdue}/status", json={"status": "active"},
                          headers={"If-Match": etag})
    assert changed.status_code == 200, changed.text

    # a source moved the evaluation to a new date that is also past: announced again, once
    new_date = TODAY - timedelta(days=1)
    with session_scope(engine) as session:
        session.execute(update(Measure).where(Measure.id == uuid.UUID(today)).values(evaluation_due=new_date))
    assert announce(engine) == 1
    assert announced(engine)[-1] == (uuid.UUID(today), new_date.isoformat())
    assert announce(engine) == 0


def test_a_closed_case_announces_nothing(callers, engine):
    caller = callers.system("Helsestasjonen", "health")
    case_id, org, _ = make_case(caller)
    add_measure(caller, case_id, org, due_on=TODAY - timedelta(days=1), description="talk therapy")
    closed = caller.post(f"/api/v1/cases/{case_id}/close", json={"reason": "the family moved abroad"})
    assert closed.status_code == 200, closed.text
    assert announce(engine) == 0 and announced(engine) == []


def test_stafett_worker_once_announces_due_measures(callers, engine, db_url):
    caller = callers.system("Helsestasjonen", "health")
    case_id, org, _ = make_case(caller)
    measure_id, _ = add_measure(caller, case_id, org, due_on=TODAY - timedelta(days=1), description="talk therapy")
    for _ in range(2):  # a second run (a second worker) announces nothing more
        done = stafett("worker", "--once", HUB_DATABASE_URL=db_url, **TEST_SECRETS)
        assert done.returncode == 0, done.stdout + done.stderr
    assert announced(engine) == [(uuid.UUID(measure_id), (TODAY - timedelta(days=1)).isoformat())]
