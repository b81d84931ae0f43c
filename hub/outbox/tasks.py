"""Scheduled jobs of the outbox: deliver due items (claim a batch, send it from a thread pool, settle each item in
its own transaction), and drop delivered items' bodies after a week. Both are safe in several workers.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from sqlalchemy import Engine

from hub.core.settings import Settings
from hub.db.engine import session_scope
from hub.outbox import handlers
from hub.outbox import service as outbox
from hub.worker import jobs
from hub.worker.jobs import Job

log = logging.getLogger("hub.worker")

DELIVERED_RETENTION = timedelta(days=7)


@dataclass
class DeliveryRun:
    claimed: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def deliver_due(engine: Engine, settings: Settings, *, worker_id: str | None = None, threads: int = 4, max_batches: int | None = None) -> DeliveryRun:
    """Claim and deliver batches until nothing is due (or `max_batches` were done, or the worker is stopping)."""
    me = worker_id or jobs.worker_id()
    run = DeliveryRun()
    batches = 0
    timeout = httpx.Timeout(settings.outbox_http_timeout_seconds)
    with httpx.Client(timeout=timeout) as client, ThreadPoolExecutor(max_workers=threads) as pool:
        while (max_batches is None or batches < max_batches) and not jobs.stopping.is_set():
            with session_scope(engine) as session:
                items = outbox.claim(session, worker_id=me, limit=settings.outbox_batch_size, lease_seconds=settings.outbox_lease_seconds)
                for item in items:
                    session.expunge(item)  # bodies travel to the sender threads; the rows stay claimed
            if not items:
                break
            batches += 1
            run.claimed += len(items)
            for attempt in pool.map(lambda item: handlers.handler_for(item.kind).send(client, item), items):
                with session_scope(engine) as session:
                    status = outbox.settle(session, settings=settings, attempt=attempt, worker_id=me)
                run.statuses[status] = run.statuses.get(status, 0) + 1
    if run.claimed:
        log.info("outbox run", extra={"worker": me, "claimed": run.claimed, **run.statuses})
    return run


def purge_delivered(engine: Engine, settings: Settings) -> int:
    """Sealed bodies are not kept once delivered: after a week only the outbox row (who, when, attempts) stays."""
    with session_scope(engine) as session:
        return outbox.purge_bodies(session, before=outbox.now() - DELIVERED_RETENTION)


JOBS = [
    Job("outbox-delivery", deliver_due, every=lambda settings: settings.worker_poll_seconds, at_start=True),
    Job("outbox-purge", purge_delivered, every=lambda settings: 3600),
]
