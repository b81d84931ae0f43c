"""ORM for a consent given by a guardian or the young person, scoped to organisations/sectors and categories.

A consent is in force when status is active, now is inside [valid_from, valid_to) and revoked_at is empty.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.canonical.vocab import ConsentBasis, ConsentGiver, ConsentStatus
from hub.db.base import Base, ProvenanceMixin, new_id, utcnow


def _values(cls: type[StrEnum]) -> Enum:
    """Stored as the value (`entered-in-error`), in the VARCHAR(20) the column always was."""
    return Enum(cls, native_enum=False, length=20, values_callable=lambda members: [m.value for m in members])


class Consent(ProvenanceMixin, Base):
    __tablename__ = "consent"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id"), index=True)
    given_by: Mapped[ConsentGiver] = mapped_column(_values(ConsentGiver))
    guardian_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("guardian.id"))
    organization_ids: Mapped[list[Any]] = mapped_column(default=list)
    sectors: Mapped[list[Any]] = mapped_column(default=list)
    categories: Mapped[list[Any]] = mapped_column(default=list)
    purpose: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[datetime | None]
    valid_to: Mapped[datetime | None]
    document_ref: Mapped[str | None] = mapped_column(String(500))
    revoked_at: Mapped[datetime | None]
    status: Mapped[ConsentStatus] = mapped_column(_values(ConsentStatus), default=ConsentStatus.active)
    basis: Mapped[ConsentBasis] = mapped_column(_values(ConsentBasis), default=ConsentBasis.consent)
    legal_reference: Mapped[str | None] = mapped_column(String(300))  # e.g. "barnevernloven § 13-2"
    covers_guardians: Mapped[bool] = mapped_column(default=False)  # the young person lets guardians see health entries
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)  # its ETag: every UPDATE checks and bumps it

    __mapper_args__ = {"version_id_col": row_version}
