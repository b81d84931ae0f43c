"""Who takes part in a case: the one place a participant is added (by a REST call, an ingest's sender, case facts, a
measure's responsible organisation, a transfer import) and the one test of whether an organisation takes part.
"""

from __future__ import annotations

import uuid

from hub.cases.models import Case, Participant


def join(case: Case, organization_id: uuid.UUID, role: str) -> Participant:
    """The organisation's part in the case with `role`, added unless it already has it."""
    for existing in case.participants:
        if existing.organization_id == organization_id and existing.role == role:
            return existing
    participant = Participant(organization_id=organization_id, role=role)
    case.participants.append(participant)
    return participant


def join_if_absent(case: Case, organization_id: uuid.UUID, role: str) -> None:
    """A part for an organisation that takes none yet (a measure's responsible organisation): its sector's role."""
    if not takes_part(case, organization_id):
        join(case, organization_id, role)


def takes_part(case: Case, organization_id: uuid.UUID) -> bool:
    return any(p.organization_id == organization_id for p in case.participants)


def may_write(case: Case, organization_id: uuid.UUID | None) -> bool:
    """A sender may write to a case it takes part in, or to one nobody takes part in yet (None: the hub itself)."""
    return organization_id is None or not case.participants or takes_part(case, organization_id)
