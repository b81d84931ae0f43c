"""Delivers claimed outbox items with httpx and settles each one: delivered, retried later with backoff, or parked
(a refusal by the receiver, or too many failures), telling the transfer why. Receipts of revocations are applied.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy import Engine

from hub.core.errors import HubError
from hub.core.settings import Settings
from hub.db.engine import session_scope
from hub.peers import service as peers
from hub.transfer import outbox, repository
from hub.transfer import service as transfers
from hub.transfer.models import OutboxItem
from hub.transfer.seal import PackageRejected, peek, verify

log = logging.getLogger("hub.worker.delivery")

PERMANENT = {400, 401, 403, 404, 405, 409, 410, 413, 415, 422}


@dataclass
class Attempt:
    item_id: uuid.UUID
    kind: str
    transfer_id: uuid.UUID | None
    ok: bool
    permanent: bool
    error: str | None
    answer: dict | None


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
        return str(body.get("detail") or body.get("title") or "")[:500]
    except ValueError:
        return response.text[:200]


def _concurrent_change(response: httpx.Response) -> bool:
    """A 409 the receiver means as "a concurrent change got in the way, retry" (problem type .../conflict)."""
    if response.status_code != 409:
        return False
    try:
        return str(response.json().get("type", "")).endswith("/conflict")
    except (ValueError, AttributeError):
        return False


def send(client: httpx.Client, item: OutboxItem) -> Attempt:
    """One POST; never raises for network trouble (that is a retryable attempt)."""
    base = dict(item_id=item.id, kind=item.kind, transfer_id=item.transfer_id)
    try:
        response = client.post(item.url, content=item.body, headers={"content-type": "application/jose", "x-outbox-item": str(item.id)})
    except httpx.HTTPError as exc:
        return Attempt(**base, ok=False, permanent=False, error=f"{type(exc).__name__} talking to {item.url}", answer=None)
    if 200 <= response.status_code < 300:
        try:
            answer = response.json()
        except ValueError:
            answer = None
        return Attempt(**base, ok=True, permanent=False, error=None, answer=answer)
    permanent = response.status_code in PERMANENT and not _concurrent_change(response)
    verb = "refused by the receiver" if permanent else "receiver failed"
    return Attempt(**base, ok=False, permanent=permanent, error=f"{verb}: HTTP {response.status_code} {_detail(response)}".strip(), answer=None)


def settle(engine: Engine, settings: Settings, attempt: Attempt, *, worker_id: str) -> str:
    """Record the outcome of one attempt in its own transaction; returns the item's new status."""
    with session_scope(engine) as session:
        item = outbox.held(session, item_id=attempt.item_id, worker_id=worker_id)
        if item is None:
            return "lost-lease"
        transfer = repository.get(session, item.transfer_id, for_update=True) if item.transfer_id else None
        if attempt.ok:
            if item.kind == "revocation" and transfer is not None:
                try:
                    _apply_revocation_answer(session, settings, transfer, attempt.answer)
                except PackageRejected as exc:
                    outbox.park(item, error=exc.detail)
                    transfers.fail(session, transfer=transfer, error=exc.detail)
                    return item.status
                except HubError as exc:  # e.g. the peer's keys cannot be fetched right now
                    outbox.retry_later(item, error=exc.detail, base=settings.transfer_backoff_seconds, cap=settings.transfer_backoff_max_seconds)
                    return item.status
            outbox.delivered(item)
            return item.status
        if attempt.permanent or item.attempts >= settings.transfer_max_attempts:
            error = attempt.error if attempt.permanent else f"gave up after {item.attempts} attempts; last: {attempt.error}"
            outbox.park(item, error=error)
            if transfer is not None and item.kind == "package":
                transfers.fail(session, transfer=transfer, error=error)
            elif transfer is not None:
                transfer.failure = f"{item.kind} not delivered: {error}"
            log.warning("outbox item parked", extra={"item": str(item.id), "kind": item.kind, "attempts": item.attempts})
        else:
            outbox.retry_later(item, error=attempt.error or "failed", base=settings.transfer_backoff_seconds, cap=settings.transfer_backoff_max_seconds)
        return item.status


def _apply_revocation_answer(session, settings: Settings, transfer, answer: dict | None) -> None:  # noqa: ANN001
    receipt = (answer or {}).get("receipt")
    if not isinstance(receipt, str):
        raise PackageRejected("the destination answered the revocation without a signed receipt")
    peer = peers.peer_by_url(session, base_url=transfer.peer_url)
    if peer is None:
        raise PackageRejected(f"{transfer.peer_url} is no longer a registered peer")
    header, _ = peek(receipt, max_bytes=1024 * 1024)
    key_set = peers.verification_keys(session, peer=peer, kid=header.get("kid"), ttl_seconds=settings.peer_jwks_ttl_seconds)
    claims = verify(receipt, keys=key_set, max_bytes=1024 * 1024)
    if claims.get("kind") != "receipt" or claims.get("transfer_id") != str(transfer.transfer_id) or claims.get("iss") != peer.base_url:
        raise PackageRejected("the revocation receipt does not belong to this transfer")
    transfers.apply_receipt(session, transfer=transfer, claims=claims)
