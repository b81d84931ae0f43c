"""ORM for Transfer (one case moving between hubs, seen from either side) and OutboxItem (a signed, encrypted
message waiting for the worker to deliver it, with attempts, backoff and a lease).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, new_id, utcnow

FINAL_STATUSES = ("accepted", "rejected", "revoked", "failed")


class Transfer(Base):
    __tablename__ = "transfer"
    __table_args__ = (UniqueConstraint("direction", "origin_hub", "transfer_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    transfer_id: Mapped[uuid.UUID]  # the protocol id, chosen by the origin
    direction: Mapped[str] = mapped_column(String(10), index=True)  # outgoing | incoming
    origin_hub: Mapped[str] = mapped_column(String(500))
    peer_url: Mapped[str] = mapped_column(String(500))  # the other hub
    origin_municipality: Mapped[str] = mapped_column(String(4))
    destination_municipality: Mapped[str] = mapped_column(String(4), index=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending accepted rejected revoked failed
    reason: Mapped[str | None] = mapped_column(Text)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    failure: Mapped[str | None] = mapped_column(Text)
    preview: Mapped[dict[str, Any]] = mapped_column(default=dict)
    package: Mapped[bytes | None] = mapped_column(LargeBinary)  # incoming: the verified signed package (JWS)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    package_size: Mapped[int] = mapped_column(Integer, default=0)
    deliveries: Mapped[int] = mapped_column(Integer, default=0)  # incoming: times the package arrived
    requested_by: Mapped[str | None] = mapped_column(String(200))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    remote_case: Mapped[str | None] = mapped_column(String(500))  # outgoing: the destination case after acceptance
    revocation_requested_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboxItem(Base):
    __tablename__ = "outbox_item"
    __table_args__ = (Index("ix_outbox_item_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))  # package | receipt | revocation
    transfer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transfer.id"), index=True)
    url: Mapped[str] = mapped_column(String(600))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending delivering delivered parked cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
