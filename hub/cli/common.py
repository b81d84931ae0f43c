"""Shared bits of the CLI: the consoles, the one `--database` option every command gets, this invocation's settings,
one-line failures, a unit of work on a database that exists and is migrated (commands commit once), and the check a
serving process makes of its secrets and keys before it starts.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, Optional

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from hub.core.errors import HubError
from hub.core.settings import Settings
from hub.db.engine import make_engine, session_scope
from hub.db.migrate import migration_problem

console = Console()
errors = Console(stderr=True)

DATABASE_HELP = "Database URL (default: HUB_DATABASE_URL, else sqlite:///./stafett.db)."
_chosen: dict[str, str | None] = {"database": None}


def fail(message: str, code: int = 2) -> NoReturn:
    """Say what is wrong in one line on stderr and exit non-zero: the way every expected mistake ends."""
    errors.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def _takes_database(callback: Callable[..., Any]) -> Callable[..., Any]:
    """`callback` with a `--database URL` option added to its signature; the value is kept for settings()."""
    signature = inspect.signature(callback, eval_str=True)
    if "database" in signature.parameters or getattr(callback, "_takes_database", False):
        return callback  # the demo's own --database (a file), or done already

    @functools.wraps(callback)
    def command(*args: Any, database: str | None = None, **kwargs: Any) -> Any:
        _chosen["database"] = database
        return callback(*args, **kwargs)

    option = inspect.Parameter(
        "database", inspect.Parameter.KEYWORD_ONLY, annotation=Optional[str],  # noqa: UP045 - a runtime object typer reads
        default=typer.Option(None, "--database", metavar="URL", help=DATABASE_HELP),
    )
    marked: Any = command  # typer reads these attributes; a wrapper's type does not declare them
    marked.__signature__ = signature.replace(parameters=[*signature.parameters.values(), option])
    marked.__annotations__ = {**{k: p.annotation for k, p in signature.parameters.items()}, "database": Optional[str]}  # noqa: UP045 - as above
    marked._takes_database = True
    return command


def add_database_option(app: typer.Typer, *, skip: Iterable[str] = (), path: str = "") -> None:
    """Give every command of `app` and its groups the `--database` option (once, here), except the `skip` paths
    ("clients keygen") and commands that declare their own."""
    skip = set(skip)
    for info in app.registered_commands:
        if info.callback is None:
            continue
        name = info.name or info.callback.__name__.lower().replace("_", "-")
        if f"{path} {name}".strip() not in skip:
            info.callback = _takes_database(info.callback)
    for group in app.registered_groups:
        if group.typer_instance is None:
            continue
        add_database_option(group.typer_instance, skip=skip, path=f"{path} {group.name}".strip())


def settings() -> Settings:
    """This invocation's settings: HUB_* variables, with --database over HUB_DATABASE_URL."""
    overrides = {"database_url": _chosen["database"]} if _chosen["database"] else {}
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic-settings: any field by name
    except ValidationError as exc:
        error = exc.errors()[0]
        name = "HUB_" + "_".join(str(part) for part in error["loc"]).upper()
        fail(f"invalid setting {name}: {error['msg']}")


def migrated_settings() -> Settings:
    """The settings, after checking their database exists and is migrated (never creating it)."""
    chosen = settings()
    problem = migration_problem(chosen.database_url)
    if problem:
        fail(problem)
    return chosen


@contextmanager
def database(*, write: bool = True) -> Iterator[Session]:
    """One unit of work on the configured database, which must exist and be migrated."""
    engine = make_engine(migrated_settings().database_url)
    try:
        with session_scope(engine, write=write) as session:
            yield session
    finally:
        engine.dispose()


def print_record(title: str, fields: Iterable[tuple[str, str]]) -> None:
    """One item as a title line (printed as is, never folded: it starts with an id) and indented label/value lines
    that wrap at words; a long word folds rather than being cut."""
    console.print(escape(title), soft_wrap=True, highlight=False)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in fields:
        grid.add_row(f"  {label}", escape(value))
    console.print(grid, highlight=False)


def check_secrets(settings: Settings) -> None:
    """Refuse to go on (exit 2, naming what to configure) unless the hub's secrets are configured: asked before the
    database is opened, so that a PostgreSQL hub without them says so whatever the state of its database."""
    from hub.keys import secrets

    try:
        secrets.check(settings)
    except HubError as exc:
        fail(f"refused to start: {exc.detail}")


def open_keys(settings: Settings) -> None:
    """Refuse to go on (exit 2, naming what to configure) unless the hub's secrets are configured and its keys exist,
    are encrypted at rest and open with the configured key-encryption key; encrypts keys still stored in plain."""
    from hub.keys import secrets
    from hub.keys.service import ensure_keys

    try:
        secrets.check(settings)
        engine = make_engine(settings.database_url)
        try:
            with session_scope(engine) as session:
                ensure_keys(session, settings=settings)
        finally:
            engine.dispose()
    except HubError as exc:
        fail(f"refused to start: {exc.detail}")
