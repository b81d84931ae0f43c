"""ORM for Transfer: one case moving between hubs, seen from either side (its messages wait in the outbox, hub.outbox,
with the transfer as their subject).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, new_id, utcnow


class TransferStatus(StrEnum):
    """pending until the destination decides (or the origin revokes); every other state is final."""

    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    revoked = "revoked"
    failed = "failed"  # outgoing: the package could not be delivered (parked), or the destination never decided


class Direction(StrEnum):
    outgoing = "outgoing"
    incoming = "incoming"


FINAL_STATUSES = (TransferStatus.accepted, TransferStatus.rejected, TransferStatus.revoked, TransferStatus.failed)


class Transfer(Base):
    __tablename__ = "transfer"
    __table_args__ = (UniqueConstraint("direction", "origin_hub", "transfer_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    transfer_id: Mapped[uuid.UUID]  # the protocol id, chosen by the origin
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=10), index=True)
    origin_hub: Mapped[str] = mapped_column(String(500))
    peer_url: Mapped[str] = mapped_column(String(500))  # the other hub
    origin_municipality: Mapped[str] = mapped_column(String(4))
    destination_municipality: Mapped[str] = mapped_column(String(4), index=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case.id"), index=True)
    status: Mapped[TransferStatus] = mapped_column(Enum(TransferStatus, native_enum=False, length=20), index=True)
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

