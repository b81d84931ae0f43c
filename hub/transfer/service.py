"""The origin's side of a transfer and the shared reads: create (consent or legal basis, package, seal, outbox),
list and read, revoke, retry a parked delivery, apply the destination's receipt (accepted: the case goes read-only).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.access import reader
from hub.audit import anchors
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.vocab import CaseStatus
from hub.cases.models import Case
from hub.cases.service import require_open
from hub.children.models import Child
from hub.core.errors import AccessDenied, Conflict, NotFound
from hub.core.settings import Settings
from hub.outbox import service as outbox
from hub.outbox.models import ItemStatus, OutboxItem
from hub.peers import service as peers
from hub.transfer import package, repository
from hub.transfer.basis import transfer_basis
from hub.transfer.messages import FEDERATION, MESSAGES, message_of, outbox_kind, own_url, seal_to
from hub.transfer.models import Direction, Transfer, TransferStatus
from hub.transfer.schemas import DeliveryRead, TransferRead
from hub.transfer.seal import PROTOCOL, PackageRejected

log = logging.getLogger("hub.transfer")


def _now() -> datetime:
    return datetime.now(UTC)


# --- origin: create ------------------------------------------------------------------------------------------


def create_transfer(
    session: Session,
    *,
    settings: Settings,
    principal: Principal | None,
    case: Case,
    destination_municipality: str,
    reason: str,
) -> Transfer:
    """Check the basis, package the whole case, sign and encrypt it to the destination, and put it in the outbox."""
    origin = own_url(settings)
    child = session.get(Child, case.child_id)
    if child is None:
        raise Conflict(f"case {case.id} has no child in this hub and cannot be transferred")
    basis = transfer_basis(session, child=child, organization=principal.organization if principal else None)
    if not basis.permit:
        audit.record(session, principal=principal, action="transfer.create", outcome="deny", reason=basis.reason,
                     case_id=case.id, child_id=case.child_id, purpose="transfer")
        raise AccessDenied(f"case {case.id} may not be transferred: {basis.reason}")
    require_open(case)
    if destination_municipality == case.municipality:
        raise Conflict(f"case {case.id} already belongs to municipality {destination_municipality}")
    if (active := repository.active_for_case(session, case.id)) is not None:
        raise Conflict(f"case {case.id} already has a pending transfer {active.id}")
    peer = peers.peer_for_municipality(session, municipality=destination_municipality)
    transfer = Transfer(
        id=uuid.uuid4(), direction=Direction.outgoing, origin_hub=origin, peer_url=peer.base_url, status=TransferStatus.pending,
        origin_municipality=case.municipality, destination_municipality=destination_municipality, case_id=case.id,
        reason=reason, requested_by=principal.label() if principal else "operator",
    )
    transfer.transfer_id = transfer.id
    view = reader.case_to_transfer(session, principal=principal, case=case, reason=f"to {destination_municipality} under {basis.reason}",
                                   basis_ids=[c.id for c in basis.relied_on])
    claims = package.build(
        view, transfer_id=transfer.transfer_id, origin_url=origin, destination_url=peer.base_url,
        destination_municipality=destination_municipality, reason=reason,
    )
    claims["audit_anchor"] = anchors.for_message(session, settings=settings)  # the destination keeps it as a witness
    transfer.preview, transfer.content_sha256 = claims["preview"], claims["content_sha256"]
    body = seal_to(session, settings=settings, peer=peer, claims=claims)
    transfer.package_size = len(body)
    repository.add(session, transfer)
    outbox.enqueue(session, kind=outbox_kind("package"), url=peer.base_url + FEDERATION + "/transfers", body=body, subject=transfer)
    log.info("transfer created", extra={"transfer": str(transfer.id), "case": str(case.id), "bytes": len(body)})
    return transfer


# --- reading -------------------------------------------------------------------------------------------------


def get_for(session: Session, *, principal: Principal, transfer_id: uuid.UUID, action: str, for_update: bool = False) -> Transfer:
    """A transfer the caller may see, through the read door (a decision's own audit is written where it is taken)."""
    return reader.transfer_for_org(session, principal=principal, transfer_id=transfer_id, action=action, for_update=for_update,
                                   audit_read=action == "transfer.read")


def list_for(session: Session, *, principal: Principal, status: str | None, direction: str | None, limit: int = 200) -> list[Transfer]:
    return reader.transfers_for_org(session, principal=principal, status=status, direction=direction, limit=limit)


def open_case(session: Session, *, principal: Principal, case_id: uuid.UUID, settings: Settings) -> Case:
    """The case to move, locked: the caller's organisation must take part in it (else 404, as for an unknown case)."""
    reader.require_organization(principal)
    with reader.deciding(session):
        case, _ = reader.case_gate(session, principal=principal, case_id=case_id, settings=settings, action="transfer.create",
                                   purpose="transfer", for_update=True)
    return case


def _deliveries(session: Session, transfer: Transfer) -> list[OutboxItem]:
    """The transfer's messages in the outbox: packages first, then revocations, then receipts, each oldest first."""
    items = outbox.items_for(session, subject=transfer, kinds=[outbox_kind(m) for m in MESSAGES])
    return sorted(items, key=lambda i: MESSAGES.index(message_of(i.kind)))


def described(session: Session, *, transfer: Transfer) -> TransferRead:
    """The transfer as the API shows it, with the state of each of its messages in the outbox."""
    view = TransferRead.model_validate(transfer)
    view.delivery = [DeliveryRead.model_validate(d) for d in delivery_state(session, transfer=transfer)]
    return view


def delivery_state(session: Session, *, transfer: Transfer) -> list[dict[str, Any]]:
    return [
        {"kind": message_of(i.kind), "status": str(i.status), "attempts": i.attempts, "last_error": i.last_error,
         "next_attempt_at": i.next_attempt_at}
        for i in _deliveries(session, transfer)
    ]


# --- origin: revoke, retry, receipts -------------------------------------------------------------------------


def revoke(session: Session, *, settings: Settings, principal: Principal | None, transfer: Transfer, reason: str | None) -> Transfer:
    """Revoke before acceptance: at once if the destination can never have seen the package, else by a signed
    revocation the destination decides on (it holds the pending item, so revoke and accept have one winner)."""
    if transfer.direction != Direction.outgoing:
        raise Conflict(f"transfer {transfer.id} is incoming; only the origin revokes")
    if transfer.status not in (TransferStatus.pending, TransferStatus.failed):
        raise Conflict(f"transfer {transfer.id} is already {transfer.status}")
    if transfer.revocation_requested_at is not None:
        raise Conflict(f"transfer {transfer.id} is already being revoked")
    items = outbox.items_for(session, subject=transfer, kinds=[outbox_kind("package")])
    never_sent = all(i.attempts == 0 and i.status == ItemStatus.pending for i in items)
    for item in items:
        outbox.cancel(item)
    transfer.decision_reason = reason
    if never_sent:
        transfer.status, transfer.decided_at = TransferStatus.revoked, _now()
    else:
        peer = peers.peer_by_url(session, base_url=transfer.peer_url)
        if peer is None:
            raise NotFound(f"the destination hub {transfer.peer_url} is no longer a registered peer")
        claims = {
            "protocol": PROTOCOL, "kind": "revocation", "transfer_id": str(transfer.transfer_id), "iss": own_url(settings),
            "aud": peer.base_url, "iat": int(_now().timestamp()), "reason": reason,
        }
        body = seal_to(session, settings=settings, peer=peer, claims=claims)
        transfer.revocation_requested_at = _now()
        outbox.enqueue(session, kind=outbox_kind("revocation"), url=peer.base_url + FEDERATION + "/revocations", body=body, subject=transfer)
    session.flush()
    audit.record(session, principal=principal, action="transfer.revoke", case_id=transfer.case_id, reason=reason, purpose="transfer")
    return transfer


def retry(session: Session, *, principal: Principal | None, transfer: Transfer) -> Transfer:
    """Put a parked delivery back in the queue (after the cause, e.g. the destination being down, is fixed)."""
    parked = [i for i in _deliveries(session, transfer) if i.status == ItemStatus.parked]
    if not parked:
        raise Conflict(f"transfer {transfer.id} has no parked delivery to retry")
    for item in parked:
        outbox.requeue(item)
        if message_of(item.kind) == "package" and transfer.status == TransferStatus.failed:
            transfer.status, transfer.failure = TransferStatus.pending, None
    session.flush()
    audit.record(session, principal=principal, action="transfer.retry", case_id=transfer.case_id, purpose="transfer")
    return transfer


def apply_receipt(session: Session, *, transfer: Transfer, claims: dict[str, Any]) -> Transfer:
    """The destination's decision, at the origin: accepted makes the case transferred_out and read-only. The
    destination's signed audit head that came with it is kept as a witness of its chain."""
    decision = claims.get("decision")
    if decision not in ("accepted", "rejected", "revoked"):
        raise PackageRejected(f"a receipt with decision {decision!r} is not understood")
    anchors.keep_witness(session, peer_url=transfer.peer_url, token=claims.get("audit_anchor"), via=f"receipt of transfer {transfer.transfer_id}")
    if transfer.status in (TransferStatus.accepted, TransferStatus.rejected, TransferStatus.revoked):
        if transfer.status != decision:
            log.error("conflicting receipt", extra={"transfer": str(transfer.id), "have": transfer.status, "got": decision})
        return transfer
    transfer.status, transfer.decided_at = TransferStatus(decision), _now()
    transfer.failure = None
    if claims.get("reason") and decision != "revoked":
        transfer.decision_reason = claims["reason"]
    if decision == "accepted":
        transfer.remote_case = claims.get("destination_case")
        case = session.get(Case, transfer.case_id)
        if case is None:
            raise PackageRejected(f"a receipt for transfer {transfer.transfer_id}, whose case is no longer in this hub")
        case.status, case.closed_at = CaseStatus.transferred_out, _now()
        case.closed_reason = f"transferred to {transfer.destination_municipality}"
        case.transferred_to = transfer.remote_case
    session.flush()
    audit.record(session, principal=None, action=f"transfer.{decision}", case_id=transfer.case_id, reason=f"receipt from {transfer.peer_url}", purpose="transfer")
    return transfer


def fail(session: Session, *, transfer: Transfer, error: str) -> None:
    if transfer.status == TransferStatus.pending and transfer.revocation_requested_at is None:
        transfer.status = TransferStatus.failed
    transfer.failure = error
    session.flush()
