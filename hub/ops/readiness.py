"""Readiness: whether this process should be sent traffic. The database answers a SELECT 1 within a short timeout and
its schema is at this hub's newest migration. The outbox is not a readiness check: a backlog or parked deliveries do
not make this process worse at answering requests (they are metrics to alert on: hub.ops.collectors).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from hub.db.migrate import current_heads

log = logging.getLogger("hub.ops")
_checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="readyz")  # a hung connect never holds a request thread


@dataclass
class Readiness:
    reasons: list[str] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return not self.reasons


def _database(engine: Engine, heads: frozenset[str], timeout: float) -> Readiness:
    result = Readiness()
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL statement_timeout = {int(timeout * 1000)}"))
        conn.execute(text("SELECT 1"))
        result.checks["database"] = "ok"
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current == heads:
        result.checks["schema"] = "ok"
    else:
        result.checks["schema"] = "behind" if current else "not migrated"
        result.reasons.append(
            f"the database schema is at {', '.join(sorted(current)) or 'no revision'}, this hub's migrations end at "
            f"{', '.join(sorted(heads))}: run `stafett db upgrade`"
        )
    return result


def check(engine: Engine, *, heads: frozenset[str], timeout: float) -> Readiness:
    """The database's answer and its schema revision, within `timeout` seconds in all."""
    future = _checks.submit(_database, engine, heads, timeout)
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        return Readiness([f"the database did not answer within {timeout:g} s"], {"database": "timeout"})
    except Exception as exc:  # any failure to reach the database is "not ready", said in one line
        log.warning("readiness: the database cannot be reached", exc_info=True)  # the driver's message is logged only
        return Readiness([f"the database cannot be reached ({type(exc).__name__})"], {"database": "unreachable"})


def migration_heads(url: str) -> frozenset[str]:
    """This hub's newest migration revisions (read once per app from the migration scripts)."""
    return frozenset(current_heads(url))
