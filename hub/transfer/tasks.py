"""Scheduled jobs of the transfer domain: deliver due outbox items (claim, send, settle), expire undecided incoming
transfers, drop delivered packages' bodies, refresh peers' keys. Each is idempotent and safe in several workers.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from sqlalchemy import Engine

from hub.core.settings import Settings
from hub.db.engine import session_scope
from hub.peers import service as peers
from hub.transfer import decisions, delivery, outbox

log = logging.getLogger("hub.worker")
# Set when the worker is asked to stop: a delivery run finishes the batch in hand and takes no new one.
stopping = threading.Event()


@dataclass
class DeliveryRun:
    claimed: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def deliver_due(engine: Engine, settings: Settings, *, worker_id: str, threads: int = 4, max_batches: int | None = None) -> DeliveryRun:
    """Claim and deliver batches until nothing is due (or `max_batches` were done)."""
    run = DeliveryRun()
    batches = 0
    timeout = httpx.Timeout(settings.transfer_http_timeout_seconds)
    with httpx.Client(timeout=timeout) as client, ThreadPoolExecutor(max_workers=threads) as pool:
        while (max_batches is None or batches < max_batches) and not stopping.is_set():
            with session_scope(engine) as session:
                items = outbox.claim(session, worker_id=worker_id, limit=settings.transfer_batch_size, lease_seconds=settings.transfer_lease_seconds)
                for item in items:
                    session.expunge(item)  # bodies travel to the sender threads; the rows stay claimed
            if not items:
                break
            batches += 1
            run.claimed += len(items)
            for attempt in pool.map(lambda item: delivery.send(client, item), items):
                status = delivery.settle(engine, settings, attempt, worker_id=worker_id)
                run.statuses[status] = run.statuses.get(status, 0) + 1
    if run.claimed:
        log.info("outbox run", extra={"worker": worker_id, "claimed": run.claimed, **run.statuses})
    return run


def expire_transfers(engine: Engine, settings: Settings) -> int:
    with session_scope(engine) as session:
        return decisions.expire_pending(session, settings=settings)


DELIVERED_RETENTION = timedelta(days=7)


def purge_delivered(engine: Engine, settings: Settings) -> int:
    """Sealed packages are not kept once delivered: after a week only the outbox row (who, when, attempts) stays."""
    with session_scope(engine) as session:
        return outbox.purge_bodies(session, before=outbox.now() - DELIVERED_RETENTION)


def refresh_peer_keys(engine: Engine, settings: Settings) -> int:
    refreshed = 0
    with session_scope(engine) as session:
        for peer in peers.list_peers(session):
            try:
                peers.refresh_keys(session, peer=peer, timeout=settings.transfer_http_timeout_seconds)
                refreshed += 1
            except peers.PeerKeysUnavailable:
                log.warning("peer keys not refreshed", extra={"peer": peer.base_url})
    return refreshed
