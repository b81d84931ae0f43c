"""API shapes for cases, participants, coordinator handovers, timeline entries, goals, measures and evaluations.

Reads show the current version of each entry; corrections and retractions arrive as new versions.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from hub.canonical.records import Code
from hub.canonical.vocab import (
    AuthorKind,
    CaseStatus,
    Category,
    EntryKind,
    GoalStatus,
    MeasureStatus,
    Sensitivity,
)
from hub.core.validation import check_kommunenummer


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _version() -> Any:  # a pydantic Field(), typed as the field it defaults
    """The row version, which is also the object's ETag ("<version>") for If-Match."""
    return Field(validation_alias=AliasChoices("version", "row_version"), description='the ETag is "<version>"; send it as If-Match')


class ParticipantIn(_In):
    organization_id: uuid.UUID
    role: str = Field(default="participant", min_length=1, max_length=60)


class CoordinatorIn(_In):
    person_name: str = Field(min_length=1, max_length=200)
    organization_id: uuid.UUID | None = None
    proposed_by: str | None = Field(default=None, max_length=200)


class CaseCreate(_In):
    child_id: uuid.UUID
    municipality: str
    bti_level: int = Field(default=0, ge=0, le=3)
    participants: list[ParticipantIn] = Field(default_factory=list)
    coordinator: CoordinatorIn | None = None

    _kommune = field_validator("municipality")(classmethod(lambda cls, v: check_kommunenummer(v)))


class LevelChange(_In):
    bti_level: int = Field(ge=0, le=3)
    reason: str | None = Field(default=None, max_length=2000)


class CaseClose(_In):
    status: Literal["closed", "handed_off"] = "closed"
    reason: str = Field(min_length=1, max_length=2000)


class CoordinatorDecision(_In):
    reason: str | None = Field(default=None, max_length=2000)


class EntryCreate(_In):
    kind: EntryKind
    category: Category
    sensitivity: Sensitivity = Sensitivity.normal
    author_kind: AuthorKind = AuthorKind.organization
    author_organization_id: uuid.UUID | None = None
    author_name: str | None = Field(default=None, max_length=200)
    occurred_at: datetime | None = None
    text: str | None = Field(default=None, max_length=100_000)
    codes: list[Code] = Field(default_factory=list)
    payload: dict[str, Any] = Field(default_factory=dict)
    related: list[uuid.UUID] = Field(default_factory=list)

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("occurred_at needs a timezone offset (e.g. 2026-03-01T10:00:00+01:00)")
        return value

    @model_validator(mode="after")
    def _has_content(self) -> EntryCreate:
        if not self.text and not self.codes and not self.payload:
            raise ValueError("an entry needs a text, codes or a payload")
        return self


class EntryCorrection(_In):
    reason: str = Field(min_length=1, max_length=2000)
    text: str | None = Field(default=None, max_length=100_000)
    codes: list[Code] | None = None
    payload: dict[str, Any] | None = None
    occurred_at: datetime | None = None
    sensitivity: Sensitivity | None = None
    retract: bool = False


class EntryRead(_Out):
    id: uuid.UUID
    lineage_id: uuid.UUID
    version: int
    previous_id: uuid.UUID | None
    kind: EntryKind
    category: Category
    sensitivity: Sensitivity
    author_kind: AuthorKind
    author_organization_id: uuid.UUID | None
    author_name: str | None
    occurred_at: datetime | None
    recorded_at: datetime
    text: str | None
    codes: list[Code]
    payload: dict[str, Any]
    related: list[uuid.UUID]
    retracted: bool
    correction_reason: str | None
    source_system: str | None
    source_format: str | None
    source_record_id: str | None
    raw_checksum: str | None
    mapping_version: str | None


class GoalCreate(_In):
    description: str = Field(min_length=1, max_length=10_000)
    category: Category | None = None
    status: GoalStatus = GoalStatus.active
    target_date: date | None = None
    codes: list[Code] = Field(default_factory=list)


class GoalRead(_Out):
    id: uuid.UUID
    version: int = _version()
    description: str
    category: Category | None
    status: GoalStatus
    target_date: date | None
    codes: list[Code]
    created_at: datetime


class GoalStatusChange(_In):
    status: GoalStatus


class EvaluationCreate(_In):
    evaluated_at: datetime | None = None
    outcome: str | None = Field(default=None, pattern="^(continue|adjust|stop|achieved|not_achieved)$")
    text: str = Field(min_length=1, max_length=10_000)
    author_organization_id: uuid.UUID | None = None
    author_name: str | None = Field(default=None, max_length=200)


class EvaluationRead(_Out):
    id: uuid.UUID
    evaluated_at: datetime
    outcome: str | None
    text: str | None
    author_kind: AuthorKind
    author_organization_id: uuid.UUID | None
    author_name: str | None


class MeasureCreate(_In):
    description: str = Field(min_length=1, max_length=10_000)
    category: Category
    sensitivity: Sensitivity = Sensitivity.normal
    responsible_organization_id: uuid.UUID | None = None
    responsible_home: bool = False
    status: MeasureStatus = MeasureStatus.active
    start_date: date | None = None
    end_date: date | None = None
    evaluation_due: date | None = None
    goal_ids: list[uuid.UUID] = Field(default_factory=list)
    codes: list[Code] = Field(default_factory=list)

    @model_validator(mode="after")
    def _responsible(self) -> MeasureCreate:
        if self.responsible_home == (self.responsible_organization_id is not None):
            raise ValueError(
                "a measure has exactly one responsible party: responsible_organization_id or responsible_home=true"
            )
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class MeasureStatusChange(_In):
    status: MeasureStatus


class MeasureRead(_Out):
    id: uuid.UUID
    version: int = _version()
    description: str
    category: Category
    sensitivity: Sensitivity
    responsible_organization_id: uuid.UUID | None
    responsible_home: bool
    status: MeasureStatus
    start_date: date | None
    end_date: date | None
    evaluation_due: date | None
    goal_ids: list[uuid.UUID]
    codes: list[Code]
    payload: dict[str, Any]
    retracted: bool
    evaluations: list[EvaluationRead]


class ParticipantRead(_Out):
    organization_id: uuid.UUID
    role: str
    added_at: datetime


class CoordinatorRead(_Out):
    id: uuid.UUID
    person_name: str
    organization_id: uuid.UUID | None
    status: str
    proposed_at: datetime
    proposed_by: str | None
    decided_at: datetime | None
    decline_reason: str | None
    started_at: datetime | None
    ended_at: datetime | None


class CaseSummary(_Out):
    id: uuid.UUID
    child_id: uuid.UUID
    municipality: str
    bti_level: int
    status: CaseStatus
    opened_at: datetime
    closed_at: datetime | None


class CaseRead(CaseSummary):
    version: int = _version()
    closed_reason: str | None
    transferred_to: str | None
    received_from: str | None
    participants: list[ParticipantRead]
    coordinator: CoordinatorRead | None
    coordinator_history: list[CoordinatorRead]
    entries: list[EntryRead]
    goals: list[GoalRead]
    measures: list[MeasureRead]
