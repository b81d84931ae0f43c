"""ORM for organisations and their external identifiers (organisasjonsnummer and any other system).

An organisation belongs to a municipality (kommunenummer) and one sector.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.canonical.vocab import Sector
from hub.db.base import Base, new_id, utcnow


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(300))
    sector: Mapped[Sector] = mapped_column(Enum(Sector, native_enum=False, length=20))
    orgnr: Mapped[str | None] = mapped_column(String(9), unique=True)
    kommunenummer: Mapped[str | None] = mapped_column(String(4), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    identifiers: Mapped[list[OrganizationIdentifier]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", lazy="selectin"
    )


class OrganizationIdentifier(Base):
    __tablename__ = "organization_identifier"
    __table_args__ = (UniqueConstraint("system", "value"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(String(200))

    organization: Mapped[Organization] = relationship(back_populates="identifiers")
