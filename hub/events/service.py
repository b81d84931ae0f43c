"""Writes domain events: `record` for one, `record_many` for a batch in one INSERT (bulk ingest writes thousands).

Called by the domains' writers inside their transaction; an event never outlives a rolled-back fact.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from hub.db.base import utcnow
from hub.events.models import DomainEvent, EventKind


def event_row(
    kind: EventKind,
    *,
    case_id: uuid.UUID | None = None,
    child_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One event as a row for `record_many` (every row has every column: one executemany)."""
    return {"id": uuid.uuid4(), "kind": kind, "occurred_at": utcnow(), "case_id": case_id, "child_id": child_id,
            "subject_id": subject_id, "organization_id": organization_id, "data": data or {}}


def record_many(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Insert the rows of `event_row` in one statement; how many."""
    rows = list(rows)
    if rows:
        session.execute(insert(cast(Table, DomainEvent.__table__)), rows)
    return len(rows)


def record(session: Session, kind: EventKind, **fields: Any) -> None:
    """One event (fields as `event_row` takes them)."""
    record_many(session, [event_row(kind, **fields)])
