"""Canonical record types: what an adapter's parse() returns and what render() receives.

Records point at each other inside one batch by their `source_id` (child_ref, org_ref, guardian_ref, …).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.canonical.vocab import (
    AuthorKind,
    CaseStatus,
    Category,
    ConsentGiver,
    ConsentStatus,
    EntryKind,
    GoalStatus,
    MeasureStatus,
    ParentalResponsibility,
    Sector,
    Sensitivity,
)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("timestamps must carry a timezone (adapters convert local times, e.g. Europe/Oslo)")
    return value


class Identifier(_Record):
    system: str
    value: str

    def key(self) -> str:
        return f"{self.system}|{self.value}"


class Code(_Record):
    system: str
    code: str
    display: str | None = None


class HumanName(_Record):
    given: list[str] = Field(default_factory=list)
    family: str | None = None
    text: str | None = None
    use: str | None = None  # official, usual, nickname, old, …


class PostalAddress(_Record):
    lines: list[str] = Field(default_factory=list)
    postal_code: str | None = None
    city: str | None = None
    kommunenummer: str | None = None
    country: str | None = None


class ContactPoint(_Record):
    system: str  # phone, email, …
    value: str
    use: str | None = None


class NotMapped(_Record):
    """Something in the payload the adapter could not map; it stays in the raw archive."""

    path: str  # where in the payload (resource type/id, XPath, JSON pointer)
    reason: str


class ReportWarning(_Record):
    code: str  # short machine-readable reason, e.g. "upn-check-letter"
    message: str
    path: str | None = None


class OrganizationRecord(_Record):
    source_id: str
    name: str | None = None
    sector: Sector = Sector.other
    identifiers: list[Identifier] = Field(default_factory=list)
    kommunenummer: str | None = None


class ChildRecord(_Record):
    source_id: str
    identifiers: list[Identifier] = Field(default_factory=list)
    names: list[HumanName] = Field(default_factory=list)
    birth_date: date | None = None
    sex: str | None = None  # female, male, other, unknown
    preferred_language: str | None = None
    languages: list[str] = Field(default_factory=list)
    address: PostalAddress | None = None
    deceased_at: datetime | None = None
    unborn: bool = False
    expected_birth_date: date | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    _check = field_validator("deceased_at")(_aware)


class GuardianRecord(_Record):
    source_id: str
    child_ref: str
    identifiers: list[Identifier] = Field(default_factory=list)
    names: list[HumanName] = Field(default_factory=list)
    relation: str | None = None  # mother, father, foster parent, … (free or coded text)
    parental_responsibility: ParentalResponsibility | None = None
    may_see_log: bool | None = None
    contact: list[ContactPoint] = Field(default_factory=list)
    address: PostalAddress | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class Participant(_Record):
    org_ref: str
    role: str


class CaseFact(_Record):
    """What a source says about the child's case (episode of care, child-welfare case, …)."""

    source_id: str
    child_ref: str
    municipality: str | None = None  # kommunenummer
    bti_level: int | None = Field(default=None, ge=0, le=3)
    status: CaseStatus | None = None
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    participants: list[Participant] = Field(default_factory=list)

    _check = field_validator("opened_at", "closed_at")(_aware)


class Provenance(_Record):
    """Where a fact came from; filled by the hub on export (adapters leave it empty on parse)."""

    source_system: str | None = None
    format: str | None = None
    source_record_id: str | None = None
    raw_checksum: str | None = None
    mapping_version: str | None = None
    recorded_at: datetime | None = None


class EntryRecord(_Record):
    source_id: str
    child_ref: str
    kind: EntryKind
    category: Category
    sensitivity: Sensitivity = Sensitivity.normal
    occurred_at: datetime | None = None
    text: str | None = None
    codes: list[Code] = Field(default_factory=list)
    payload: dict[str, Any] = Field(default_factory=dict)
    author_kind: AuthorKind = AuthorKind.organization
    author_org_ref: str | None = None
    author_name: str | None = None
    related_refs: list[str] = Field(default_factory=list)  # source ids of entries this one links to
    retracted: bool = False  # the source deleted it: the hub records a retraction, never deletes
    # What a retraction withdraws when the source's deletion names a record of another kind: "measure" retracts the
    # sender's measure of this source id (not an entry); "entry" (or None) its entry. Set by the adapter only.
    retracts: Literal["entry", "measure"] | None = None
    version: int | None = None  # the hub's version number on export; adapters leave it empty
    provenance: Provenance | None = None

    _check = field_validator("occurred_at")(_aware)


class EvaluationRecord(_Record):
    source_id: str | None = None
    evaluated_at: datetime | None = None
    outcome: str | None = None  # continue, adjust, stop, achieved, …
    text: str | None = None
    author_org_ref: str | None = None

    _check = field_validator("evaluated_at")(_aware)


class GoalRecord(_Record):
    source_id: str
    child_ref: str
    description: str
    category: Category | None = None
    status: GoalStatus = GoalStatus.active
    target_date: date | None = None
    codes: list[Code] = Field(default_factory=list)


class MeasureRecord(_Record):
    """A tiltak: what is done, by whom (an organisation, or the family at home), when, evaluated how."""

    source_id: str
    child_ref: str
    description: str
    category: Category
    sensitivity: Sensitivity = Sensitivity.normal
    responsible_org_ref: str | None = None
    responsible_home: bool = False
    status: MeasureStatus = MeasureStatus.active
    start: date | None = None
    end: date | None = None
    evaluation_due: date | None = None
    goal_refs: list[str] = Field(default_factory=list)
    codes: list[Code] = Field(default_factory=list)
    payload: dict[str, Any] = Field(default_factory=dict)
    evaluations: list[EvaluationRecord] = Field(default_factory=list)


class ConsentRecord(_Record):
    source_id: str
    child_ref: str
    given_by: ConsentGiver = ConsentGiver.guardian
    guardian_ref: str | None = None
    org_refs: list[str] = Field(default_factory=list)
    sectors: list[Sector] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    purpose: str | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    document_ref: str | None = None
    revoked_at: datetime | None = None
    status: ConsentStatus = ConsentStatus.active  # as the source said

    _check = field_validator("valid_from", "valid_to", "revoked_at")(_aware)


class ParsedBatch(_Record):
    """Everything one payload said, in canonical form, plus what could not be mapped and why."""

    format: str
    format_version: str | None = None
    mapping_version: str
    source_system: str | None = None  # the sending system as the payload names it
    municipality: str | None = None  # receiving/sending municipality when the payload says so
    organizations: list[OrganizationRecord] = Field(default_factory=list)
    children: list[ChildRecord] = Field(default_factory=list)
    guardians: list[GuardianRecord] = Field(default_factory=list)
    case_facts: list[CaseFact] = Field(default_factory=list)
    entries: list[EntryRecord] = Field(default_factory=list)
    goals: list[GoalRecord] = Field(default_factory=list)
    measures: list[MeasureRecord] = Field(default_factory=list)
    consents: list[ConsentRecord] = Field(default_factory=list)
    not_mapped: list[NotMapped] = Field(default_factory=list)
    warnings: list[ReportWarning] = Field(default_factory=list)
    is_full_extract: bool = False  # a total extract: entries the source no longer lists are retracted
    previous_extract_id: str | None = None  # delta chain (e.g. SSB ForrigeId)
    extract_id: str | None = None
