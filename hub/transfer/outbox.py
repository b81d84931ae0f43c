"""The durable outbox: enqueue a message in the caller's transaction; claim due items (FOR UPDATE SKIP LOCKED on
PostgreSQL) under a lease; settle them as delivered, retried later (exponential backoff with jitter) or parked.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from hub.transfer.models import OutboxItem, Transfer


def now() -> datetime:
    return datetime.now(UTC)


def enqueue(session: Session, *, kind: str, url: str, body: bytes, transfer: Transfer | None = None) -> OutboxItem:
    item = OutboxItem(kind=kind, url=url, body=body, transfer_id=transfer.id if transfer else None, status="pending", next_attempt_at=now())
    session.add(item)
    session.flush()
    return item


def claim(session: Session, *, worker_id: str, limit: int, lease_seconds: float) -> list[OutboxItem]:
    """Take up to `limit` due items (pending and due, or delivering with an expired lease) for this worker."""
    moment = now()
    query = (
        select(OutboxItem)
        .where(
            or_(
                and_(OutboxItem.status == "pending", OutboxItem.next_attempt_at <= moment),
                and_(OutboxItem.status == "delivering", OutboxItem.lease_until < moment),
            )
        )
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    items = list(session.scalars(query))
    for item in items:
        item.status = "delivering"
        item.claimed_by = worker_id
        item.lease_until = moment + timedelta(seconds=lease_seconds)
        item.attempts += 1
    session.flush()
    return items


def held(session: Session, *, item_id: uuid.UUID, worker_id: str) -> OutboxItem | None:
    """The item, locked, if this worker still holds its claim (a lease may have expired and moved on)."""
    item = session.scalar(select(OutboxItem).where(OutboxItem.id == item_id).with_for_update())
    if item is None or item.status != "delivering" or item.claimed_by != worker_id:
        return None
    return item


def delivered(item: OutboxItem) -> None:
    item.status, item.delivered_at, item.lease_until, item.last_error = "delivered", now(), None, None


def backoff(attempts: int, *, base: float, cap: float) -> float:
    """Exponential backoff with full jitter in [0.5, 1.5) of the step."""
    step = min(cap, base * (2 ** max(0, attempts - 1)))
    return step * (0.5 + random.random())


def retry_later(item: OutboxItem, *, error: str, base: float, cap: float) -> None:
    item.status, item.lease_until, item.last_error = "pending", None, error
    item.next_attempt_at = now() + timedelta(seconds=backoff(item.attempts, base=base, cap=cap))


def park(item: OutboxItem, *, error: str) -> None:
    item.status, item.lease_until, item.last_error = "parked", None, error


def requeue(item: OutboxItem) -> None:
    item.status, item.attempts, item.next_attempt_at, item.lease_until, item.claimed_by = "pending", 0, now(), None, None


def for_transfer(session: Session, *, transfer: Transfer, kind: str) -> list[OutboxItem]:
    return list(
        session.scalars(
            select(OutboxItem).where(OutboxItem.transfer_id == transfer.id, OutboxItem.kind == kind).order_by(OutboxItem.created_at)
        )
    )


def purge_bodies(session: Session, *, before: datetime) -> int:
    """Drop the sealed bodies of items delivered or cancelled before `before` (the rows stay as the record)."""
    from sqlalchemy import update

    result = session.execute(
        update(OutboxItem)
        .where(OutboxItem.status.in_(("delivered", "cancelled")), OutboxItem.created_at < before, OutboxItem.body != b"")
        .values(body=b"")
    )
    return result.rowcount or 0


def counts(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    return dict(session.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status)).all())
