"""Runs the worker: collects the JOBS every domain's tasks.py declares and runs them on a BlockingScheduler (interval
triggers, one instance of a job at a time), or once (`--once`); on SIGTERM/SIGINT it finishes what is in hand and stops.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import pkgutil
import signal
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine

import hub
from hub.core.settings import Settings
from hub.db.engine import make_engine, session_scope
from hub.keys import service as keys
from hub.worker import jobs
from hub.worker.jobs import Job

log = logging.getLogger("hub.worker")


def collect() -> list[Job]:
    """Every job declared by a domain: the JOBS of each hub/<domain>/tasks.py, in the domains' alphabetical order."""
    found: list[Job] = []
    for domain in sorted(info.name for info in pkgutil.iter_modules(hub.__path__) if info.ispkg):
        if importlib.util.find_spec(f"hub.{domain}.tasks") is not None:
            found.extend(importlib.import_module(f"hub.{domain}.tasks").JOBS)
    ids = [job.id for job in found]
    if len(ids) != len(set(ids)):
        raise RuntimeError(f"two domains declare a job of the same id: {sorted(i for i in ids if ids.count(i) > 1)}")
    return found


def open_keys(engine: Engine, settings: Settings) -> None:
    """The hub's keys exist, are encrypted at rest, and open with the configured key-encryption key (or this raises)."""
    with session_scope(engine) as session:
        keys.ensure_keys(session, settings=settings)


def run_once(settings: Settings) -> dict[str, object]:
    """A worker's start and clean stop with nothing between (for cron-style use and tests): the jobs due at start, then
    those of a clean stop (a job that is both runs once, at the end). Returns each job's result by its id."""
    engine = make_engine(settings.database_url)
    try:
        open_keys(engine, settings)
        enabled = [job for job in collect() if job.enabled(settings)]
        order = [job for job in enabled if job.at_start and not job.at_stop] + [job for job in enabled if job.at_stop]
        return {job.id: job.run(engine, settings) for job in order}
    finally:
        engine.dispose()


def run_forever(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    open_keys(engine, settings)
    me = jobs.worker_id()
    scheduler = BlockingScheduler(timezone=UTC)
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
    enabled = [job for job in collect() if job.enabled(settings)]
    for job in enabled:
        first = {"next_run_time": datetime.now(UTC)} if job.at_start else {}
        scheduler.add_job(job.run, "interval", seconds=job.every(settings), args=(engine, settings), id=job.id, **first, **common)

    def stop(signum, _frame) -> None:
        """Finish the work in hand (a delivery run claims no new batch), then exit; a SIGKILL is survived by leases."""
        log.info("worker stopping", extra={"worker": me, "signal": signum})
        jobs.stopping.set()
        scheduler.shutdown(wait=True)

    # The delivery job drains the outbox; a tick that finds it still running is skipped by design, not a problem.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker started", extra={"worker": me, "jobs": len(enabled)})
    try:
        scheduler.start()
    finally:
        for job in (job for job in enabled if job.at_stop):
            try:
                job.run(engine, settings)  # e.g. a clean stop signs the audit chain's head once more
            except Exception:  # stopping goes on; the next worker does it
                log.exception("job at stop failed", extra={"job": job.id})
        engine.dispose()
