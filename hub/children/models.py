"""ORM for a child, its external identifiers, its guardians (parental responsibility, log access) and each source's
version of its demographics (Child's own columns show the one hub.children.demographics chooses).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, LogAccess, ParentalResponsibility, SourceStanding
from hub.db.base import Base, ProvenanceMixin, new_id, utcnow


class Child(Base):
    __tablename__ = "child"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    names: Mapped[list[Any]] = mapped_column(default=list)
    birth_date: Mapped[date | None]
    sex: Mapped[str | None] = mapped_column(String(20))
    preferred_language: Mapped[str | None] = mapped_column(String(40))
    languages: Mapped[list[Any]] = mapped_column(default=list)
    address: Mapped[dict[str, Any] | None]
    kommunenummer: Mapped[str | None] = mapped_column(String(4), index=True)
    name_key: Mapped[str | None] = mapped_column(String(300), index=True)  # normalised "given family" for review
    deceased_at: Mapped[datetime | None]
    unborn: Mapped[bool] = mapped_column(default=False)
    expected_birth_date: Mapped[date | None]
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The organisation that brought the child to the hub (POST /children or its own ingest); it may open its own case.
    registered_by_organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organization.id"))
    # merged into another child (hub.identity.merge): its records are the survivor's until an unmerge restores them
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("child.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    identifiers: Mapped[list[ChildIdentifier]] = relationship(
        back_populates="child", cascade="all, delete-orphan", lazy="selectin", foreign_keys="ChildIdentifier.child_id"
    )
    guardians: Mapped[list[Guardian]] = relationship(
        back_populates="child", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def primary_national_id(self) -> str | None:
        """The child's national id: its fødselsnummer once it has one (a D-nummer is kept beside it), else its
        D-nummer."""
        by_system = {i.system: i.value for i in self.identifiers}
        return by_system.get(FNR_SYSTEM) or by_system.get(DNR_SYSTEM)


class ChildIdentifier(Base):
    __tablename__ = "child_identifier"
    __table_args__ = (UniqueConstraint("system", "value"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(String(200))

    child: Mapped[Child] = relationship(back_populates="identifiers")


class Guardian(ProvenanceMixin, Base):
    __tablename__ = "guardian"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    names: Mapped[list[Any]] = mapped_column(default=list)
    identifiers: Mapped[list[Any]] = mapped_column(default=list)
    national_id: Mapped[str | None] = mapped_column(String(11), index=True)
    relation: Mapped[str | None] = mapped_column(String(100))
    parental_responsibility: Mapped[ParentalResponsibility | None] = mapped_column(
        Enum(ParentalResponsibility, native_enum=False, length=10)
    )
    may_see_log: Mapped[bool] = mapped_column(default=False)  # in force only as granted by a coordinator or a registry
    # What the last service or payload asked for (true: let them see the log), until the coordinator decides; and who
    # decided the present may_see_log ("coordinator:<organisation id>", "registry:<name>") and when.
    log_access_requested: Mapped[bool | None]
    log_access_by: Mapped[str | None] = mapped_column(String(200))
    log_access_at: Mapped[datetime | None]
    contact: Mapped[list[Any]] = mapped_column(default=list)
    address: Mapped[dict[str, Any] | None]
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    child: Mapped[Child] = relationship(back_populates="guardians")

    @property
    def log_access(self) -> LogAccess:
        if self.may_see_log:
            return LogAccess.granted
        return LogAccess.pending if self.log_access_requested else LogAccess.none


class DemographicVersion(ProvenanceMixin, Base):
    """What one source said of a child's demographics in one record (empty fields included), with its provenance.

    Append-only: kept whether or not it is shown. `standing` is the source's standing when it sent the record."""

    __tablename__ = "child_demographics"
    __table_args__ = (Index("ix_child_demographics_child_id_received_at", "child_id", "received_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    source_organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organization.id"))  # None: the hub
    authoritative: Mapped[bool] = mapped_column(default=False)
    standing: Mapped[SourceStanding] = mapped_column(Enum(SourceStanding, native_enum=False, length=20))
    names: Mapped[list[Any]] = mapped_column(default=list)
    birth_date: Mapped[date | None]
    sex: Mapped[str | None] = mapped_column(String(20))
    preferred_language: Mapped[str | None] = mapped_column(String(40))
    languages: Mapped[list[Any]] = mapped_column(default=list)
    address: Mapped[dict[str, Any] | None]
    kommunenummer: Mapped[str | None] = mapped_column(String(4))
    deceased_at: Mapped[datetime | None]
    unborn: Mapped[bool] = mapped_column(default=False)
    expected_birth_date: Mapped[date | None]
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
