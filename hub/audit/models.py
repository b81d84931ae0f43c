"""ORM for AuditEvent (one access or change: who, what, why, outcome, when, chained by hash), AuditHead (the single
row that holds the chain's last sequence number and hash, locked while an event is appended) and AuditWitness (a
peer hub's signed chain head, received with a transfer message and kept for that hub's verification).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, new_id, utcnow

GENESIS = "0" * 64


class AuditEvent(Base):
    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False)
    id: Mapped[uuid.UUID] = mapped_column(default=new_id, unique=True)
    # How the row was written and is verified (hub.audit.service.event_digest): 1 before revision 0010 (an unkeyed
    # SHA-256 person reference), 2 since (HMAC-SHA256 under the hub's audit key; the scheme is part of the digest).
    scheme: Mapped[int] = mapped_column(SmallInteger)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(20))  # client, person, hub, system
    client_id: Mapped[str | None] = mapped_column(String(100))
    organization_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    person_hash: Mapped[str | None] = mapped_column(String(64))  # the person reference (see scheme)
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


class AuditWitness(Base):
    """One signed head of another hub's chain (its anchor, a compact JWS), verified with that hub's keys on arrival."""

    __tablename__ = "audit_witness"
    __table_args__ = (UniqueConstraint("hub", "seq", "head"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    hub: Mapped[str] = mapped_column(String(500))  # the peer's base URL: the anchor's signer
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    head: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    anchor: Mapped[str] = mapped_column(Text)
    via: Mapped[str | None] = mapped_column(String(200))  # e.g. "package <transfer id>"
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
