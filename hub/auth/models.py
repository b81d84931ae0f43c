"""ORM for registered clients (organisation, scopes, public JWK set, status) and the client-assertion jti's already
used (a jti is never accepted twice; rows expire with the assertion).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, new_id, utcnow


class ClientStatus(StrEnum):
    active = "active"
    revoked = "revoked"


class Client(Base):
    __tablename__ = "client"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(String(100), unique=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    jwks: Mapped[dict[str, Any]]
    status: Mapped[ClientStatus] = mapped_column(Enum(ClientStatus, native_enum=False, length=20), default=ClientStatus.active)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class UsedAssertion(Base):
    __tablename__ = "used_assertion"
    __table_args__ = (UniqueConstraint("client_id", "jti"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(String(100))
    jti: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(index=True)
