"""Background upkeep of a served SQLite database: checkpoints its write-ahead log, so that no request pays for copying
the log into the file (SQLite's own checkpoint runs inside whichever commit crosses 1,000 pages), and keeps the query
planner's statistics fresh (SQLite never gathers them itself: without them it reads a child's open case through the
index of `status`, which nearly every case shares).
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

log = logging.getLogger("hub.db.checkpoint")


# Rows sampled per index by ANALYZE: enough for the planner, and a bounded cost (milliseconds) at any size.
ANALYSIS_LIMIT = 1000


def refresh_statistics(engine: Engine) -> None:
    """Gather the planner's statistics: a sampled ANALYZE on SQLite, ANALYZE on PostgreSQL (whose autovacuum keeps
    them fresh from then on)."""
    # SQLite: a writer from the start (BEGIN IMMEDIATE), so that it waits its turn behind other writers; a deferred
    # transaction that reads, then writes its statistics, can meet a writer halfway and fail at once ("locked").
    with engine.connect() as conn, conn.execution_options(sqlite_immediate=True).begin():
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        conn.exec_driver_sql("ANALYZE")


class WalCheckpointer:
    """Every `interval` seconds a PASSIVE checkpoint (it never blocks readers or writers); one more when stopped.
    Every `analyze_interval` seconds, fresh planner statistics. Does nothing for an engine that is not
    SQLite."""

    def __init__(self, engine: Engine, *, interval: float, analyze_interval: float = 600.0):
        self.engine = engine
        self.interval = interval
        self.analyze_interval = analyze_interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def applies(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def start(self) -> None:
        if self.applies and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._thread.join()
            self._thread = None
            self.checkpoint()

    def checkpoint(self) -> tuple[int, int, int]:
        """(busy, frames in the log, frames checkpointed), as SQLite reports them."""
        with self.engine.connect() as conn:
            busy, logged, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return busy, logged, done

    def _run(self) -> None:
        analyzed = time.monotonic()  # `db upgrade` has just gathered them; the first refresh comes one interval later
        while True:
            if time.monotonic() - analyzed >= self.analyze_interval:
                try:
                    refresh_statistics(self.engine)
                    analyzed = time.monotonic()
                except Exception as exc:  # noqa: BLE001 - old statistics only make plans worse, never answers wrong
                    analyzed = time.monotonic()
                    log.warning("statistics not refreshed", extra={"error": type(exc).__name__})
            if self._stopping.wait(self.interval):
                return
            try:
                self.checkpoint()
            except Exception as exc:  # noqa: BLE001 - a failed checkpoint is retried next time; the log only grows
                log.warning("WAL checkpoint failed", extra={"error": type(exc).__name__})
