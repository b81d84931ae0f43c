"""All SQL for children and guardians: lookup by id and by external identifier (system, value).

Never commits.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.children.models import Child, ChildIdentifier


def get(session: Session, child_id: uuid.UUID) -> Child | None:
    return session.get(Child, child_id)


def by_identifier(session: Session, system: str, value: str) -> Child | None:
    return session.scalar(
        select(Child).join(ChildIdentifier).where(ChildIdentifier.system == system, ChildIdentifier.value == value)
    )


def by_any_identifier(session: Session, pairs: list[tuple[str, str]]) -> list[Child]:
    """Every distinct child holding at least one of the identifiers."""
    if not pairs:
        return []
    found: dict[uuid.UUID, Child] = {}
    for system, value in pairs:
        child = by_identifier(session, system, value)
        if child is not None:
            found[child.id] = child
    return list(found.values())


def add(session: Session, child: Child) -> Child:
    session.add(child)
    session.flush()
    return child
