"""API shapes for the review list: possible duplicates (the child, the candidate, why) and stranger pushes (who sent
what about which child: its demographics version as sent, how many case records were held back, the payload).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from hub.canonical.records import HumanName, PostalAddress
from hub.canonical.vocab import SourceStanding
from hub.identity.models import ReviewKind


class DemographicsRead(BaseModel):
    """One source's version of a child's demographics, with its provenance."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    source_organization_id: uuid.UUID | None
    source_system: str | None
    source_format: str | None
    source_record_id: str | None
    raw_checksum: str | None
    standing: SourceStanding
    received_at: datetime
    names: list[HumanName]
    birth_date: date | None
    sex: str | None
    preferred_language: str | None
    languages: list[str]
    address: PostalAddress | None
    deceased_at: datetime | None
    unborn: bool
    extra: dict[str, Any]


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: ReviewKind
    child_id: uuid.UUID
    candidate_child_id: uuid.UUID | None
    reason: str
    status: str
    organization_id: uuid.UUID | None = None
    source_format: str | None = None
    raw_checksum: str | None = None
    held_records: int = 0
    demographics: DemographicsRead | None = None
    created_at: datetime


class SourceRead(BaseModel):
    """One source that told the hub of a child: who, from which system and format, when."""

    model_config = ConfigDict(from_attributes=True)

    source_organization_id: uuid.UUID | None
    source_system: str | None
    source_format: str | None
    received_at: datetime


class ChildSide(BaseModel):
    """One of the two children of a possible duplicate, as the hub shows it."""

    id: uuid.UUID
    names: list[HumanName]
    birth_date: date | None
    sex: str | None
    identifiers: list[dict[str, str]]
    address: PostalAddress | None
    kommunenummer: str | None
    sources: list[SourceRead]


class PairRead(BaseModel):
    """An open possible duplicate: both children side by side, the matcher's score and the fields that agreed."""

    id: uuid.UUID
    reason: str
    score: float | None
    agreed: list[str]
    held_back: str | None
    created_at: datetime
    child: ChildSide
    candidate: ChildSide


class MergeRequest(BaseModel):
    keep: uuid.UUID | None = None  # the child that survives: either of the pair (default: the one held before)


class DecisionRead(BaseModel):
    id: uuid.UUID
    status: str
    decided_by: str | None
    decided_at: datetime | None
    kept_child_id: uuid.UUID | None = None
    merge_id: uuid.UUID | None = None


class FodselsnummerGiven(BaseModel):
    fodselsnummer: str
