"""Builds and seals protocol messages for a peer: this hub's own URL (its identity), receipts of a decision (with this
hub's signed audit head), sealing (sign with this hub's key, encrypt to the peer's) of any claims, their outbox kinds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.audit import anchors
from hub.core.errors import HubError
from hub.core.settings import Settings
from hub.keys import service as keys
from hub.peers import service as peers
from hub.peers.models import Peer
from hub.transfer.models import Transfer
from hub.transfer.seal import PROTOCOL, seal, sign

FEDERATION = "/federation/v1"
# The messages a hub sends another through the outbox, each an outbox kind of its own (hub.transfer.delivery).
MESSAGES = ("package", "revocation", "receipt")


def outbox_kind(message: str) -> str:
    """transfer.package, transfer.revocation, transfer.receipt."""
    return f"transfer.{message}"


def message_of(kind: str) -> str:
    return kind.removeprefix("transfer.")


class NotConfigured(HubError):
    status = 409
    title = "Not configured"
    slug = "not-configured"


def _now() -> datetime:
    return datetime.now(UTC)


def own_url(settings: Settings) -> str:
    if not settings.public_url:
        raise NotConfigured("this hub has no public URL (HUB_PUBLIC_URL); other hubs could not answer it")
    return settings.public_url.rstrip("/")


def seal_to(session: Session, *, settings: Settings, peer: Peer, claims: dict[str, Any]) -> bytes:
    recipient = peers.encryption_key(session, peer=peer, ttl_seconds=settings.peer_jwks_ttl_seconds, timeout=settings.transfer_http_timeout_seconds)
    return seal(claims, signing_key=keys.signing_key(session, settings=settings), recipient=recipient, max_bytes=settings.transfer_max_package_bytes)


def receipt(session: Session, *, settings: Settings, transfer: Transfer) -> dict[str, Any]:
    """The signed decision on a transfer, with this hub's signed audit head (the origin keeps it as a witness)."""
    return {
        "protocol": PROTOCOL,
        "kind": "receipt",
        "transfer_id": str(transfer.transfer_id),
        "iss": own_url(settings),
        "aud": transfer.origin_hub,
        "iat": int(_now().timestamp()),
        "decision": transfer.status,
        "reason": transfer.decision_reason,
        "destination_case": transfer.remote_case,
        "audit_anchor": anchors.for_message(session, settings=settings),
    }


def signed_receipt(session: Session, *, settings: Settings, transfer: Transfer) -> str:
    """A signed (not encrypted) receipt of the current decision: the synchronous answer to a revocation."""
    return sign(receipt(session, settings=settings, transfer=transfer), key=keys.signing_key(session, settings=settings), max_bytes=1024 * 1024)
