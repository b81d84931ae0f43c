"""The source-key ledger of one ingest run: which hub row each (source system, record type, source id) became, with
the content hash that tells a re-send unchanged from updated. What ingest itself keeps; the rows are the domains'.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from hub.db.base import utcnow
from hub.ingest.models import SourceKey

_CHUNK = 500
RETRACTED = "retracted"  # content hash of a record its source withdrew: listing it again later restores it


# Fields that say how to apply a record, not what it holds: left out of its hash, so that a field added to the
# canonical records does not make every earlier record look changed on its next re-send.
_NOT_CONTENT = {"retracts"}


def content_hash(record: BaseModel) -> str:
    return hashlib.sha256(record.model_dump_json(exclude=_NOT_CONTENT & set(type(record).model_fields)).encode()).hexdigest()


class NewKey:
    """A source key made by this run: inserted in one statement at its end (ORM objects cost ~10x per row)."""

    __slots__ = ("case_id", "content_hash", "raw_checksum", "record_type", "source_id", "target_id")

    def __init__(self, record_type: str, source_id: str, target_id: uuid.UUID, case_id: uuid.UUID | None,
                 content_hash: str, raw_checksum: str):
        self.record_type, self.source_id, self.target_id = record_type, source_id, target_id
        self.case_id, self.content_hash, self.raw_checksum = case_id, content_hash, raw_checksum

    def row(self, source_system: str) -> dict[str, Any]:
        return {"id": uuid.uuid4(), "source_system": source_system, "record_type": self.record_type,
                "source_id": self.source_id, "target_id": self.target_id, "case_id": self.case_id,
                "content_hash": self.content_hash, "raw_checksum": self.raw_checksum, "updated_at": utcnow()}


class SourceLedger:
    """The keys of one sender's source system, loaded once per run; new keys written in one INSERT by `write`."""

    def __init__(self, session: Session, *, source_system: str, raw_checksum: str):
        self.session, self.source_system, self.raw_checksum = session, source_system, raw_checksum
        self.keys: dict[tuple[str, str], SourceKey | NewKey] = {}
        self.new_keys: list[NewKey] = []

    def preload(self, source_ids: Iterable[str]) -> None:
        ids = sorted(set(source_ids))
        for start in range(0, len(ids), _CHUNK):
            rows = self.session.scalars(select(SourceKey).where(
                SourceKey.source_system == self.source_system, SourceKey.source_id.in_(ids[start : start + _CHUNK])))
            for key in rows:
                self.keys[(key.record_type, key.source_id)] = key

    def get(self, record_type: str, source_id: str) -> SourceKey | NewKey | None:
        return self.keys.get((record_type, source_id))

    def target(self, record_type: str, source_id: str) -> uuid.UUID | None:
        key = self.keys.get((record_type, source_id))
        return key.target_id if key else None

    def outcome(self, record_type: str, source_id: str, digest: str) -> tuple[SourceKey | NewKey | None, str]:
        """The record's key (None: never seen) and whether it is created, updated or unchanged."""
        key = self.keys.get((record_type, source_id))
        if key is None:
            return None, "created"
        return key, "unchanged" if key.content_hash == digest else "updated"

    def remember(self, record_type: str, source_id: str, digest: str, target_id: uuid.UUID,
                 case_id: uuid.UUID | None = None) -> None:
        key = self.keys.get((record_type, source_id))
        if key is None:
            key = NewKey(record_type, source_id, target_id, case_id, digest, self.raw_checksum)
            self.new_keys.append(key)
            self.keys[(record_type, source_id)] = key
        elif key.content_hash != digest:
            key.content_hash, key.raw_checksum, key.target_id = digest, self.raw_checksum, target_id
            if case_id is not None:
                key.case_id = case_id

    def retracted(self, key: SourceKey | NewKey) -> None:
        key.content_hash = RETRACTED

    def of_cases(self, record_types: tuple[str, ...], case_ids: list[uuid.UUID]) -> Iterator[SourceKey]:
        """The stored keys of these record types in these cases (a full extract's "what did the source list before")."""
        for key in self.session.scalars(select(SourceKey).where(
            SourceKey.source_system == self.source_system, SourceKey.record_type.in_(record_types),
            SourceKey.case_id.in_(case_ids),
        )):
            self.keys.setdefault((key.record_type, key.source_id), key)
            yield key

    def write(self) -> None:
        """The run's new keys in one INSERT (after the rows they point to)."""
        if self.new_keys:
            self.session.execute(insert(cast(Table, SourceKey.__table__)), [key.row(self.source_system) for key in self.new_keys])
            self.new_keys = []
