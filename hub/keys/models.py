"""ORM for HubKey: one RSA key per row, its use (sig or enc), its public JWK in plain and its private JWK encrypted
(hub.keys.wrapping), and when it was retired. Retired keys stay published for verification until deleted by hand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, utcnow


class HubKey(Base):
    __tablename__ = "hub_key"

    kid: Mapped[str] = mapped_column(String(100), primary_key=True)
    use: Mapped[str] = mapped_column(String(3))  # sig | enc
    alg: Mapped[str] = mapped_column(String(20))
    # A row written before revision 0010 holds its private JWK in plain here until the hub's first start encrypts it.
    private_jwk: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    private_encrypted: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))  # {"wrapper", "kek", "nonce", "ciphertext"}
    public_jwk: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
