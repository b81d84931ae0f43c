"""ORM for Peer: another hub, the municipalities it serves, its base URL and its JWKS as last fetched.

The base URL is the peer's identity: packages it signs carry it as `iss`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, new_id, utcnow


class Peer(Base):
    __tablename__ = "peer"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    base_url: Mapped[str] = mapped_column(String(500), unique=True)
    municipalities: Mapped[list[Any]] = mapped_column(default=list)
    jwks: Mapped[dict[str, Any] | None]
    jwks_fetched_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
