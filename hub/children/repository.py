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



def add(session: Session, child: Child) -> Child:
    session.add(child)
    session.flush()
    return child
