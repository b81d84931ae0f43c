"""The outbox handlers of the transfer messages (package, revocation, receipt): each is POSTed sealed to the peer;
a revocation's answer (the destination's signed receipt) is applied; a parked message tells its transfer why.
"""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.orm import Session

from hub.core.errors import HubError
from hub.core.settings import Settings
from hub.outbox import handlers
from hub.outbox.handlers import Attempt, Handler, NotYet, Refused
from hub.outbox.http_post import post
from hub.outbox.models import OutboxItem
from hub.peers import service as peers
from hub.transfer import repository
from hub.transfer import service as transfers
from hub.transfer.messages import MESSAGES, outbox_kind
from hub.transfer.models import Transfer
from hub.transfer.seal import PackageRejected, peek, verify


class TransferMessage(Handler):
    def __init__(self, message: str) -> None:
        self.message, self.kind = message, outbox_kind(message)

    def send(self, client: httpx.Client, item: OutboxItem) -> Attempt:
        return post(client, item, content_type="application/jose")

    def delivered(self, session: Session, *, item: OutboxItem, answer: dict[str, Any] | None, settings: Settings) -> None:
        if self.message != "revocation" or (transfer := _transfer(session, item)) is None:
            return
        try:
            _apply_revocation_answer(session, settings, transfer, answer)
        except PackageRejected as exc:
            raise Refused(exc.detail) from exc
        except HubError as exc:  # e.g. the peer's keys cannot be fetched right now
            raise NotYet(exc.detail) from exc

    def parked(self, session: Session, *, item: OutboxItem, error: str, settings: Settings) -> None:
        transfer = _transfer(session, item)
        if transfer is None:
            return
        if self.message == "package":
            transfers.fail(session, transfer=transfer, error=error)
        else:
            transfer.failure = f"{self.message} not delivered: {error}"


def _transfer(session: Session, item: OutboxItem) -> Transfer | None:
    if item.subject_kind != Transfer.__tablename__ or item.subject_id is None:
        return None
    return repository.get(session, item.subject_id, for_update=True)


def _apply_revocation_answer(session: Session, settings: Settings, transfer: Transfer, answer: dict[str, Any] | None) -> None:
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


for _message in MESSAGES:
    handlers.register(TransferMessage(_message))
