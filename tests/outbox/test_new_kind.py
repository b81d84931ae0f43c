"""A kind the outbox has never heard of (test.notice, registered only here) is delivered, retried with exponential
backoff and parked by the outbox's own machinery, through its handler: nothing in hub/outbox names it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from hub.core.settings import Settings
from hub.db.engine import session_scope
from hub.outbox import service as outbox
from hub.outbox.models import ItemStatus, OutboxItem
from hub.outbox.tasks import deliver_due


def _settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, outbox_backoff_seconds=30, outbox_backoff_max_seconds=600, outbox_max_attempts=3)


def _items(engine) -> dict[str, OutboxItem]:
    with session_scope(engine, write=False) as session:
        rows = list(session.scalars(select(OutboxItem)))
        for row in rows:
            session.expunge(row)
    return {row.body.decode(): row for row in rows}


def _due_now(engine) -> None:
    """The waits have passed (the test moves the pending items' clock instead of sleeping through their backoff)."""
    with session_scope(engine) as session:
        session.execute(update(OutboxItem).where(OutboxItem.status == ItemStatus.pending).values(next_attempt_at=outbox.now()))


def _waited(item: OutboxItem, since: datetime) -> float:
    return (item.next_attempt_at - since).total_seconds()


def test_a_new_kind_is_delivered_retried_with_backoff_and_parked(engine, db_url, notices, receiver):
    settings = _settings(db_url)
    receiver.scripts = {"/flaky": [503], "/down": [503, 502, 500], "/refuses": [422]}
    with session_scope(engine) as session:
        for name in ("flaky", "down", "refuses", "fine"):
            outbox.enqueue(session, kind=notices.kind, url=f"{receiver.url}/{name}", body=name.encode())

    first = outbox.now()
    run = deliver_due(engine, settings, worker_id="w1")
    assert run.claimed == 4 and run.statuses == {"delivered": 1, "pending": 2, "parked": 1}
    items = _items(engine)
    assert items["fine"].status == ItemStatus.delivered and notices.answers["fine"] == {"status": 200, "detail": "answered 200"}
    assert items["refuses"].status == ItemStatus.parked and items["refuses"].attempts == 1  # a refusal is final at once
    assert notices.parked_with["refuses"] == "refused by the receiver: HTTP 422 answered 422"
    for name in ("flaky", "down"):  # the first retry waits the base step (30 s) with jitter in [0.5, 1.5)
        assert items[name].status == ItemStatus.pending and items[name].last_error == "receiver failed: HTTP 503 answered 503"
        assert 15 <= _waited(items[name], first) < 45 + 5
    assert deliver_due(engine, settings, worker_id="w1").claimed == 0  # not due yet

    _due_now(engine)
    second = outbox.now()
    run = deliver_due(engine, settings, worker_id="w1")
    assert run.claimed == 2 and run.statuses == {"delivered": 1, "pending": 1}
    items = _items(engine)
    assert items["flaky"].status == ItemStatus.delivered and items["flaky"].attempts == 2 and "flaky" in notices.answers
    assert items["down"].attempts == 2 and 30 <= _waited(items["down"], second) < 90 + 5  # the step doubled

    _due_now(engine)
    run = deliver_due(engine, settings, worker_id="w1")
    assert run.statuses == {"parked": 1}
    down = _items(engine)["down"]
    assert down.status == ItemStatus.parked and down.attempts == 3 and down.lease_until is None
    assert notices.parked_with["down"] == "gave up after 3 attempts; last: receiver failed: HTTP 500 answered 500"
    assert [len(receiver.received[f"/{name}"]) for name in ("flaky", "down", "refuses", "fine")] == [2, 3, 1, 1]
    body, headers = receiver.received["/fine"][0]
    assert body == b"fine" and headers["content-type"] == "text/plain" and headers["x-outbox-item"] == str(items["fine"].id)

    with session_scope(engine) as session:  # a parked item requeued by hand is delivered like any other
        outbox.requeue(session.get(OutboxItem, down.id))
    assert deliver_due(engine, settings, worker_id="w1").statuses == {"delivered": 1}
    assert _items(engine)["down"].attempts == 1


def test_a_delivered_hook_that_refuses_the_answer_parks_the_item(engine, db_url, notices, receiver):
    notices.refuse_answers = True
    with session_scope(engine) as session:
        outbox.enqueue(session, kind=notices.kind, url=f"{receiver.url}/fine", body=b"fine")
    assert deliver_due(engine, _settings(db_url), worker_id="w1").statuses == {"parked": 1}
    assert notices.parked_with == {"fine": "the answer does not fit"} and _items(engine)["fine"].last_error == "the answer does not fit"


def test_items_of_a_kind_without_a_handler_wait_for_a_worker_that_has_one(engine, db_url, notices, receiver):
    with session_scope(engine) as session:
        outbox.enqueue(session, kind="test.unknown", url=f"{receiver.url}/fine", body=b"unknown")
        outbox.enqueue(session, kind=notices.kind, url=f"{receiver.url}/fine", body=b"known")
    assert deliver_due(engine, _settings(db_url), worker_id="w1").claimed == 1
    items = _items(engine)
    assert items["unknown"].status == ItemStatus.pending and items["unknown"].attempts == 0
    assert items["known"].status == ItemStatus.delivered
