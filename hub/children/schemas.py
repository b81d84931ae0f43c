"""API shapes for children and guardians; national ids are checked (both mod-11 digits) on the way in.

Names, address and contact points reuse the canonical record types.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.canonical.records import ContactPoint, HumanName, Identifier, PostalAddress
from hub.canonical.vocab import LogAccess, ParentalResponsibility
from hub.core.validation import check_identifier, check_kommunenummer
from hub.identity.numbers import national_id_problem


def _checked(identifiers: list[Identifier]) -> list[Identifier]:
    seen: set[tuple[str, str]] = set()
    result = []
    for ident in identifiers:
        system, value = check_identifier(ident.system, ident.value)
        if (system, value) in seen:
            raise ValueError(f"identifier {system}|{value} is given twice")
        seen.add((system, value))
        result.append(Identifier(system=system, value=value))
    return result


class GuardianCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: list[HumanName] = Field(default_factory=list)
    national_id: str | None = None
    relation: str | None = None
    parental_responsibility: ParentalResponsibility | None = None
    may_see_log: bool = Field(
        default=False,
        description="asks that the guardian may see the log: granted at once when the caller's organisation holds the "
        "baton (coordinator) of an open case of the child, else pending until that coordinator confirms",
    )
    contact: list[ContactPoint] = Field(default_factory=list)
    address: PostalAddress | None = None

    @field_validator("national_id")
    @classmethod
    def _nid(cls, value: str | None) -> str | None:
        if value is not None and (problem := national_id_problem(value)):
            raise ValueError(f"invalid national id for the guardian: {problem}")
        return value


class GuardianRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    names: list[HumanName]
    relation: str | None
    parental_responsibility: ParentalResponsibility | None
    may_see_log: bool  # in force: granted by the case's coordinator (or an authoritative registry)
    log_access: LogAccess  # granted, pending (asked for, not yet confirmed) or none
    contact: list[ContactPoint]
    address: PostalAddress | None


class LogAccessDecision(BaseModel):
    """The coordinator's decision on a guardian's access to the log."""

    model_config = ConfigDict(extra="forbid")

    may_see_log: bool


class ChildCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identifiers: list[Identifier] = Field(default_factory=list)
    names: list[HumanName] = Field(default_factory=list)
    birth_date: date | None = None
    sex: str | None = Field(default=None, pattern="^(female|male|other|unknown)$")
    preferred_language: str | None = None
    languages: list[str] = Field(default_factory=list)
    address: PostalAddress | None = None
    guardians: list[GuardianCreate] = Field(default_factory=list)

    _ids = field_validator("identifiers")(classmethod(lambda cls, v: _checked(v)))

    @field_validator("address")
    @classmethod
    def _address(cls, value: PostalAddress | None) -> PostalAddress | None:
        if value is not None and value.kommunenummer is not None:
            check_kommunenummer(value.kommunenummer)
        return value


class IdentifierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    system: str
    value: str


class ChildRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    identifiers: list[IdentifierRead]
    primary_national_id: str | None = None  # the fødselsnummer once it has one, else the D-nummer
    names: list[HumanName]
    birth_date: date | None
    sex: str | None
    preferred_language: str | None
    languages: list[str]
    address: PostalAddress | None
    unborn: bool
    guardians: list[GuardianRead]
    created_at: datetime
