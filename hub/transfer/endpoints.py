"""Routes for transfers (systems with the `transfer` scope): create, list, read, accept, reject, revoke, retry.

The origin's organisation must take part in the case; the destination's must belong to the receiving municipality.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from hub.api.deps import DbSession
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.transfer import decisions, service
from hub.transfer.schemas import TransferCreate, TransferDecision, TransferRead, TransferRejection, TransferStatus

router = APIRouter(prefix="/api/v1/transfers", tags=["transfers"])

Mover = Annotated[Principal, Depends(require("transfer"), scope="function")]


@router.post("", status_code=201, response_model=TransferRead)
def create(body: TransferCreate, request: Request, session: DbSession, principal: Mover) -> TransferRead:
    settings = request.app.state.settings
    case = service.open_case(session, principal=principal, case_id=body.case_id, settings=settings)
    transfer = service.create_transfer(
        session, settings=settings, principal=principal, case=case,
        destination_municipality=body.destination_municipality, reason=body.reason,
    )
    return service.described(session, transfer=transfer)


@router.get("", response_model=list[TransferRead])
def list_transfers(
    session: DbSession,
    principal: Mover,
    status: TransferStatus | None = Query(default=None),
    direction: Literal["outgoing", "incoming"] | None = Query(default=None),
) -> list[TransferRead]:
    return [service.described(session, transfer=t) for t in service.list_for(session, principal=principal, status=status, direction=direction)]


@router.get("/{transfer_id}", response_model=TransferRead)
def get_transfer(transfer_id: uuid.UUID, session: DbSession, principal: Mover) -> TransferRead:
    return service.described(session, transfer=service.get_for(session, principal=principal, transfer_id=transfer_id, action="transfer.read"))


@router.post("/{transfer_id}/accept", response_model=TransferRead)
def accept(transfer_id: uuid.UUID, request: Request, session: DbSession, principal: Mover, body: TransferDecision | None = None) -> TransferRead:
    transfer = service.get_for(session, principal=principal, transfer_id=transfer_id, action="transfer.accept", for_update=True)
    decisions.accept(session, settings=request.app.state.settings, principal=principal, transfer=transfer, note=body.reason if body else None)
    return service.described(session, transfer=transfer)


@router.post("/{transfer_id}/reject", response_model=TransferRead)
def reject(transfer_id: uuid.UUID, body: TransferRejection, request: Request, session: DbSession, principal: Mover) -> TransferRead:
    transfer = service.get_for(session, principal=principal, transfer_id=transfer_id, action="transfer.reject", for_update=True)
    decisions.reject(session, settings=request.app.state.settings, principal=principal, transfer=transfer, reason=body.reason)
    return service.described(session, transfer=transfer)


@router.post("/{transfer_id}/revoke", response_model=TransferRead)
def revoke(transfer_id: uuid.UUID, request: Request, session: DbSession, principal: Mover, body: TransferDecision | None = None) -> TransferRead:
    transfer = service.get_for(session, principal=principal, transfer_id=transfer_id, action="transfer.revoke", for_update=True)
    service.revoke(session, settings=request.app.state.settings, principal=principal, transfer=transfer, reason=body.reason if body else None)
    return service.described(session, transfer=transfer)


@router.post("/{transfer_id}/retry", response_model=TransferRead)
def retry(transfer_id: uuid.UUID, session: DbSession, principal: Mover) -> TransferRead:
    transfer = service.get_for(session, principal=principal, transfer_id=transfer_id, action="transfer.retry", for_update=True)
    return service.described(session, transfer=service.retry(session, principal=principal, transfer=transfer))
