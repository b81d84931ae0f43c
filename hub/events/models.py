"""ORM for DomainEvent (one fact that happened: its kind, when, the case/child/subject it is about) and EventKind.

`data` is small and never holds names, national ids or payloads: only ids, versions, levels and categories.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum, Index
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, new_id, utcnow


class EventKind(StrEnum):
    entry_created = "entry.created"  # the first version of an entry's lineage
    entry_corrected = "entry.corrected"  # a later version (a correction, an update or a retraction by its source)
    case_opened = "case.opened"
    case_level_changed = "case.level_changed"
    coordinator_changed = "coordinator.changed"  # a new holder accepted the baton
    consent_changed = "consent.changed"  # a consent or legal basis recorded, changed or revoked
    transfer_received = "transfer.received"  # a case accepted from another hub
    measure_due = "measure.due"  # a measure's evaluation fell due (a date that passes, not a write: the worker notices it)


class DomainEvent(Base):
    __tablename__ = "domain_event"
    __table_args__ = (Index("ix_domain_event_case_id_occurred_at", "case_id", "occurred_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[EventKind] = mapped_column(Enum(EventKind, native_enum=False, length=40,
                                                 values_callable=lambda kinds: [k.value for k in kinds]), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    case_id: Mapped[uuid.UUID | None]
    child_id: Mapped[uuid.UUID | None]
    subject_id: Mapped[uuid.UUID | None]  # the entry, consent, assignment, transfer … the event is about
    organization_id: Mapped[uuid.UUID | None]  # the organisation that did it, when one did
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
