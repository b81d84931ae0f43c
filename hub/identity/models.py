"""ORM for the identity review list: a child created from a record whose only link to another child was the same
normalised name and birth date — never merged automatically, shown to a person instead.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, new_id, utcnow


class IdentityReview(Base):
    __tablename__ = "identity_review"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id"), index=True)
    candidate_child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, merged, dismissed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
