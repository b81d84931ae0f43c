"""Scheduled jobs of the transfer domain: expire undecided incoming transfers, refresh peers' keys; importing it
registers the transfer messages' outbox handlers (hub.transfer.delivery) in the worker. Each job is idempotent.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from hub.core.settings import Settings
from hub.db.engine import session_scope
from hub.peers import service as peers
from hub.transfer import (
    decisions,
    delivery,  # noqa: F401 - registers the outbox handlers of package, revocation and receipt
)
from hub.worker.jobs import Job

log = logging.getLogger("hub.worker")


def expire_transfers(engine: Engine, settings: Settings) -> int:
    with session_scope(engine) as session:
        return decisions.expire_pending(session, settings=settings)


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


JOBS = [
    Job("transfer-expiry", expire_transfers, every=lambda settings: 60, at_start=True),
    Job("peer-keys", refresh_peer_keys, every=lambda settings: max(60, settings.peer_jwks_ttl_seconds)),
]
