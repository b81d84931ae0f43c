"""The outbox's rules: enqueue an item in the caller's transaction; claim due items under a lease; settle an attempt
(delivered, retried later with exponential backoff and jitter, or parked) through its kind's handler; requeue, cancel.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from hub.core.settings import Settings
from hub.db.base import Base
from hub.outbox import handlers, repository
from hub.outbox.handlers import Attempt, NotYet, Refused
from hub.outbox.models import ItemStatus, OutboxItem

log = logging.getLogger("hub.worker.delivery")

LOST_LEASE = "lost-lease"  # what settle answers when another worker took the item over


def now() -> datetime:
    return datetime.now(UTC)


def enqueue(session: Session, *, kind: str, url: str, body: bytes, subject: Base | None = None) -> OutboxItem:
    """A new item, due now, about `subject` (any row: its table and id are kept, so its domain can find its items)."""
    item = OutboxItem(
        kind=kind, url=url, body=body, status=ItemStatus.pending, next_attempt_at=now(),
        subject_kind=subject.__tablename__ if subject is not None else None, subject_id=_id_of(subject) if subject is not None else None,
    )
    repository.add(session, item)
    return item


def _id_of(subject: Base) -> uuid.UUID:
    """The subject's id: every table an item can be about has a uuid `id` (Base itself declares none)."""
    found = getattr(subject, "id", None)
    if not isinstance(found, uuid.UUID):
        raise TypeError(f"an outbox subject needs a uuid id; {type(subject).__name__} has none")
    return found


def items_for(session: Session, *, subject: Base, kinds: Collection[str] | None = None) -> list[OutboxItem]:
    """The items about `subject` (optionally of these kinds only), oldest first."""
    return repository.for_subject(session, subject_kind=subject.__tablename__, subject_id=_id_of(subject), kinds=kinds)


def claim(session: Session, *, worker_id: str, limit: int, lease_seconds: float) -> list[OutboxItem]:
    """Take up to `limit` due items of the kinds this process has handlers for (pending and due, or delivering with an
    expired lease) for this worker: each attempt counts when it is claimed."""
    moment = now()
    items = repository.due(session, kinds=handlers.kinds(), moment=moment, limit=limit)
    for item in items:
        item.status = ItemStatus.delivering
        item.claimed_by = worker_id
        item.lease_until = moment + timedelta(seconds=lease_seconds)
        item.attempts += 1
    session.flush()
    return items


def held(session: Session, *, item_id: uuid.UUID, worker_id: str) -> OutboxItem | None:
    """The item, locked, if this worker still holds its claim (a lease may have expired and moved on)."""
    item = repository.get_locked(session, item_id)
    if item is None or item.status != ItemStatus.delivering or item.claimed_by != worker_id:
        return None
    return item


def settle(session: Session, *, settings: Settings, attempt: Attempt, worker_id: str) -> str:
    """Record the outcome of one attempt: the item's new status, or LOST_LEASE if this worker no longer holds it."""
    item = held(session, item_id=attempt.item_id, worker_id=worker_id)
    if item is None:
        return LOST_LEASE
    handler = handlers.handler_for(item.kind)
    if attempt.ok:
        try:
            handler.delivered(session, item=item, answer=attempt.answer, settings=settings)
        except Refused as exc:
            park(session, item=item, error=exc.detail, settings=settings)
        except NotYet as exc:
            retry_later(item, error=exc.detail, base=settings.outbox_backoff_seconds, cap=settings.outbox_backoff_max_seconds)
        else:
            delivered(item)
    elif attempt.permanent or item.attempts >= settings.outbox_max_attempts:
        error = (attempt.error or "refused") if attempt.permanent else f"gave up after {item.attempts} attempts; last: {attempt.error}"
        park(session, item=item, error=error, settings=settings)
    else:
        retry_later(item, error=attempt.error or "failed", base=settings.outbox_backoff_seconds, cap=settings.outbox_backoff_max_seconds)
    session.flush()
    return str(item.status)


def delivered(item: OutboxItem) -> None:
    item.status, item.delivered_at, item.lease_until, item.last_error = ItemStatus.delivered, now(), None, None


def backoff(attempts: int, *, base: float, cap: float) -> float:
    """Exponential backoff with full jitter in [0.5, 1.5) of the step."""
    step = min(cap, base * (2 ** max(0, attempts - 1)))
    return step * (0.5 + random.random())


def retry_later(item: OutboxItem, *, error: str, base: float, cap: float) -> None:
    item.status, item.lease_until, item.last_error = ItemStatus.pending, None, error
    item.next_attempt_at = now() + timedelta(seconds=backoff(item.attempts, base=base, cap=cap))


def park(session: Session, *, item: OutboxItem, error: str, settings: Settings) -> None:
    """No more attempts until someone requeues it; its handler hears why."""
    item.status, item.lease_until, item.last_error = ItemStatus.parked, None, error
    handlers.handler_for(item.kind).parked(session, item=item, error=error, settings=settings)
    log.warning("outbox item parked", extra={"item": str(item.id), "kind": item.kind, "attempts": item.attempts})


def requeue(item: OutboxItem) -> None:
    """A parked item back in the queue, due now, with its attempts counted from zero."""
    item.status, item.attempts, item.next_attempt_at, item.lease_until, item.claimed_by = ItemStatus.pending, 0, now(), None, None


def cancel(item: OutboxItem) -> bool:
    """Withdraw an item not yet delivered nor in flight (pending or parked); whether it was withdrawn."""
    if item.status not in (ItemStatus.pending, ItemStatus.parked):
        return False
    item.status = ItemStatus.cancelled
    return True


def purge_bodies(session: Session, *, before: datetime) -> int:
    """Empty the bodies of items delivered or cancelled before `before`; the rows stay as the record."""
    return repository.purge_bodies(session, before=before)
