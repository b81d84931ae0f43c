"""The data-ownership key: a fact's source system names its owner first, `<owner>|<system>` (owner: the organisation
id that wrote it through ingest or the API, or "transfer", "hub", "unauthenticated"). Built and parsed only here.
"""

from __future__ import annotations

import uuid

_SEPARATOR = "|"


def owner_key(owner: uuid.UUID | str, system: str) -> str:
    """The source system of a fact `owner` wrote from `system` (a format, a source system's name, "api")."""
    return f"{owner}{_SEPARATOR}{system}"


def owner_prefix(owner: uuid.UUID | str) -> str:
    """What every source system `owner` writes from starts with (for a prefix query)."""
    return owner_key(owner, "")


def owner_of(source_system: str | None) -> str | None:
    """The owner part of a source system (None: it names no owner)."""
    owner, separator, _ = (source_system or "").partition(_SEPARATOR)
    return owner if separator else None


def owning_organization(source_system: str | None) -> uuid.UUID | None:
    """The organisation that owns a fact, if its owner is one."""
    owner = owner_of(source_system)
    try:
        return uuid.UUID(owner) if owner else None
    except ValueError:
        return None


def owned_by(source_system: str | None, organization_id: uuid.UUID | None) -> bool:
    return organization_id is not None and owner_of(source_system) == str(organization_id)
