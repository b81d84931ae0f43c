"""Checkpoints a served SQLite database's write-ahead log in a background thread, so that no request pays for copying
the log into the database file (SQLite's own automatic checkpoint runs inside whichever commit crosses 1,000 pages).
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

log = logging.getLogger("hub.db.checkpoint")


class WalCheckpointer:
    """Every `interval` seconds a PASSIVE checkpoint (it never blocks readers or writers); one more when stopped.
    Does nothing for an engine that is not SQLite."""

    def __init__(self, engine: Engine, *, interval: float):
        self.engine = engine
        self.interval = interval
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
        while not self._stopping.wait(self.interval):
            try:
                self.checkpoint()
            except Exception as exc:  # noqa: BLE001 - a failed checkpoint is retried next time; the log only grows
                log.warning("WAL checkpoint failed", extra={"error": type(exc).__name__})
