"""The outbox on the test database: claims take only due items under a lease, an expired lease hands the item to
another worker (the old one can no longer settle it), retries wait with capped exponential backoff and jitter."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

from hub.db.engine import session_scope
from hub.outbox import service as outbox


def test_claims_take_due_items_once_and_expired_leases_move_on(engine, notices):
    with session_scope(engine) as session:
        ids = [outbox.enqueue(session, kind=notices.kind, url="http://127.0.0.1:9/x", body=f"{n}".encode()).id for n in range(3)]
    with session_scope(engine) as session:
        first = outbox.claim(session, worker_id="w1", limit=2, lease_seconds=60)
        assert [i.status for i in first] == ["delivering", "delivering"] and all(i.attempts == 1 for i in first)
    with session_scope(engine) as session:
        second = outbox.claim(session, worker_id="w2", limit=5, lease_seconds=60)
        assert len(second) == 1 and {i.id for i in first} | {second[0].id} == set(ids)
    with session_scope(engine) as session:
        assert outbox.claim(session, worker_id="w2", limit=5, lease_seconds=60) == []
        stuck = session.get(type(first[0]), first[0].id)
        stuck.lease_until = outbox.now() - timedelta(seconds=1)  # w1 died holding it
    with session_scope(engine) as session:
        taken = outbox.claim(session, worker_id="w3", limit=5, lease_seconds=60)
        assert [(i.id, i.attempts, i.claimed_by) for i in taken] == [(first[0].id, 2, "w3")]
    with session_scope(engine) as session:
        assert outbox.held(session, item_id=first[0].id, worker_id="w1") is None  # the old claim cannot settle it
        item = outbox.held(session, item_id=first[0].id, worker_id="w3")
        outbox.retry_later(item, error="HTTP 503", base=30, cap=60)
        assert item.status == "pending" and item.next_attempt_at > outbox.now() + timedelta(seconds=29)
    with session_scope(engine) as session:
        assert outbox.claim(session, worker_id="w3", limit=5, lease_seconds=60) == []  # not due yet


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    for attempts, step in ((1, 2.0), (2, 4.0), (3, 8.0), (10, 60.0)):
        waits = [outbox.backoff(attempts, base=2.0, cap=60.0) for _ in range(200)]
        assert all(0.5 * step <= w < 1.5 * step for w in waits)
        assert max(waits) - min(waits) > 0.3 * step  # jittered, not lock-step


def test_delivered_bodies_are_purged_after_the_retention(engine):
    from hub.core.settings import Settings
    from hub.outbox import tasks

    with session_scope(engine) as session:
        old, recent, waiting = (outbox.enqueue(session, kind="test.notice", url="http://127.0.0.1:9/x", body=b"sealed") for _ in range(3))
        for item in (old, recent):
            outbox.delivered(item)
        old.created_at = outbox.now() - timedelta(days=8)
        waiting.created_at = outbox.now() - timedelta(days=8)
        ids = (old.id, recent.id, waiting.id)
    assert tasks.purge_delivered(engine, Settings(database_url="sqlite://")) == 1
    with session_scope(engine, write=False) as session:
        from hub.outbox.models import OutboxItem

        assert [session.get(OutboxItem, i).body for i in ids] == [b"", b"sealed", b"sealed"]


def _answer(status: int, body: dict):
    import httpx

    from hub.outbox.http_post import post

    client = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(status, json=body)))
    item = SimpleNamespace(id=uuid.uuid4(), kind="transfer.package", url="http://peer.invalid/federation/v1/transfers", body=b"x")
    return post(client, item, content_type="application/jose")


def test_a_concurrent_change_at_the_receiver_is_retried_but_a_refusal_is_final():
    """409 'conflict' (a concurrent write got in the way, retry) is retried; other 4xx refusals park the item."""
    retry = _answer(409, {"type": "https://stafett.invalid/problems/conflict", "detail": "retry"})
    assert (retry.ok, retry.permanent) == (False, False)
    refused = _answer(409, {"type": "https://stafett.invalid/problems/not-configured", "detail": "no key"})
    assert (refused.ok, refused.permanent) == (False, True)
    rejected = _answer(400, {"type": "https://stafett.invalid/problems/package-rejected", "detail": "bad signature"})
    assert rejected.permanent is True
