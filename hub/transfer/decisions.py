"""The destination's side of a transfer: accept (import the package as a case of this hub) or reject, under the row
lock a revocation also takes, so one outcome wins; expire undecided transfers; send the signed receipt back; keep the
origin's signed audit head from the package as a witness.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from hub.audit import anchors
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.cases.models import Participant
from hub.core.errors import Conflict, NotFound
from hub.core.settings import Settings
from hub.events import service as events
from hub.events.models import EventKind
from hub.outbox import service as outbox
from hub.peers import service as peers
from hub.transfer import repository
from hub.transfer.importer import Importer
from hub.transfer.messages import FEDERATION, outbox_kind, own_url, receipt, seal_to
from hub.transfer.models import Direction, Transfer, TransferStatus


def _now() -> datetime:
    return datetime.now(UTC)


def _pending_incoming(transfer: Transfer) -> None:
    if transfer.direction != Direction.incoming:
        raise Conflict(f"transfer {transfer.id} is outgoing; only the destination accepts or rejects")
    if transfer.status != "pending":
        raise Conflict(f"transfer {transfer.id} is already {transfer.status}")


def stored_claims(transfer: Transfer) -> dict[str, Any]:
    """The package as verified and schema-checked on arrival (the same bytes, kept by this hub)."""
    if transfer.package is None:
        raise RuntimeError(f"transfer {transfer.id} holds no package")
    payload = transfer.package.split(b".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))


def _keep_origin_anchor(session: Session, *, transfer: Transfer, claims: dict[str, Any]) -> None:
    """The origin's signed audit head that came with the package, kept as a witness of its chain (before the package
    itself is dropped)."""
    anchors.keep_witness(session, peer_url=transfer.origin_hub, token=claims.get("audit_anchor"), via=f"package of transfer {transfer.transfer_id}")


def _send_receipt(session: Session, *, settings: Settings, transfer: Transfer) -> None:
    peer = peers.peer_by_url(session, base_url=transfer.origin_hub)
    if peer is None:
        raise NotFound(f"the origin hub {transfer.origin_hub} is no longer a registered peer; its receipt cannot be sent")
    body = seal_to(session, settings=settings, peer=peer, claims=receipt(session, settings=settings, transfer=transfer))
    outbox.enqueue(session, kind=outbox_kind("receipt"), url=peer.base_url + FEDERATION + "/receipts", body=body, subject=transfer)


def accept(session: Session, *, settings: Settings, principal: Principal | None, transfer: Transfer, note: str | None = None) -> Transfer:
    """Import the package as a case of this hub, mark the transfer accepted and send the signed receipt."""
    _pending_incoming(transfer)
    claims = stored_claims(transfer)
    _keep_origin_anchor(session, transfer=transfer, claims=claims)
    case = Importer(session, claims=claims, received_from=claims["origin_case"]).run(municipality=transfer.destination_municipality)
    if principal is not None and principal.organization is not None:
        if not any(p.organization_id == principal.organization.id for p in case.participants):
            case.participants.append(Participant(organization_id=principal.organization.id, role="receiving"))
    transfer.status, transfer.case_id, transfer.decided_at = TransferStatus.accepted, case.id, _now()
    transfer.decided_by = principal.label() if principal else "operator"
    transfer.decision_reason = note
    transfer.remote_case = f"{own_url(settings)}/api/v1/cases/{case.id}"
    transfer.package = None  # the case now holds it; keep no second copy of the personal data
    session.flush()
    events.record(session, EventKind.transfer_received, case_id=case.id, child_id=case.child_id, subject_id=transfer.id,
                  organization_id=principal.organization.id if principal is not None and principal.organization else None,
                  data={"origin_municipality": transfer.origin_municipality, "entries": len(claims["entries"])})
    _send_receipt(session, settings=settings, transfer=transfer)
    audit.record(session, principal=principal, action="transfer.accept", case_id=case.id, child_id=case.child_id,
                 reason=f"received from {transfer.origin_hub}", purpose="transfer")
    return transfer


def reject(session: Session, *, settings: Settings, principal: Principal | None, transfer: Transfer, reason: str) -> Transfer:
    _pending_incoming(transfer)
    if transfer.package is not None:
        _keep_origin_anchor(session, transfer=transfer, claims=stored_claims(transfer))
    transfer.status, transfer.decided_at, transfer.decision_reason = TransferStatus.rejected, _now(), reason
    transfer.decided_by = principal.label() if principal else "operator"
    transfer.package = None
    session.flush()
    _send_receipt(session, settings=settings, transfer=transfer)
    audit.record(session, principal=principal, action="transfer.reject", reason=reason, purpose="transfer")
    return transfer


def expire_pending(session: Session, *, settings: Settings) -> int:
    """Incoming transfers nobody decided within transfer_pending_days are rejected as expired (receipt sent)."""
    deadline = _now() - timedelta(days=settings.transfer_pending_days)
    rows = repository.pending_incoming_before(session, deadline)
    for transfer in rows:
        reject(session, settings=settings, principal=None, transfer=transfer, reason=f"expired: no decision within {settings.transfer_pending_days} days")
    return len(rows)
