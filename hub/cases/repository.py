"""All SQL for cases and their timeline: current entry versions, lineages, goals, measures, filters.

Never commits.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from hub.canonical.vocab import CaseStatus
from hub.cases.models import Case, Entry, Evaluation, Goal, Measure, Participant


def get(session: Session, case_id: uuid.UUID, *, for_update: bool = False) -> Case | None:
    if for_update:
        return session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    return session.get(Case, case_id)


def open_case_for(session: Session, child_id: uuid.UUID, municipality: str) -> Case | None:
    return session.scalar(
        select(Case)
        .where(Case.child_id == child_id, Case.municipality == municipality, Case.status == CaseStatus.open)
        .order_by(Case.opened_at)
        .limit(1)
    )


def search(
    session: Session,
    *,
    child_id: uuid.UUID | None = None,
    municipality: str | None = None,
    status: CaseStatus | None = None,
    limit: int = 100,
    offset: int = 0,
    participant: uuid.UUID | None = None,
) -> list[Case]:
    query = select(Case).order_by(Case.opened_at.desc(), Case.id).limit(limit).offset(offset)
    if participant:
        query = query.where(Case.id.in_(select(Participant.case_id).where(Participant.organization_id == participant)))
    if child_id:
        query = query.where(Case.child_id == child_id)
    if municipality:
        query = query.where(Case.municipality == municipality)
    if status:
        query = query.where(Case.status == status)
    return list(session.scalars(query))


def current_entries(session: Session, case_id: uuid.UUID) -> list[Entry]:
    """The newest version of each entry lineage on the case, in time order."""
    newer = aliased(Entry)
    latest = (
        select(Entry)
        .where(Entry.case_id == case_id)
        .where(~select(newer.id).where(newer.previous_id == Entry.id).exists())
        .order_by(func.coalesce(Entry.occurred_at, Entry.recorded_at), Entry.recorded_at, Entry.id)
    )
    return list(session.scalars(latest))


def entry(session: Session, entry_id: uuid.UUID) -> Entry | None:
    return session.get(Entry, entry_id)


def lineage(session: Session, lineage_id: uuid.UUID) -> list[Entry]:
    return list(session.scalars(select(Entry).where(Entry.lineage_id == lineage_id).order_by(Entry.version)))


def latest_in_lineage(session: Session, lineage_id: uuid.UUID) -> Entry | None:
    return session.scalar(
        select(Entry).where(Entry.lineage_id == lineage_id).order_by(Entry.version.desc()).limit(1)
    )


def goals(session: Session, case_id: uuid.UUID) -> list[Goal]:
    return list(session.scalars(select(Goal).where(Goal.case_id == case_id).order_by(Goal.created_at, Goal.id)))


def measures(session: Session, case_id: uuid.UUID) -> list[Measure]:
    return list(
        session.scalars(select(Measure).where(Measure.case_id == case_id).order_by(Measure.created_at, Measure.id))
    )


def entry_versions(session: Session, case_id: uuid.UUID) -> list[Entry]:
    """Every stored version of every entry lineage on the case, by lineage and version."""
    return list(session.scalars(select(Entry).where(Entry.case_id == case_id).order_by(Entry.lineage_id, Entry.version)))


def evaluations(session: Session, measure_ids: list[uuid.UUID]) -> list[Evaluation]:
    if not measure_ids:
        return []
    return list(session.scalars(select(Evaluation).where(Evaluation.measure_id.in_(measure_ids)).order_by(Evaluation.created_at)))


def add(session: Session, obj: object) -> None:
    session.add(obj)
    session.flush()
