"""`stafett db downgrade` as an operator runs it (the console script, a database made by `stafett db upgrade`):
refused without --yes, one revision back with `previous`, to base and up again to the newest, on either backend.
"""

from __future__ import annotations

from sqlalchemy import inspect

from hub.db.engine import make_engine
from hub.db.migrate import current_heads, migration_problem
from tests.processes import Database, env_for, stafett


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_through_the_cli(tmp_path):
    db = Database.fresh(tmp_path, "downgrade", by_cli=True)
    env = env_for(db)
    try:
        migrated = _tables(db.url)
        assert migration_problem(db.url) is None and "outbox_item" in migrated

        refused = stafett("db", "downgrade", "previous", env=env, check=False)
        assert refused.returncode == 2 and "--yes" in refused.stderr
        assert migration_problem(db.url) is None  # nothing was undone

        stafett("db", "downgrade", "previous", "--yes", env=env)
        behind = migration_problem(db.url)
        (head,) = current_heads(db.url)
        assert behind is not None and f"migrations end at {head}: run `stafett db upgrade`" in behind

        stafett("db", "downgrade", "base", "--yes", env=env)
        assert _tables(db.url) <= {"alembic_version"}

        unknown = stafett("db", "downgrade", "no_such_revision", "--yes", env=env, check=False)
        assert unknown.returncode == 2 and "no_such_revision" in unknown.stderr

        stafett("db", "upgrade", env=env)
        assert migration_problem(db.url) is None and _tables(db.url) == migrated
    finally:
        db.drop()
