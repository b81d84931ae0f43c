"""The served hub's SQLite log is copied into the database file by a background thread, never inside a commit."""

import os
import time

from sqlalchemy import text

from hub.db.checkpoint import WalCheckpointer
from hub.db.engine import make_engine


def _write_many_pages(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS filler (v TEXT)"))
        conn.execute(text("INSERT INTO filler VALUES (:v)"), [{"v": "x" * 4000} for _ in range(1500)])  # > 1,000 pages


def _wait_for(condition, seconds=10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_commits_leave_the_log_to_the_background_thread(tmp_path):
    path = tmp_path / "hub.db"
    engine = make_engine(f"sqlite:///{path}", checkpoint_in_background=True)
    _write_many_pages(engine)
    # SQLite's automatic checkpoint would have copied these pages into the file inside the commit
    assert os.path.getsize(path) < 100_000 < os.path.getsize(f"{path}-wal")
    checkpointer = WalCheckpointer(engine, interval=0.05)
    checkpointer.start()
    try:
        assert _wait_for(lambda: os.path.getsize(path) > 6_000_000)
    finally:
        checkpointer.stop()
    assert checkpointer._thread is None
    engine.dispose()


def test_without_background_checkpoints_sqlite_checkpoints_in_the_commit(tmp_path):
    path = tmp_path / "cli.db"
    engine = make_engine(f"sqlite:///{path}")  # the CLI's engines: SQLite's own automatic checkpoint
    _write_many_pages(engine)
    assert os.path.getsize(path) > 6_000_000
    engine.dispose()


def test_the_served_app_checkpoints_while_it_runs(tmp_path):
    from fastapi.testclient import TestClient

    from hub.api.app import create_app
    from hub.core.settings import Settings
    from hub.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'served.db'}"
    upgrade(url)
    app = create_app(Settings(database_url=url, municipality="1106", wal_checkpoint_seconds=0.05, validation_workers=0))
    with TestClient(app):
        assert app.state.checkpointer._thread is not None and app.state.checkpointer._thread.is_alive()
        _write_many_pages(app.state.engine)
        assert _wait_for(lambda: os.path.getsize(tmp_path / "served.db") > 6_000_000)
    assert app.state.checkpointer._thread is None


def test_nothing_to_do_for_postgresql():
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none")  # never connected
    checkpointer = WalCheckpointer(engine, interval=0.05)
    checkpointer.start()
    assert checkpointer._thread is None
    checkpointer.stop()


def _statistics(engine) -> dict[str, str]:
    with engine.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
            return {}
        return dict(conn.exec_driver_sql("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'rows'").all())


def test_the_thread_gathers_planner_statistics_at_its_interval_and_again_later(tmp_path):
    """SQLite never gathers statistics itself; without them it read a child's open case through the index of the
    status every case shares."""
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}", checkpoint_in_background=True)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE rows (kind TEXT, owner TEXT)"))
        conn.execute(text("CREATE INDEX ix_rows_kind ON rows (kind)"))
        conn.execute(text("INSERT INTO rows VALUES (:k, :o)"), [{"k": "open", "o": str(n)} for n in range(200)])
    assert _statistics(engine) == {}
    checkpointer = WalCheckpointer(engine, interval=0.05, analyze_interval=0.2)
    checkpointer.start()
    try:
        assert _wait_for(lambda: _statistics(engine).get("ix_rows_kind") == "200 200")  # 200 rows, one kind
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO rows VALUES (:k, :o)"), [{"k": str(n), "o": str(n)} for n in range(200)])
        assert _wait_for(lambda: _statistics(engine).get("ix_rows_kind", "").startswith("400 "))
    finally:
        checkpointer.stop()
    engine.dispose()

