"""The ingest report returned for every payload: counts, the children and cases the sender takes part in, what was
recorded for review, what was not mapped and every warning, each with its reason.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field, PrivateAttr

from hub.canonical.records import NotMapped, ReportWarning


class IngestReport(BaseModel):
    format: str
    format_version: str | None = None
    source_system: str
    raw_checksum: str
    archived: bool = Field(description="true when these bytes were new to the raw archive")
    created: int = Field(default=0, description="records this sender had not sent before (by its own source ids)")
    updated: int = 0
    unchanged: int = 0
    children: list[uuid.UUID] = Field(
        default_factory=list, description="the children of the payload that the sender takes part in a case of")
    cases: list[uuid.UUID] = Field(default_factory=list, description="the cases the payload's records were written to")
    cases_opened: list[uuid.UUID] = Field(default_factory=list)
    children_not_listed: int = Field(
        default=0,
        description="children of the payload not named in `children`: the sender takes part in none of their cases (a "
        "new child with no case yet, or a child the hub's services know, whose facts are recorded for review)",
    )
    recorded_for_review: int = Field(
        default=0,
        description="records (entries, goals, measures, consents, guardians, case facts) about a child whose case the "
        "sender does not take part in: kept in the raw archive and put on the review list, not written to the case",
    )
    identity_reviews: list[uuid.UUID] = Field(
        default_factory=list, description="possible duplicates put on the review list (children in `children` only)")
    not_mapped: list[NotMapped] = Field(default_factory=list)
    warnings: list[ReportWarning] = Field(default_factory=list)
    replayed: bool = Field(default=False, description="true when answered from an earlier Idempotency-Key")

    # Not part of the answer: every child the payload's records resolved to (the audit names them all), and the
    # source ids of the records recorded for review (the FHIR facade answers those entries by it).
    _touched_children: list[uuid.UUID] = PrivateAttr(default_factory=list)
    _held_source_ids: set[str] = PrivateAttr(default_factory=set)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def touch(self, bucket: list[uuid.UUID], value: uuid.UUID) -> None:
        if value not in bucket:
            bucket.append(value)

    def about_child(self, child_id: uuid.UUID) -> None:
        if child_id not in self._touched_children:
            self._touched_children.append(child_id)

    @property
    def touched_children(self) -> list[uuid.UUID]:
        """Every child this payload was about, named or not (for the audit trail; never in the answer)."""
        return self._touched_children or list(self.children)

    @property
    def held_source_ids(self) -> set[str]:
        return self._held_source_ids
