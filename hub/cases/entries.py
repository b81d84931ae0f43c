"""The one writer of entries: every version of every entry (a REST append or correction, an ingest, a transfer
import) comes to be in `write_entry_versions`, bulk and single alike, which records its domain event with it.
"""

# Rows, not ORM objects: an ingest writes thousands of versions in one INSERT (an ORM object costs ~10x per row), and
# their events in one more. A REST write is the same call with one row; `write_entry` hands back the stored Entry.

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from hub.canonical.records import EntryRecord
from hub.canonical.vocab import AuthorKind, Sensitivity
from hub.cases.models import ENTRY_CONTENT, Case, Entry
from hub.db.base import utcnow
from hub.events import service as events
from hub.events.models import EventKind

COLUMNS = tuple(column.key for column in Entry.__table__.columns)
_NONE_DEFAULT = dict.fromkeys(COLUMNS)


def _complete(row: dict[str, Any]) -> dict[str, Any]:
    """Every column present (one executemany needs one shape), with the model's defaults where the row has none."""
    full = dict(_NONE_DEFAULT)
    full.update(id=uuid.uuid4(), version=1, sensitivity=Sensitivity.normal, author_kind=AuthorKind.organization,
                recorded_at=utcnow(), codes=[], payload={}, related=[], retracted=False)
    full.update(row)
    unknown = set(full) - set(COLUMNS)
    if unknown:
        raise TypeError(f"entry rows have no column(s) {sorted(unknown)}")
    return full


def next_version_row(previous: Entry, *, reason: str, **changes: object) -> dict[str, Any]:
    """The next version of an entry's lineage as a row: `previous`'s content with `changes`; the old row is never
    touched."""
    fields: dict[str, Any] = {column: getattr(previous, column) for column in ENTRY_CONTENT}
    fields.update(changes)
    return {"id": uuid.uuid4(), "version": previous.version + 1, "previous_id": previous.id,
            "correction_reason": reason, **fields}


def source_values(rec: EntryRecord, *, author_id: uuid.UUID | None) -> dict[str, Any]:
    """What an entry version holds from a source system's record (an organisation author the payload does not name is
    the system's)."""
    author_kind = rec.author_kind
    if author_kind == AuthorKind.organization and author_id is None:
        author_kind = AuthorKind.system
    return {
        "kind": rec.kind, "category": rec.category, "sensitivity": rec.sensitivity, "author_kind": author_kind,
        "author_organization_id": author_id, "author_name": rec.author_name, "occurred_at": rec.occurred_at,
        "text": rec.text, "codes": [c.model_dump(mode="json", exclude_none=True) for c in rec.codes],
        "payload": rec.payload, "related": [], "retracted": rec.retracted,
    }


def source_version_row(previous: Entry | None, *, case_id: uuid.UUID, values: dict[str, Any]) -> dict[str, Any]:
    """A source system's version of an entry as a row: a new lineage's first, or the next of `previous`'s lineage (in
    `previous`'s case). A retraction keeps the last content; only the flag changes."""
    row: dict[str, Any] = {
        "id": uuid.uuid4(), "author_guardian_id": None, "recorded_at": utcnow(), **values,
        "case_id": previous.case_id if previous else case_id,
        "lineage_id": previous.lineage_id if previous else uuid.uuid4(),
        "version": previous.version + 1 if previous else 1,
        "previous_id": previous.id if previous else None,
        "correction_reason": None,
    }
    if previous is not None:
        row["correction_reason"] = "retracted by the source system" if values["retracted"] else "updated by the source system"
        if values["retracted"]:
            for column in ("text", "codes", "payload", "occurred_at"):
                row[column] = getattr(previous, column)
    return row


def write_entry_versions(session: Session, rows: Iterable[dict[str, Any]], *, origin: str) -> list[dict[str, Any]]:
    """Insert entry versions (column → value rows; missing columns take the model's defaults) in one statement and
    their events (`entry.created` for a lineage's first version, `entry.corrected` for a later one) in one more. The
    cases must be in the session; `origin` (api, ingest, transfer) goes into the events. Returns the rows written."""
    written = [_complete(row) for row in rows]
    if not written:
        return written
    session.flush()  # the cases (and earlier versions) the rows point to
    session.execute(insert(cast(Table, Entry.__table__)), written)
    children: dict[uuid.UUID, uuid.UUID | None] = {}
    for row in written:
        if row["case_id"] not in children:
            case = session.get(Case, row["case_id"])  # (in the identity map: the writer's caller holds the case)
            children[row["case_id"]] = case.child_id if case is not None else None
    events.record_many(session, (
        events.event_row(
            EventKind.entry_created if row["version"] == 1 else EventKind.entry_corrected,
            case_id=row["case_id"], child_id=children[row["case_id"]], subject_id=row["id"],
            organization_id=row["author_organization_id"],
            data={"lineage_id": str(row["lineage_id"]), "version": row["version"], "category": str(row["category"]),
                  "retracted": bool(row["retracted"]), "origin": origin},
        )
        for row in written
    ))
    return written


def write_entry(session: Session, row: dict[str, Any], *, origin: str) -> Entry:
    """One entry version (as `write_entry_versions`), handed back as the stored Entry."""
    (written,) = write_entry_versions(session, [row], origin=origin)
    entry = session.get(Entry, written["id"])
    assert entry is not None
    return entry
