"""Which statements the hot reads run on a filled store and what each costs as the database plans it: the hub
in-process on a store bench.scale kept, every SELECT of each read captured as the hub emits it, then explained and
timed on its own (PostgreSQL: EXPLAIN ANALYZE; SQLite: EXPLAIN QUERY PLAN and the statement run).

Run: python -m bench.explain --database sqlite:////tmp/run/scale-100000.db   (or a postgresql:// URL of
stafett_bench_scale_<n>; --secrets-dir the hub's secrets: a SQLite store's are beside it, PostgreSQL's are bench.scale's)
Prints per read the statements' count and summed time, the slowest ones with their plans, and every full scan of a
table that grows with the hub.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event

from bench import municipality
from bench.municipality import CHILD_SYSTEM, child_fnr, guardian_fnr
from bench.scale import OIDC_AUDIENCE, OIDC_ISSUER, Person, system_token
from hub.api.app import create_app
from hub.canonical.vocab import FNR_SYSTEM, Sector
from hub.core.settings import Settings
from hub.db.engine import session_scope

GROWING = {"entry", "case", "child", "child_identifier", "participant", "guardian", "consent", "measure", "goal",
           "evaluation", "coordinator_assignment", "audit_event", "source_key", "source_record", "domain_event"}


def captured(engine, call: Callable[[], object]) -> list[tuple[str, object]]:
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return statements


def explained(engine, statement: str, parameters) -> tuple[float, str]:
    """(ms, plan) of one statement run on its own."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters))
        return float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)), plan
    with sqlite3.connect(engine.url.database) as db:
        plan = "\n".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + statement, parameters))
        started = time.perf_counter()
        db.execute(statement, parameters).fetchall()
        return (time.perf_counter() - started) * 1000, plan


def full_scans(plan: str) -> list[str]:
    pg = re.findall(r'Seq Scan on "?(\w+)"?', plan)
    lite = [re.sub(r"_\d+$", "", m) for m in re.findall(r"^SCAN (\w+)", plan, flags=re.M)]
    return [t for t in pg + lite if t in GROWING]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--secrets-dir", type=Path, help="default: a SQLite store's own; for PostgreSQL bench.scale's")
    parser.add_argument("--top", type=int, default=3, help="slowest statements shown per read")
    args = parser.parse_args()
    store = Path(args.database.removeprefix("sqlite:///"))
    secrets = args.secrets_dir or (store.parent / f"{store.stem}-secrets" if args.database.startswith("sqlite")
                                   else Path(tempfile.gettempdir()) / "stafett-bench-secrets-1106")
    person = Person(Path(tempfile.mkdtemp(prefix="stafett-explain-")))
    settings = Settings(database_url=args.database, municipality="1106", public_url="http://testserver", secrets_dir=secrets,
                        oidc_issuer=OIDC_ISSUER, oidc_audience=OIDC_AUDIENCE, oidc_jwks_file=person.jwks, validation_workers=0)
    app = create_app(settings)
    engine = app.state.engine
    with TestClient(app) as client:
        school = {"Authorization": f"Bearer {system_token(engine, client, 'http://testserver', Sector.school, ['case.read', 'handover.read'])}"}
        health = {"Authorization": f"Bearer {system_token(engine, client, 'http://testserver', Sector.health, ['case.read'])}"}
        admin = {"Authorization": f"Bearer {system_token(engine, client, 'http://testserver', Sector.municipality, ['admin'])}"}
        mother = {"Authorization": f"Bearer {person.token(guardian_fnr(-1, 0))}"}
        with session_scope(engine, write=False) as session:
            big_case, big_child = municipality.big_case(session)
        reads = {
            "300-entry case read": lambda: client.get(f"/api/v1/cases/{big_case}", headers=school),
            "handover pull": lambda: client.get("/api/v1/handover", headers=school, params={
                "identifier": f"{CHILD_SYSTEM}|bench-7", "format": "fhir-r4"}),
            "$everything (300)": lambda: client.get(f"/fhir/Patient/{big_child}/$everything", headers=health),
            "Patient?identifier": lambda: client.get("/fhir/Patient", headers=health, params={"identifier": f"{FNR_SYSTEM}|{child_fnr(7)}"}),
            "guardian: my children": lambda: client.get("/api/v1/me/children", headers=mother),
            "guardian: the case (300)": lambda: client.get(f"/api/v1/me/cases/{big_case}", headers=mother),
            "audit trail of the big case's child": lambda: client.get(f"/api/v1/audit/children/{big_child}", headers=admin),
        }
        for name, call in reads.items():
            call()  # warm
            statements = captured(engine, lambda call=call: call().raise_for_status())
            costs = [(*explained(engine, s, p), s) for s, p in statements]
            scans = sorted({t for _, plan, _ in costs for t in full_scans(plan)})
            print(f"\n== {name}: {len(costs)} statements, {sum(c[0] for c in costs):.1f} ms run alone"
                  + (f"; FULL SCANS of {', '.join(scans)}" if scans else ""))
            for ms, plan, statement in sorted(costs, key=lambda c: -c[0])[:args.top]:
                print(f"  {ms:7.2f} ms  {' '.join(statement.split())[:220]}")
                print("            " + "\n            ".join(plan.splitlines()[:8]))
    engine.dispose()


if __name__ == "__main__":
    main()
