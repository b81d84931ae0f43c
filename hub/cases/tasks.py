"""Scheduled jobs of the cases domain: announce measures whose evaluation falls due (`measure.due`). Idempotent: each
due date of a measure is announced once, however often or on however many workers the job runs.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Engine

from hub.cases import due
from hub.core.settings import Settings
from hub.db.engine import session_scope
from hub.worker.jobs import Job

log = logging.getLogger("hub.worker")


def announce_due_measures(engine: Engine, settings: Settings) -> int:
    """Every due measure announced, a batch per transaction; how many."""
    total = 0
    while True:
        with session_scope(engine) as session:
            announced = due.announce_due(session, today=datetime.now(UTC).date())
        total += announced
        if announced < due.BATCH:
            break
    if total:
        log.info("measures due announced", extra={"measures": total})
    return total


JOBS = [Job("measures-due", announce_due_measures, every=lambda settings: settings.measures_due_seconds, at_start=True)]
