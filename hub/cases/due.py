"""Measures whose evaluation falls due: the worker announces each due date of an active measure once, as a
`measure.due` domain event (a date that passes is no write, so no writer records it).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from hub.canonical.vocab import CaseStatus, MeasureStatus
from hub.cases.models import Case, Measure
from hub.events import service as events
from hub.events.models import EventKind

BATCH = 1000  # measures announced per transaction; the job runs again until none is left


def announce_due(session: Session, *, today: date, limit: int = BATCH) -> int:
    """Record `measure.due` for up to `limit` active, unretracted measures of open cases whose evaluation is due by
    `today` and whose due date was not announced yet; how many. A changed due date is announced again."""
    due = session.execute(
        select(Measure.id, Measure.case_id, Measure.evaluation_due, Measure.responsible_organization_id, Case.child_id)
        .join(Case, Case.id == Measure.case_id)
        .where(
            Measure.evaluation_due <= today,
            or_(Measure.due_noticed_on.is_(None), Measure.due_noticed_on != Measure.evaluation_due),
            Measure.status == MeasureStatus.active,
            Measure.retracted.is_(False),
            Case.status == CaseStatus.open,
        )
        .order_by(Measure.evaluation_due, Measure.id)
        .limit(limit)
    ).all()
    # Claimed first, by a Core UPDATE that still finds the date unannounced (a worker racing on the same rows waits for
    # this one's commit, then finds none); noting it is no change of the measure, so its row version (ETag) stays.
    claimed = []
    for row in due:
        result = session.execute(
            update(Measure)
            .where(Measure.id == row.id, or_(Measure.due_noticed_on.is_(None), Measure.due_noticed_on != row.evaluation_due))
            .values(due_noticed_on=row.evaluation_due)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], result).rowcount == 1:
            claimed.append(row)
    return events.record_many(session, (
        events.event_row(EventKind.measure_due, case_id=row.case_id, child_id=row.child_id, subject_id=row.id,
                         organization_id=row.responsible_organization_id,
                         data={"evaluation_due": row.evaluation_due.isoformat()})
        for row in claimed
    ))
