"""Shared test fixtures: real shared data, a fresh migrated database per test (SQLite file or PostgreSQL), API clients.

HUB_TEST_BACKEND=postgres runs the same suite on PostgreSQL (HUB_TEST_POSTGRES_URL, default the local `test` db).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from hub.core.settings import Settings
from hub.db.engine import make_engine, normalise_url, session_factory
from hub.db.migrate import upgrade
from hub.db.models import metadata
from tests.shared_data import shared_data_dir

BACKEND = os.environ.get("HUB_TEST_BACKEND", "sqlite")
POSTGRES_URL = os.environ.get("HUB_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# The secrets every hub of the suite is configured with, as an operator configures a production hub (hub.keys.secrets):
# in this process's environment, and handed to every hub process (tests.processes.env_for). Tests of the defaults
# (a SQLite hub's generated secrets folder, a PostgreSQL hub that refuses to start) take them away again.
TEST_SECRETS = {
    "HUB_KEY_ENCRYPTION_KEY": "Nw2C0sCxbOaZbCscc0kbQmP//IO83fNebK7jwZdZn38=",
    "HUB_AUDIT_HMAC_KEY": "F4mJdZlXuGX+kzE8cNTAsgn0pxnEuyAV8/YtLmIx96c=",
}
for _name, _value in TEST_SECRETS.items():
    os.environ.setdefault(_name, _value)


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("HUB_REQUIRE_SHARED_DATA") == "1" and shared_data_dir() is None:
        raise pytest.UsageError("HUB_REQUIRE_SHARED_DATA=1 but ../shared/data (or HUB_SHARED_DATA) is missing")
    if BACKEND not in ("sqlite", "postgres"):
        raise pytest.UsageError(f"HUB_TEST_BACKEND must be sqlite or postgres, not {BACKEND!r}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of one backend only are deselected (not skipped) on the other: postgres_only (several processes on one
    PostgreSQL) and sqlite_only (the embedded default, e.g. the README's demo, which always runs on SQLite); the bounded
    schemathesis run only in its own CI step (HUB_SCHEMATHESIS=1)."""
    other = "sqlite_only" if BACKEND == "postgres" else "postgres_only"
    left_out = {other} | ({"schemathesis_run"} if os.environ.get("HUB_SCHEMATHESIS") != "1" else set())
    dropped = [i for i in items if any(i.get_closest_marker(m) for m in left_out)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if not any(i.get_closest_marker(m) for m in left_out)]


def pytest_report_header(config: pytest.Config) -> str:
    return f"hub test backend: {BACKEND}"


def _admin_engine() -> Engine:
    return create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")


def create_postgres_database(name: str) -> str:
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    base = normalise_url(POSTGRES_URL).rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_postgres_database(name: str) -> None:
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _with_hub_keys(url: str) -> None:
    """Generate the hub's RSA keys once per session (the per-test copies keep them)."""
    from hub.db.engine import session_scope
    from hub.keys.service import ensure_keys

    engine = make_engine(url)
    with session_scope(engine) as session:
        ensure_keys(session, settings=Settings(database_url=url))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once per session: a SQLite file to copy, or a PostgreSQL database to truncate."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade(f"sqlite:///{path}")
        _with_hub_keys(f"sqlite:///{path}")
        yield str(path)
    else:
        name = f"stafett_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        url = create_postgres_database(name)
        upgrade(url)
        _with_hub_keys(url)
        yield url
        drop_postgres_database(name)


def fresh_database_url(template: str, folder: Path) -> str:
    """A clean, fully migrated database for one test."""
    if BACKEND == "sqlite":
        target = folder / f"hub-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    engine = create_engine(normalise_url(template))
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables if t.name != "hub_key")
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return template


@pytest.fixture
def db_url(migrated_template: str, tmp_path: Path) -> str:
    return fresh_database_url(migrated_template, tmp_path)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    session = session_factory(engine)()
    yield session
    session.rollback()
    session.close()


@pytest.fixture(scope="session")
def oidc_key():
    from tests.auth_helpers import client_key

    return client_key("test-idporten")


@pytest.fixture(scope="session")
def oidc_jwks_file(oidc_key, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import json

    from tests.auth_helpers import oidc_jwks

    path = tmp_path_factory.mktemp("oidc") / "jwks.json"
    path.write_text(json.dumps(oidc_jwks(oidc_key)))
    return path


def hub_settings(url: str, oidc_jwks_file: Path, **overrides) -> Settings:
    from tests.auth_helpers import OIDC_AUDIENCE, OIDC_ISSUER

    values = {
        "database_url": url,
        "public_url": "http://testserver",  # the TestClient's base URL: the token audience
        "municipality": "1106",
        "oidc_issuer": OIDC_ISSUER,
        "oidc_audience": OIDC_AUDIENCE,
        "oidc_jwks_file": oidc_jwks_file,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def settings(db_url: str, oidc_jwks_file: Path) -> Settings:
    return hub_settings(db_url, oidc_jwks_file)


@pytest.fixture
def app(settings: Settings):
    from hub.api.app import create_app

    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        yield client


@pytest.fixture
def callers(client, engine, oidc_key):
    """Authenticated callers of the hub under test: callers.system(...), callers.person(pid)."""
    from tests.auth_helpers import Callers

    return Callers(client, engine, oidc_key)


@pytest.fixture
def make_hub(migrated_template: str, tmp_path: Path, oidc_jwks_file: Path, oidc_key):
    """Factory for extra hubs in one test, each on its own fresh database: make_hub() -> TestClient."""
    from fastapi.testclient import TestClient

    from hub.api.app import create_app

    made: list[tuple[object, object, str | None]] = []

    def factory(**overrides):
        """A fresh hub: returns (TestClient, Callers) on its own database."""
        from tests.auth_helpers import Callers

        if BACKEND == "sqlite":
            url, pg_name = fresh_database_url(migrated_template, tmp_path), None
        else:
            pg_name = f"stafett_extra_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            url = create_postgres_database(pg_name)
            upgrade(url)
        app = create_app(hub_settings(url, oidc_jwks_file, **overrides))
        client = TestClient(app)
        client.__enter__()
        made.append((client, app, pg_name))
        return client, Callers(client, app.state.engine, oidc_key)

    yield factory
    for client, app, pg_name in made:
        client.__exit__(None, None, None)
        app.state.engine.dispose()
        if pg_name:
            drop_postgres_database(pg_name)
