"""ORM for AuditEvent (one access or change: who, what, why, outcome, when, chained by hash) and AuditHead (the
single row that holds the chain's last sequence number and hash, locked while an event is appended).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, new_id, utcnow

GENESIS = "0" * 64


class AuditEvent(Base):
    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False)
    id: Mapped[uuid.UUID] = mapped_column(default=new_id, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(20))  # client, person, hub, system
    client_id: Mapped[str | None] = mapped_column(String(100))
    organization_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    person_hash: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    child_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    entry_ids: Mapped[list[Any]] = mapped_column(default=list)
    purpose: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))  # permit, deny
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
