"""Shared bits of the CLI: the console, and a unit of work on the configured database.

Commands open one session scope and commit once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from sqlalchemy.orm import Session

from hub.core.settings import get_settings
from hub.db.engine import make_engine, session_scope

console = Console()


@contextmanager
def database() -> Iterator[Session]:
    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()
