"""Runs the Alembic migrations programmatically (`stafett db upgrade`, tests, demo) for a given database URL, and
says in one line why a database is not ready (absent, unreachable, not migrated); the migrations alone create tables.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from hub.db.checkpoint import refresh_statistics
from hub.db.engine import make_engine, normalise_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate, then gather the planner's statistics (new indexes have none until then)."""
    command.upgrade(alembic_config(url), revision)
    engine = make_engine(url)
    try:
        refresh_statistics(engine)
    finally:
        engine.dispose()


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def current_heads(url: str) -> list[str]:
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory.from_config(alembic_config(url)).get_heads())


def shown_url(url: str) -> str:
    """The URL as it may be printed: without its password."""
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL that does not exist yet (opening it would create an empty database), else None."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.query.get("uri"):
        return None
    path = Path(parsed.database) if parsed.database and parsed.database != ":memory:" else None
    return path if path is not None and not path.exists() else None


def open_problem(exc: BaseException, url: str) -> str:
    """One line for a database that could not be opened (server down, no such database, not a database file)."""
    return f"cannot open the database {shown_url(url)}: {_first_line(exc)}"


def url_problem(url: str) -> str | None:
    """None for a URL of a database the hub runs on (SQLite or PostgreSQL), else what is wrong with it."""
    example = "e.g. sqlite:///./stafett.db or postgresql://user@host:5432/stafett"
    try:
        backend = make_url(normalise_url(url)).get_backend_name()
    except ArgumentError:
        return f"the database URL (--database or HUB_DATABASE_URL) is not a URL ({example})"  # it may hold a password
    if backend not in ("sqlite", "postgresql"):
        return f"the hub runs on SQLite or PostgreSQL, not {backend}: {shown_url(url)} ({example})"
    return None


def migration_problem(url: str) -> str | None:
    """None when the database at `url` exists and is migrated to this hub's newest revision; else what is wrong.

    Never creates anything: a SQLite file that does not exist is reported, not made."""
    if problem := url_problem(url):
        return problem
    parsed = make_url(normalise_url(url))
    missing = missing_sqlite_file(url)
    if missing is not None:
        return f"no database at {missing}: create it with `stafett db upgrade`, or give --database / HUB_DATABASE_URL"
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        return "an in-memory SQLite database has no tables: give a database file or server with --database"
    engine = create_engine(parsed, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except DBAPIError as exc:
        return open_problem(exc, url)
    finally:
        engine.dispose()
    heads = set(current_heads(url))
    if not current:
        return f"the database {shown_url(url)} is not migrated (no tables): run `stafett db upgrade` first"
    if current != heads:
        return (f"the database {shown_url(url)} is at revision {', '.join(sorted(current))}, this hub's migrations end "
                f"at {', '.join(sorted(heads))}: run `stafett db upgrade`")
    return None
