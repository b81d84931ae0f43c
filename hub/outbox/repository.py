"""All SQL of the outbox: add an item, select due items for a claim (FOR UPDATE SKIP LOCKED on PostgreSQL), lock one
item, the items about one subject, and empty old delivered bodies. Never commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session

from hub.outbox.models import ItemStatus, OutboxItem


def add(session: Session, item: OutboxItem) -> None:
    session.add(item)
    session.flush()


def due(session: Session, *, kinds: Collection[str], moment: datetime, limit: int) -> list[OutboxItem]:
    """Items of these kinds that are pending and due, or delivering with an expired lease, oldest due first; locked,
    and on PostgreSQL skipping rows another worker has locked."""
    query = (
        select(OutboxItem)
        .where(
            OutboxItem.kind.in_(kinds),
            or_(
                and_(OutboxItem.status == ItemStatus.pending, OutboxItem.next_attempt_at <= moment),
                and_(OutboxItem.status == ItemStatus.delivering, OutboxItem.lease_until < moment),
            ),
        )
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def get_locked(session: Session, item_id: uuid.UUID) -> OutboxItem | None:
    return session.scalar(select(OutboxItem).where(OutboxItem.id == item_id).with_for_update())


def for_subject(session: Session, *, subject_kind: str, subject_id: uuid.UUID, kinds: Collection[str] | None = None) -> list[OutboxItem]:
    query = select(OutboxItem).where(OutboxItem.subject_kind == subject_kind, OutboxItem.subject_id == subject_id)
    if kinds is not None:
        query = query.where(OutboxItem.kind.in_(kinds))
    return list(session.scalars(query.order_by(OutboxItem.created_at, OutboxItem.id)))


def purge_bodies(session: Session, *, before: datetime) -> int:
    """Empty the bodies of items delivered or cancelled and created before `before` (the rows stay as the record)."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]  # an UPDATE's result is a CursorResult
        update(OutboxItem)
        .where(OutboxItem.status.in_((ItemStatus.delivered, ItemStatus.cancelled)), OutboxItem.created_at < before, OutboxItem.body != b"")
        .values(body=b"")
    )
    return result.rowcount or 0

