"""Runs the worker: a BlockingScheduler with interval triggers for outbox delivery, expiry, key refresh and the audit
chain's anchors, each job at most one instance at a time; on SIGTERM/SIGINT it finishes the batch in hand and stops (a
SIGKILL is survived through leases).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import uuid
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine

from hub.core.settings import Settings
from hub.audit import tasks as audit_tasks
from hub.db.engine import make_engine, session_scope
from hub.keys import service as keys
from hub.transfer import tasks

log = logging.getLogger("hub.worker")


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def open_keys(engine: Engine, settings: Settings) -> None:
    """The hub's keys exist, are encrypted at rest, and open with the configured key-encryption key (or this raises)."""
    with session_scope(engine) as session:
        keys.ensure_keys(session, settings=settings)


def run_once(settings: Settings) -> tasks.DeliveryRun:
    """Deliver everything due now, expire stale transfers and anchor the audit chain, then return (for cron-style use
    and tests)."""
    engine = make_engine(settings.database_url)
    try:
        open_keys(engine, settings)
        result = tasks.deliver_due(engine, settings, worker_id=worker_id())
        tasks.expire_transfers(engine, settings)
        audit_tasks.anchor_chain(engine, settings)
        return result
    finally:
        engine.dispose()


def run_forever(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    open_keys(engine, settings)
    me = worker_id()
    scheduler = BlockingScheduler(timezone=UTC)
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
    scheduler.add_job(tasks.deliver_due, "interval", seconds=settings.worker_poll_seconds, args=(engine, settings),
                      kwargs={"worker_id": me}, id="outbox-delivery", next_run_time=datetime.now(UTC), **common)
    scheduler.add_job(tasks.expire_transfers, "interval", seconds=60, args=(engine, settings), id="transfer-expiry",
                      next_run_time=datetime.now(UTC), **common)
    scheduler.add_job(tasks.purge_delivered, "interval", seconds=3600, args=(engine, settings), id="outbox-purge", **common)
    scheduler.add_job(tasks.refresh_peer_keys, "interval", seconds=max(60, settings.peer_jwks_ttl_seconds), args=(engine, settings),
                      id="peer-keys", **common)
    if settings.audit_anchor_file is not None:
        scheduler.add_job(audit_tasks.anchor_chain, "interval", seconds=settings.audit_anchor_seconds, args=(engine, settings),
                          id="audit-anchor", next_run_time=datetime.now(UTC), **common)

    def stop(signum, _frame) -> None:  # noqa: ANN001
        """Finish the delivery batch in hand (no new one is claimed), then exit; a SIGKILL is survived by leases."""
        log.info("worker stopping", extra={"worker": me, "signal": signum})
        tasks.stopping.set()
        scheduler.shutdown(wait=True)

    # The delivery job drains the outbox; a tick that finds it still running is skipped by design, not a problem.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker started", extra={"worker": me})
    try:
        scheduler.start()
    finally:
        try:
            audit_tasks.anchor_chain(engine, settings)  # a clean stop signs the head once more
        except Exception:  # noqa: BLE001 - stopping goes on; the next worker anchors
            log.exception("final audit anchor not written")
        engine.dispose()
