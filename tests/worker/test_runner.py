"""The worker runs the jobs every domain declares in its tasks.py (no list of them in the runner), and `stafett worker
--once` runs those due at a worker's start: here it delivers the outbox with the handlers the domains register."""

from __future__ import annotations

from sqlalchemy import select

from hub.db.engine import session_scope
from hub.outbox import service as outbox
from hub.outbox.models import ItemStatus, OutboxItem
from hub.worker import runner
from tests.cli.helpers import stafett
from tests.conftest import TEST_SECRETS
from tests.outbox.receiver import ScriptedReceiver


def test_the_worker_collects_the_jobs_each_domain_declares():
    jobs = {job.id: job for job in runner.collect()}
    assert set(jobs) == {"audit-anchor", "measures-due", "outbox-delivery", "outbox-purge", "transfer-expiry", "peer-keys"}
    assert {i for i, job in jobs.items() if job.at_start} == {"audit-anchor", "measures-due", "outbox-delivery", "transfer-expiry"}
    assert [i for i, job in jobs.items() if job.at_stop] == ["audit-anchor"]


def test_worker_once_delivers_what_is_due_with_the_domains_handlers(engine, db_url):
    receiver = ScriptedReceiver({"/down": [503]})
    try:
        with session_scope(engine) as session:
            for name in ("fine", "down"):
                outbox.enqueue(session, kind="transfer.package", url=f"{receiver.url}/{name}", body=name.encode())
        # the old name of HUB_OUTBOX_MAX_ATTEMPTS still works: one failure parks
        done = stafett("worker", "--once", HUB_DATABASE_URL=db_url, HUB_TRANSFER_MAX_ATTEMPTS="1", **TEST_SECRETS)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.strip() == "claimed: 2 delivered: 1 parked: 1"
        with session_scope(engine, write=False) as session:
            items = {item.body: item for item in session.scalars(select(OutboxItem))}
            assert (items[b"fine"].status, items[b"down"].status) == (ItemStatus.delivered, ItemStatus.parked)
            assert items[b"down"].last_error == "gave up after 1 attempts; last: receiver failed: HTTP 503 answered 503"
        body, headers = receiver.received["/fine"][0]
        assert body == b"fine" and headers["content-type"] == "application/jose"
    finally:
        receiver.close()
