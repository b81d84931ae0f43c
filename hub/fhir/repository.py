"""SQL for the facade: locating the child and case behind a FHIR id, the cases an organisation takes part in,
and the ingest source keys behind a transaction's entries.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.cases import repository as cases
from hub.cases.models import Case, Entry, Goal, Measure, Participant
from hub.children.models import Guardian
from hub.consent.models import Consent
from hub.core.ownership import owner_prefix
from hub.ingest.models import SourceKey

_CHUNK = 500


def cases_of_child_for_org(session: Session, *, child_id: uuid.UUID, organization_id: uuid.UUID) -> list[Case]:
    """The child's cases the organisation participates in, newest first."""
    return list(
        session.scalars(
            select(Case)
            .join(Participant, Participant.case_id == Case.id)
            .where(Case.child_id == child_id, Participant.organization_id == organization_id)
            .distinct()
            .order_by(Case.opened_at.desc(), Case.id)
        )
    )


def child_of_guardian(session: Session, guardian_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(select(Guardian.child_id).where(Guardian.id == guardian_id))


def child_of_consent(session: Session, consent_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(select(Consent.child_id).where(Consent.id == consent_id))


def case_of_goal(session: Session, goal_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(select(Goal.case_id).where(Goal.id == goal_id))


def case_of_measure(session: Session, measure_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(select(Measure.case_id).where(Measure.id == measure_id))


def case_of_entry_lineage(session: Session, lineage_id: uuid.UUID) -> uuid.UUID | None:
    latest = cases.latest_in_lineage(session, lineage_id)
    return latest.case_id if latest is not None else None


def entry_versions(session: Session, lineage_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The current version of each entry lineage."""
    result: dict[uuid.UUID, int] = {}
    for start in range(0, len(lineage_ids), _CHUNK):
        chunk = lineage_ids[start : start + _CHUNK]
        rows = session.execute(
            select(Entry.lineage_id, func.max(Entry.version)).where(Entry.lineage_id.in_(chunk)).group_by(Entry.lineage_id)
        )
        result.update({lineage_id: version for lineage_id, version in rows})
    return result


def source_keys(session: Session, *, sender_scope: str, source_ids: list[str]) -> list[SourceKey]:
    """The ingest keys one sending organisation holds for these source ids (any of its source systems)."""
    found: list[SourceKey] = []
    for start in range(0, len(source_ids), _CHUNK):
        chunk = source_ids[start : start + _CHUNK]
        found += session.scalars(
            select(SourceKey).where(SourceKey.source_id.in_(chunk), SourceKey.source_system.startswith(owner_prefix(sender_scope)))
        )
    return found
