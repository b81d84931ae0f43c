"""ORM for the review list: children that may be one person (never merged automatically), and pushes from a stranger
to a child (an organisation in none of the child's cases): kept, shown to no one but the reviewer; and the matcher's
blocking keys of each child (child_match_key), by which a record finds its candidates.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.children.models import Child, DemographicVersion
from hub.db.base import Base, new_id, utcnow


class ReviewKind(StrEnum):
    possible_duplicate = "possible_duplicate"  # another child with the same name and birth date, or shared identifiers
    stranger_push = "stranger_push"  # an organisation in none of the child's cases (or not in its open case) pushed


class ReviewStatus(StrEnum):
    open = "open"
    merged = "merged"
    dismissed = "dismissed"


class IdentityReview(Base):
    __tablename__ = "identity_review"
    __table_args__ = (
        # "was this stranger's payload already put on the list for this child" (a re-send adds no second row)
        Index("ix_identity_review_child_id_organization_id_raw_checksum", "child_id", "organization_id", "raw_checksum"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[ReviewKind] = mapped_column(Enum(ReviewKind, native_enum=False, length=30), default=ReviewKind.possible_duplicate)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id"), index=True)
    candidate_child_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("child.id"))  # possible duplicates only
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ReviewStatus] = mapped_column(Enum(ReviewStatus, native_enum=False, length=20), default=ReviewStatus.open)
    # stranger pushes: who sent it, the payload (raw archive), its demographics version, the case records held back
    organization_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organization.id"))
    raw_checksum: Mapped[str | None] = mapped_column(String(64))
    source_format: Mapped[str | None] = mapped_column(String(40))
    demographics_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("child_demographics.id", ondelete="SET NULL"))
    held_records: Mapped[int] = mapped_column(Integer, default=0)
    # possible duplicates found by the matcher: its score and the fields that agreed
    score: Mapped[float | None] = mapped_column(Float)
    agreed: Mapped[list[Any]] = mapped_column(default=list)
    held_back: Mapped[str | None] = mapped_column(String(200))  # why a score above the link threshold did not link
    # the decision: who (the principal's label; the audit trail names the person) and when
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    demographics: Mapped[DemographicVersion | None] = relationship(lazy="selectin")
    # both children side by side, loaded with the list (by the read door's call)
    child: Mapped[Child] = relationship(foreign_keys=[child_id], lazy="selectin", viewonly=True)
    candidate: Mapped[Child | None] = relationship(foreign_keys=[candidate_child_id], lazy="selectin", viewonly=True)
    child_versions: Mapped[list[DemographicVersion]] = relationship(
        primaryjoin="IdentityReview.child_id == foreign(DemographicVersion.child_id)", lazy="selectin", viewonly=True,
    )
    candidate_versions: Mapped[list[DemographicVersion]] = relationship(
        primaryjoin="IdentityReview.candidate_child_id == foreign(DemographicVersion.child_id)", lazy="selectin",
        viewonly=True,
    )


class ChildMatchKey(Base):
    """One blocking key a child is filed under (hub.identity.matching.blocking_keys of its shown demographics)."""

    __tablename__ = "child_match_key"
    __table_args__ = (Index("ix_child_match_key_key_child_id", "key", "child_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(120))

    child: Mapped[Child] = relationship()


class ChildMerge(Base):
    """A merge of one child into another: what moved (row ids per table), both children's shown columns before it,
    who merged and when; and, once undone, who unmerged and when (the rows moved back)."""

    __tablename__ = "child_merge"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    survivor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id"), index=True)
    merged_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id"), index=True)
    review_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("identity_review.id"))
    moved: Mapped[dict[str, Any]] = mapped_column(default=dict)
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    merged_by: Mapped[str] = mapped_column(String(200))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_by: Mapped[str | None] = mapped_column(String(200))
    undone_at: Mapped[datetime | None]
