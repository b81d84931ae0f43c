"""Collectors read at scrape time: the outbox's depth, the age of its oldest due item and its parked deliveries by
kind (a few COUNT/MIN queries that the (status, next_attempt_at) index answers; delivered items are never read), the
database connection pool, and the FHIR validation workers. `registry_for(engine)` gathers them for one engine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, and_, func, select, text

from hub.outbox import handlers
from hub.outbox.models import ItemStatus, OutboxItem

log = logging.getLogger("hub.ops")

WAITING = (ItemStatus.pending, ItemStatus.delivering)
SCRAPE_TIMEOUT_MS = 2000


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; the hub writes UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class OutboxCollector(Collector):
    """stafett_outbox_depth (pending + delivering), stafett_outbox_parked and stafett_outbox_oldest_due_seconds, by
    kind. Every kind this process can deliver or has seen is listed, at 0 when it has nothing waiting (a series that
    vanished could not be told from a scrape that failed: stafett_outbox_scrape_ok says that)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def describe(self) -> list[Metric]:
        return []  # read at scrape time only: registering must not query the database

    def collect(self) -> Iterator[Metric]:
        ok = GaugeMetricFamily("stafett_outbox_scrape_ok", "1 when the outbox figures below were read from the database")
        depth = GaugeMetricFamily("stafett_outbox_depth", "Outbox items waiting to be delivered (pending or being delivered)", labels=["kind"])
        parked = GaugeMetricFamily("stafett_outbox_parked", "Outbox items parked: refused, or out of attempts; wait for a retry by hand", labels=["kind"])
        due = GaugeMetricFamily(
            "stafett_outbox_oldest_due_seconds", "Seconds the oldest due pending item has waited for a worker (0 when none is due)", labels=["kind"]
        )
        try:
            counts, oldest = self._read()
        except Exception:  # a scrape reports the failure as a gauge, never as a 500
            log.warning("outbox metrics not read", exc_info=True)
            ok.add_metric([], 0)
            yield ok
            return
        now = datetime.now(UTC)
        with self.lock:
            self.seen |= {kind for kind, _ in counts} | set(oldest) | set(handlers.kinds())
            kinds = sorted(self.seen)
        for kind in kinds:
            depth.add_metric([kind], sum(counts.get((kind, status), 0) for status in WAITING))
            parked.add_metric([kind], counts.get((kind, ItemStatus.parked), 0))
            first = _aware(oldest.get(kind))
            due.add_metric([kind], max(0.0, (now - first).total_seconds()) if first else 0.0)
        ok.add_metric([], 1)
        yield from (ok, depth, parked, due)

    def _read(self) -> tuple[dict[tuple[str, ItemStatus], int], dict[str, datetime]]:
        now = datetime.now(UTC)
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"SET LOCAL statement_timeout = {SCRAPE_TIMEOUT_MS}"))
            rows = conn.execute(
                select(OutboxItem.kind, OutboxItem.status, func.count())
                .where(OutboxItem.status.in_((*WAITING, ItemStatus.parked)))
                .group_by(OutboxItem.kind, OutboxItem.status)
            ).all()
            firsts = conn.execute(
                select(OutboxItem.kind, func.min(OutboxItem.next_attempt_at))
                .where(and_(OutboxItem.status == ItemStatus.pending, OutboxItem.next_attempt_at <= now))
                .group_by(OutboxItem.kind)
            ).all()
        return {(kind, ItemStatus(status)): n for kind, status, n in rows}, {kind: first for kind, first in firsts}


class PoolCollector(Collector):
    """stafett_db_pool_checked_out and stafett_db_pool_size of the engine's connection pool."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        pool = self.engine.pool
        checked_out = GaugeMetricFamily("stafett_db_pool_checked_out", "Database connections in use by this process")
        size = GaugeMetricFamily("stafett_db_pool_size", "Connections the pool keeps (beyond them it may open its overflow)")
        overflow = GaugeMetricFamily("stafett_db_pool_max_overflow", "Connections the pool may open beyond its size")
        checked_out.add_metric([], float(getattr(pool, "checkedout", lambda: 0)()))
        size.add_metric([], float(getattr(pool, "size", lambda: 0)()))
        overflow.add_metric([], float(getattr(pool, "_max_overflow", 0)))
        yield from (checked_out, size, overflow)


class ValidationCollector(Collector):
    """The validation workers of this process (the adapters that validate aside): configured, started and busy.

    There is no validation queue: a request that finds no idle worker validates in its own thread rather than wait,
    so busy == configured is the sign of saturation."""

    def __init__(self, size: int) -> None:
        self.size = size

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        from adapters.registry import validation_state

        started, busy = validation_state(self.size)
        for name, doc, value in (
            ("stafett_validation_workers", "FHIR validation worker processes configured (HUB_VALIDATION_WORKERS)", self.size),
            ("stafett_validation_workers_started", "FHIR validation worker processes running", started),
            ("stafett_validation_workers_busy", "FHIR validation workers validating a payload now", busy),
        ):
            family = GaugeMetricFamily(name, doc)
            family.add_metric([], float(value))
            yield family


def registry_for(engine: Engine, *, validation_workers: int | None = None) -> CollectorRegistry:
    """A registry of one engine's collectors (and the validation pool's, for a process that validates)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(OutboxCollector(engine))
    registry.register(PoolCollector(engine))
    if validation_workers is not None:
        registry.register(ValidationCollector(validation_workers))
    return registry
