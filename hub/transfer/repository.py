"""All SQL for transfers: by id (optionally locked), by protocol id, filters for the list views, the active transfer
of a case, pending incoming transfers past a deadline. Never commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hub.cases.models import Participant
from hub.transfer.models import Direction, Transfer, TransferStatus


def get(session: Session, transfer_id: uuid.UUID, *, for_update: bool = False) -> Transfer | None:
    query = select(Transfer).where(Transfer.id == transfer_id)
    return session.scalar(query.with_for_update() if for_update else query)


def by_protocol_id(
    session: Session, *, direction: str, origin_hub: str | None, transfer_id: uuid.UUID, for_update: bool = False
) -> Transfer | None:
    query = select(Transfer).where(Transfer.direction == direction, Transfer.transfer_id == transfer_id)
    if origin_hub is not None:
        query = query.where(Transfer.origin_hub == origin_hub)
    return session.scalar(query.with_for_update() if for_update else query)


def active_for_case(session: Session, case_id: uuid.UUID) -> Transfer | None:
    return session.scalar(
        select(Transfer).where(Transfer.case_id == case_id, Transfer.direction == Direction.outgoing, Transfer.status == TransferStatus.pending).limit(1)
    )


def visible_to(
    session: Session,
    *,
    organization_id: uuid.UUID,
    kommunenummer: str | None,
    status: str | None,
    direction: str | None,
    limit: int,
) -> list[Transfer]:
    outgoing = (Transfer.direction == Direction.outgoing) & Transfer.case_id.in_(
        select(Participant.case_id).where(Participant.organization_id == organization_id)
    )
    incoming = (Transfer.direction == Direction.incoming) & (Transfer.destination_municipality == (kommunenummer or "----"))
    query = select(Transfer).where(or_(outgoing, incoming)).order_by(Transfer.created_at.desc(), Transfer.id).limit(limit)
    if status:
        query = query.where(Transfer.status == status)
    if direction:
        query = query.where(Transfer.direction == direction)
    return list(session.scalars(query))


def all_transfers(session: Session, *, status: str | None = None, direction: str | None = None, limit: int = 1000) -> list[Transfer]:
    query = select(Transfer).order_by(Transfer.created_at.desc(), Transfer.id).limit(limit)
    if status:
        query = query.where(Transfer.status == status)
    if direction:
        query = query.where(Transfer.direction == direction)
    return list(session.scalars(query))


def pending_incoming_before(session: Session, moment: datetime, *, limit: int = 100) -> list[Transfer]:
    query = (
        select(Transfer)
        .where(Transfer.direction == Direction.incoming, Transfer.status == TransferStatus.pending, Transfer.created_at < moment)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def add(session: Session, obj: object) -> None:
    session.add(obj)
    session.flush()
