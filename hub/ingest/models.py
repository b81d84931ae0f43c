"""ORM for ingest bookkeeping: which hub row each source record became (with a content hash), and idempotency keys.

SourceKey is unique on (source system, record type, source id): the key that makes re-sends idempotent.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, new_id, utcnow


class SourceKey(Base):
    __tablename__ = "source_key"
    __table_args__ = (
        UniqueConstraint("source_system", "record_type", "source_id"),
        Index("ix_source_key_source_system_source_id", "source_system", "source_id"),  # preload across record types
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    source_system: Mapped[str] = mapped_column(String(200))
    record_type: Mapped[str] = mapped_column(String(20))  # child, guardian, organization, entry, goal, measure, …
    source_id: Mapped[str] = mapped_column(String(300))
    target_id: Mapped[uuid.UUID]  # the hub row (for entries: the lineage id)
    case_id: Mapped[uuid.UUID | None]
    content_hash: Mapped[str] = mapped_column(String(64))
    raw_checksum: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IngestReceipt(Base):
    """An Idempotency-Key seen before, the payload it came with, and the report that was returned."""

    __tablename__ = "ingest_receipt"
    __table_args__ = (UniqueConstraint("sender", "idempotency_key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    sender: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    raw_checksum: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(40))
    report: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
