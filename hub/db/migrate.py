"""Runs the Alembic migrations programmatically (`stafett db upgrade`, tests, demo) for a given database URL.

The real migrations are the only way tables are created, in tests too.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

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
