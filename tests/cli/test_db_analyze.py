"""`stafett db analyze` gathers the planner's statistics (after a bulk load, or where PostgreSQL's autovacuum is off):
without them the planners took a child's open case for one of thousands and read a case's entries by a full scan."""

from __future__ import annotations

from sqlalchemy import text

from hub.db.engine import make_engine
from tests.cli.helpers import invoke
from tests.conftest import BACKEND


def _known_rows(engine) -> int:
    """How many children the planner believes the table holds."""
    with engine.connect() as conn:
        if BACKEND == "sqlite":
            stat = conn.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'child' AND idx = 'ix_child_kommunenummer'")).scalar()
            return int(stat.split()[0]) if stat else 0
        return int(conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'child'")).scalar())


def test_db_analyze_teaches_the_planner_the_tables_sizes(db_url):
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO child (id, names, languages, extra, created_at, updated_at, unborn, kommunenummer) "
            "VALUES (:id, '[]', '[]', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, false, '1106')"),
            [{"id": f"{n:032x}" if BACKEND == "sqlite" else f"00000000-0000-0000-0000-{n:012x}"} for n in range(1, 301)])
    assert _known_rows(engine) < 300  # a bulk load leaves the planner where the last ANALYZE left it
    done = invoke("db", "analyze", "--database", db_url)
    assert done.exit_code == 0, done.output
    assert "statistics gathered" in done.output
    assert _known_rows(engine) == 300
    engine.dispose()
