"""The ingest report returned for every payload: counts, the children and cases touched, what was not mapped
and every warning, each with its reason.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from hub.canonical.records import NotMapped, ReportWarning


class IngestReport(BaseModel):
    format: str
    format_version: str | None = None
    source_system: str
    raw_checksum: str
    archived: bool = Field(description="true when these bytes were new to the raw archive")
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    children: list[uuid.UUID] = Field(default_factory=list)
    cases: list[uuid.UUID] = Field(default_factory=list)
    cases_opened: list[uuid.UUID] = Field(default_factory=list)
    identity_reviews: list[uuid.UUID] = Field(default_factory=list)
    not_mapped: list[NotMapped] = Field(default_factory=list)
    warnings: list[ReportWarning] = Field(default_factory=list)
    replayed: bool = Field(default=False, description="true when answered from an earlier Idempotency-Key")

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def touch(self, bucket: list[uuid.UUID], value: uuid.UUID) -> None:
        if value not in bucket:
            bucket.append(value)
