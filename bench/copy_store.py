"""Copy a filled store from a SQLite file into a migrated, empty PostgreSQL database, table by table and row for row
(COPY), so both backends are measured on the very rows the hub's writers made once (bench.scale --copy-from).

The hub's keys and its audit trail are not copied: they are sealed under the SQLite hub's own secrets, and the
PostgreSQL hub makes its own keys at start and audits its own reads.
"""

from __future__ import annotations

import sqlite3
import time

import psycopg

from hub.db.models import metadata

NOT_COPIED = {"hub_key", "audit_event", "audit_head", "audit_witness", "used_assertion", "alembic_version"}


def copy_store(sqlite_file: str, postgres_url: str) -> dict[str, int]:
    """Rows copied per table. The target is migrated (`stafett db upgrade`) and empty; SQLite's values are read as
    stored (hex uuids, UTC timestamps, JSON text, 0/1) and parsed by PostgreSQL's own input functions."""
    copied: dict[str, int] = {}
    source = sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True)
    with psycopg.connect(postgres_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=False) as target:
        target.execute("SET TIME ZONE 'UTC'")
        target.execute("SET session_replication_role = replica")  # the rows were consistent in SQLite: no FK triggers
        for table in metadata.sorted_tables:
            if table.name in NOT_COPIED:
                continue
            columns = [c.name for c in table.columns]
            quoted = ", ".join(f'"{c}"' for c in columns)
            started, n = time.perf_counter(), 0
            with target.cursor().copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for row in source.execute(f'SELECT {quoted} FROM "{table.name}"'):
                    copy.write_row(row)
                    n += 1
            copied[table.name] = n
            if n > 10_000:
                print(f"    {table.name}: {n:,} rows in {time.perf_counter() - started:.0f} s", flush=True)
        target.commit()
    source.close()
    return copied
