"""Every command that opens the hub's database takes `--database` (else HUB_DATABASE_URL) and refuses, in one line
with a non-zero exit, a SQLite file that does not exist (without creating it) or a database that is not migrated.
"""

from __future__ import annotations

import json
import uuid

import pytest
import typer

from hub.cli.main import NO_DATABASE, app
from tests.cli.helpers import invoke, one_line_error, stafett
from tests.conftest import BACKEND, create_postgres_database, drop_postgres_database

# One call of every command that opens the database, with the arguments it needs to get that far.
COMMANDS = [
    ("db", "analyze"),
    ("db", "downgrade", "previous", "--yes"),
    ("clients", "list"),
    ("clients", "add", "--org", "944117784", "--scopes", "ingest", "--jwks", "{jwks}"),
    ("clients", "revoke", "stafett-0000"),
    ("orgs", "list"),
    ("orgs", "add", "--name", "Haugesund helsestasjon", "--sector", "health", "--orgnr", "944117784"),
    ("audit", "verify"),
    ("audit", "anchor", "--out", "anchors.jsonl"),
    ("audit", "witnesses"),
    ("peers", "list"),
    ("peers", "add", "--municipality", "1146", "--url", "http://127.0.0.1:9"),
    ("peers", "remove", "--url", "http://127.0.0.1:9"),
    ("peers", "refresh"),
    ("transfer", "list"),
    ("transfer", "retry", str(uuid.UUID(int=1))),
    ("transfer", "bulk", "--to", "1146", "--from", "1106"),
    ("worker", "--once"),
    ("serve", "--no-migrate"),
]


def _paths(group: typer.Typer, prefix: str = "") -> dict[str, object]:
    found = {}
    for info in group.registered_commands:
        found[f"{prefix} {info.name or info.callback.__name__}".strip()] = info.callback
    for sub in group.registered_groups:
        found |= _paths(sub.typer_instance, f"{prefix} {sub.name}".strip())
    return found


def test_every_command_but_the_database_free_ones_takes_database():
    import inspect

    commands = _paths(app)
    with_option = {path for path, callback in commands.items() if "database" in inspect.signature(callback).parameters}
    assert set(commands) - with_option == set(NO_DATABASE)
    assert {" ".join(c[:2]) if c[0] not in ("worker", "serve") else c[0] for c in COMMANDS} | set(NO_DATABASE) | {
        "db upgrade", "demo"} == set(commands), "COMMANDS names one call of every database command"


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_missing_sqlite_file_is_refused_and_not_created(args, tmp_path):
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": []}))
    missing = tmp_path / "nothing-here.db"
    result = invoke(*[a.replace("{jwks}", str(jwks)) for a in args], HUB_DATABASE_URL=f"sqlite:///{missing}")
    one_line_error(result, "no database at", str(missing), "stafett db upgrade")
    assert result.exit_code == 2
    assert not missing.exists()


def test_the_default_database_is_not_created_by_a_command(tmp_path):
    """`stafett clients list` in a folder without ./stafett.db (e.g. right after the demo) says so; no empty file."""
    result = stafett("clients", "list", cwd=tmp_path)
    one_line_error(result, "no database at stafett.db")
    assert result.returncode == 2 and list(tmp_path.iterdir()) == []


def test_database_option_wins_over_the_environment(db_url, tmp_path):
    result = stafett("orgs", "list", "--database", db_url, HUB_DATABASE_URL=f"sqlite:///{tmp_path / 'other.db'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "no organisations"
    assert not (tmp_path / "other.db").exists()


@pytest.fixture
def unmigrated_url(tmp_path):
    """An existing database with no tables, on the backend under test."""
    if BACKEND == "sqlite":
        import sqlite3

        path = tmp_path / "empty.db"
        sqlite3.connect(path).close()
        assert path.exists()
        yield f"sqlite:///{path}"
        return
    name = f"stafett_empty_{uuid.uuid4().hex[:8]}"
    yield create_postgres_database(name)
    drop_postgres_database(name)


def test_a_database_without_tables_is_refused(unmigrated_url):
    result = stafett("clients", "list", "--database", unmigrated_url)
    one_line_error(result, "is not migrated", "stafett db upgrade")


def test_a_database_behind_the_migrations_is_refused(unmigrated_url):
    from hub.db.migrate import upgrade

    upgrade(unmigrated_url, "0004")
    result = stafett("transfer", "list", "--database", unmigrated_url)
    one_line_error(result, "is at revision 0004", "stafett db upgrade")


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path):
    if BACKEND == "sqlite":
        url = f"sqlite:///{tmp_path}"  # a folder, not a database file
    else:
        from tests.conftest import POSTGRES_URL

        url = POSTGRES_URL.rsplit("/", 1)[0] + f"/stafett_absent_{uuid.uuid4().hex[:8]}"
    result = stafett("orgs", "list", "--database", url)
    one_line_error(result, "cannot open the database")


def test_db_upgrade_says_in_one_line_that_it_cannot_open_the_database(tmp_path):
    result = stafett("db", "upgrade", "--database", f"sqlite:///{tmp_path / 'no-such-folder' / 'hub.db'}")
    one_line_error(result, "cannot open the database")


def test_a_password_in_the_url_is_not_printed():
    result = stafett("orgs", "list", "--database", "postgresql://stafett:s3cret@127.0.0.1:9/stafett")
    line = one_line_error(result, "cannot open the database")
    assert "s3cret" not in line and "***" in line


def test_db_upgrade_then_the_commands_work_on_the_same_option(tmp_path):
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    assert stafett("db", "upgrade", "--database", url).returncode == 0
    listed = stafett("clients", "list", "--database", url)
    assert listed.returncode == 0, listed.stderr
    assert "client_id" in listed.stdout


@pytest.mark.parametrize("url,needle", [("nonsense", "is not a URL"), ("mysql://x:pw@db/hub", "SQLite or PostgreSQL, not mysql")])
def test_a_url_the_hub_cannot_use_is_one_line(url, needle):
    for args in (("orgs", "list"), ("db", "upgrade")):
        line = one_line_error(stafett(*args, "--database", url), needle)
        assert ":pw@" not in line
