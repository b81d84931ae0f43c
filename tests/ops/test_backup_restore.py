"""README's "Backup and restore (PostgreSQL)", run as written: pg_dump -Fc of a hub's database, pg_restore into a new
database, and the hub reads the restored one, its keys opening with the same HUB_KEY_ENCRYPTION_KEY (not in the dump)
and refusing with another.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from hub.db.engine import make_engine
from hub.db.migrate import migration_problem
from hub.organizations.models import Organization
from tests.conftest import POSTGRES_URL, create_postgres_database
from tests.processes import Database, env_for, stafett

pytestmark = [
    pytest.mark.postgres_only,
    # PostgreSQL's client tools come with the server on every machine CI runs on: there a missing tool fails the test.
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")) and os.environ.get("CI") != "true",
        reason="pg_dump/pg_restore (PostgreSQL's client tools) are not installed on this machine",
    ),
]


def _server_args() -> list[str]:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    return ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]


def _count(url: str, model) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def test_a_dump_restored_into_a_new_database_is_a_working_hub(tmp_path):
    source = Database.fresh(tmp_path, "backup", by_cli=True)
    restored = Database(create_postgres_database(f"stafett_restored_{os.getpid()}"), f"stafett_restored_{os.getpid()}")
    try:
        env = env_for(source)
        stafett("orgs", "add", "--name", "Haugesund helsestasjon", "--sector", "health", "--orgnr", "974600951", "--kommunenummer", "1106", env=env)
        stafett("worker", "--once", env=env)  # makes the hub's keys, encrypted with the key-encryption key
        dump = tmp_path / "stafett.dump"
        subprocess.run(["pg_dump", *_server_args(), "-Fc", "-f", str(dump), source.pg_name], check=True, timeout=120)
        subprocess.run(["pg_restore", *_server_args(), "--no-owner", "--exit-on-error", "-d", restored.pg_name, str(dump)],
                       check=True, timeout=120)

        assert migration_problem(restored.url) is None
        back = env_for(restored)
        listed = stafett("orgs", "list", env=back)
        assert "974600951" in listed.stdout and _count(restored.url, Organization) == 1
        assert "intact" in stafett("audit", "verify", env=back).stdout
        stafett("worker", "--once", env=back)  # the restored keys open with the same secrets

        other_key = base64.b64encode(b"\x01" * 32).decode()
        refused = stafett("worker", "--once", env={**back, "HUB_KEY_ENCRYPTION_KEY": other_key}, check=False)
        assert refused.returncode == 2 and "refused to start" in refused.stderr
    finally:
        source.drop()
        restored.drop()
