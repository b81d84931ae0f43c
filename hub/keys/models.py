"""ORM for HubKey: one JWK per row (private and public halves), its use (sig or enc), and when it was retired.

Retired keys stay published for verification until they are deleted by hand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, utcnow


class HubKey(Base):
    __tablename__ = "hub_key"

    kid: Mapped[str] = mapped_column(String(100), primary_key=True)
    use: Mapped[str] = mapped_column(String(3))  # sig | enc
    alg: Mapped[str] = mapped_column(String(20))
    private_jwk: Mapped[dict[str, Any]]
    public_jwk: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
