"""ORM for OutboxItem: one message of some kind waiting for a worker to deliver it (its destination, sealed body,
subject, attempts, backoff and lease), and ItemStatus, the states it passes through.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, new_id, utcnow


class ItemStatus(StrEnum):
    pending = "pending"  # waiting for its next attempt (next_attempt_at)
    delivering = "delivering"  # claimed by a worker until lease_until
    delivered = "delivered"
    parked = "parked"  # refused, or too many failures: waits for a retry by hand
    cancelled = "cancelled"  # withdrawn by its domain before it was delivered


class OutboxItem(Base):
    __tablename__ = "outbox_item"
    __table_args__ = (
        Index("ix_outbox_item_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_item_subject_kind_subject_id", "subject_kind", "subject_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))  # the registered handler that delivers it, e.g. transfer.package
    subject_kind: Mapped[str | None] = mapped_column(String(40))  # the table of the row it is about, e.g. transfer
    subject_id: Mapped[uuid.UUID | None]
    url: Mapped[str] = mapped_column(String(600))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[ItemStatus] = mapped_column(Enum(ItemStatus, native_enum=False, length=20), default=ItemStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
