"""SQL for the facade's transactions: the current entry versions and the ingest source keys behind a transaction's
entries (the read door, hub.access.reader, locates the case behind a FHIR id).
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.cases.models import Entry
from hub.core.ownership import owner_prefix
from hub.ingest.models import SourceKey

_CHUNK = 500


def entry_versions(session: Session, lineage_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The current version of each entry lineage."""
    result: dict[uuid.UUID, int] = {}
    for start in range(0, len(lineage_ids), _CHUNK):
        chunk = lineage_ids[start : start + _CHUNK]
        rows = session.execute(
            select(Entry.lineage_id, func.max(Entry.version)).where(Entry.lineage_id.in_(chunk)).group_by(Entry.lineage_id)
        )
        result.update({lineage_id: version for lineage_id, version in rows})
    return result


def source_keys(session: Session, *, sender_scope: str, source_ids: list[str]) -> list[SourceKey]:
    """The ingest keys one sending organisation holds for these source ids (any of its source systems)."""
    found: list[SourceKey] = []
    for start in range(0, len(source_ids), _CHUNK):
        chunk = source_ids[start : start + _CHUNK]
        found += session.scalars(
            select(SourceKey).where(SourceKey.source_id.in_(chunk), SourceKey.source_system.startswith(owner_prefix(sender_scope)))
        )
    return found
