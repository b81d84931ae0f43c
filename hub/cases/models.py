"""ORM for Case, Participant, CoordinatorAssignment, Entry (versioned, append-only), Goal, Measure and Evaluation.

The current coordinator is the accepted assignment that has not ended; a proposal changes nothing until accepted.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.canonical.vocab import (
    AuthorKind,
    CaseStatus,
    Category,
    EntryKind,
    GoalStatus,
    MeasureStatus,
    Sensitivity,
)
from hub.db.base import Base, ProvenanceMixin, new_id, utcnow


def _enum(cls: type, length: int = 20) -> Enum:
    return Enum(cls, native_enum=False, length=length)


class AssignmentStatus(StrEnum):
    """A coordinator assignment: proposed, then accepted or declined by the new holder (or withdrawn)."""

    proposed = "proposed"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


class Case(Base):
    __tablename__ = "case"
    __table_args__ = (
        CheckConstraint("bti_level BETWEEN 0 AND 3", name="bti_level_range"),
        # a child's open case in a municipality (ingest, handover): one index for all three, whatever the statistics
        Index("ix_case_child_id_municipality_status", "child_id", "municipality", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id"), index=True)
    # No index of its own on municipality or status: a hub serves one or two municipalities and nearly every case is
    # open, so such an index selects almost nothing, and a planner without statistics took it for the selective one.
    municipality: Mapped[str] = mapped_column(String(4))
    bti_level: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.open)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(Text)
    transferred_to: Mapped[str | None] = mapped_column(String(500))
    received_from: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)  # its ETag: every UPDATE checks and bumps it

    __mapper_args__ = {"version_id_col": row_version}

    participants: Mapped[list[Participant]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin"
    )
    coordinators: Mapped[list[CoordinatorAssignment]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CoordinatorAssignment.proposed_at",
    )


class Participant(Base):
    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("case_id", "organization_id", "role"),
        Index("ix_participant_organization_id_case_id", "organization_id", "case_id"),  # an organisation's cases
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organization.id"), index=True)
    role: Mapped[str] = mapped_column(String(60))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="participants")


class CoordinatorAssignment(Base):
    """One holder of the baton (stafettholder): proposed, then accepted or declined by the new holder."""

    __tablename__ = "coordinator_assignment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organization.id"))
    status: Mapped[AssignmentStatus] = mapped_column(_enum(AssignmentStatus))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(back_populates="coordinators")


class Entry(ProvenanceMixin, Base):
    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("lineage_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    lineage_id: Mapped[uuid.UUID] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # indexed: "is there a newer version of this one" is asked of every entry of every case read
    previous_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("entry.id"), index=True)
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind))
    category: Mapped[Category] = mapped_column(_enum(Category), index=True)
    sensitivity: Mapped[Sensitivity] = mapped_column(_enum(Sensitivity), default=Sensitivity.normal)
    author_kind: Mapped[AuthorKind] = mapped_column(_enum(AuthorKind), default=AuthorKind.organization)
    author_organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organization.id"))
    author_guardian_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("guardian.id"))
    author_name: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime | None]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    text: Mapped[str | None] = mapped_column(Text)
    codes: Mapped[list[Any]] = mapped_column(default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    related: Mapped[list[Any]] = mapped_column(default=list)  # lineage ids of linked entries
    retracted: Mapped[bool] = mapped_column(default=False)
    correction_reason: Mapped[str | None] = mapped_column(Text)


ENTRY_CONTENT = (
    "case_id",
    "lineage_id",
    "kind",
    "category",
    "sensitivity",
    "author_kind",
    "author_organization_id",
    "author_guardian_id",
    "author_name",
    "occurred_at",
    "text",
    "codes",
    "payload",
    "related",
    "retracted",
    "source_system",
    "source_format",
    "source_record_id",
    "raw_checksum",
    "mapping_version",
)


class Goal(ProvenanceMixin, Base):
    __tablename__ = "goal"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[Category | None] = mapped_column(_enum(Category))
    status: Mapped[GoalStatus] = mapped_column(_enum(GoalStatus), default=GoalStatus.active)
    target_date: Mapped[date | None]
    codes: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)  # its ETag: every UPDATE checks and bumps it

    __mapper_args__ = {"version_id_col": row_version}


class Measure(ProvenanceMixin, Base):
    """A tiltak: what is done, by an organisation or by the family at home, from/to, evaluated by a deadline."""

    __tablename__ = "measure"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[Category] = mapped_column(_enum(Category))
    sensitivity: Mapped[Sensitivity] = mapped_column(_enum(Sensitivity), default=Sensitivity.normal)
    responsible_organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organization.id"))
    responsible_home: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MeasureStatus] = mapped_column(_enum(MeasureStatus), default=MeasureStatus.active)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    evaluation_due: Mapped[date | None] = mapped_column(index=True)
    due_noticed_on: Mapped[date | None]  # the due date the worker last announced (measure.due), once per date
    goal_ids: Mapped[list[Any]] = mapped_column(default=list)
    codes: Mapped[list[Any]] = mapped_column(default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    retracted: Mapped[bool] = mapped_column(default=False)  # withdrawn by its source system; kept, not deleted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)  # its ETag: every UPDATE checks and bumps it

    __mapper_args__ = {"version_id_col": row_version}

    evaluations: Mapped[list[Evaluation]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", lazy="selectin", order_by="Evaluation.created_at"
    )


class Evaluation(Base):
    __tablename__ = "evaluation"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    measure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    evaluated_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)
    author_kind: Mapped[AuthorKind] = mapped_column(_enum(AuthorKind), default=AuthorKind.organization)
    author_organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organization.id"))
    author_guardian_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("guardian.id"))
    author_name: Mapped[str | None] = mapped_column(String(200))
    source_record_id: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="evaluations")
