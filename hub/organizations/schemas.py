"""API shapes for organisations: create (validated organisasjonsnummer and kommunenummer) and read.

Other external identifiers are kept as (system, value) pairs.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.canonical.records import Identifier
from hub.canonical.vocab import Sector
from hub.core.validation import check_identifier, check_kommunenummer, check_orgnr


class OrganizationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300)
    sector: Sector
    orgnr: str | None = None
    kommunenummer: str | None = None
    identifiers: list[Identifier] = Field(default_factory=list)

    @field_validator("orgnr")
    @classmethod
    def _orgnr(cls, value: str | None) -> str | None:
        return check_orgnr(value) if value is not None else None

    @field_validator("kommunenummer")
    @classmethod
    def _kommune(cls, value: str | None) -> str | None:
        return check_kommunenummer(value) if value is not None else None

    @field_validator("identifiers")
    @classmethod
    def _identifiers(cls, value: list[Identifier]) -> list[Identifier]:
        return [Identifier(system=s, value=v) for s, v in (check_identifier(i.system, i.value) for i in value)]


class IdentifierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    system: str
    value: str


class OrganizationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    sector: Sector
    orgnr: str | None
    kommunenummer: str | None
    identifiers: list[IdentifierRead]
    created_at: datetime
