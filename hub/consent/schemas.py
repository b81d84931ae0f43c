"""API shapes for consents and recorded legal bases: to which organisations or sectors, which categories, purpose,
period, document; revocation.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from hub.canonical.vocab import Category, ConsentBasis, ConsentGiver, ConsentStatus, Sector


class ConsentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    given_by: Literal["guardian", "child"] = "guardian"
    guardian_id: uuid.UUID | None = None
    organization_ids: list[uuid.UUID] = Field(default_factory=list)
    sectors: list[Sector] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list, description="empty: the non-confidential categories")
    purpose: str | None = Field(default=None, max_length=500)
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    document_ref: str | None = Field(default=None, max_length=500)
    basis: Literal["consent", "legal"] = "consent"
    legal_reference: str | None = Field(default=None, max_length=300)
    covers_guardians: bool = False

    @field_validator("valid_from", "valid_to")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("validity times need a timezone offset")
        return value

    @model_validator(mode="after")
    def _shape(self) -> ConsentCreate:
        if not self.organization_ids and not self.sectors and not self.covers_guardians:
            raise ValueError("a consent names organisations, sectors or (young person) the guardians it covers")
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        if self.basis == "legal" and not self.legal_reference:
            raise ValueError("a legal basis needs its legal_reference (e.g. 'barnevernloven § 13-2')")
        return self


class ConsentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    version: int = Field(validation_alias=AliasChoices("version", "row_version"), description='the ETag is "<version>"')
    child_id: uuid.UUID
    given_by: ConsentGiver
    guardian_id: uuid.UUID | None
    organization_ids: list[uuid.UUID]
    sectors: list[str]
    categories: list[str]
    purpose: str | None
    valid_from: datetime | None
    valid_to: datetime | None
    document_ref: str | None
    revoked_at: datetime | None
    status: ConsentStatus
    basis: ConsentBasis
    legal_reference: str | None
    covers_guardians: bool
    created_at: datetime
