"""Benchmark: reading cases from a served hub as it grows. For each size (default 1,000 and 10,000 cases of ~25 entries,
every fifth corrected once, plus one case of 300 entries), a fresh database is seeded with bench.municipality's synthetic
municipality (the generator bench.scale uses, through the ingest pipeline's writer) and `stafett serve` answers.

Run: python -m bench.case_read [--sizes 1000,10000] [--postgres postgresql://postgres@127.0.0.1:5432/test]
Prints p50/p95 in ms of: a typical case read, the 300-entry case, the school-style handover pull and the
organisation's case list; and each figure's ratio to the smallest size, measured in the same run (a read that does
not grow with the hub keeps a ratio near 1).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy import create_engine, select, text

from bench.municipality import BIG, CHILD_SYSTEM, populate
from bench.transfer import env_for, free_port, healthy, start, wait
from hub.auth import clients
from hub.canonical.vocab import Sector
from hub.cases.models import Case
from hub.children.models import ChildIdentifier
from hub.db.checkpoint import refresh_statistics
from hub.db.engine import make_engine, normalise_url, session_scope
from hub.db.migrate import upgrade
from hub.organizations.models import Organization


def database(postgres: str | None, folder: Path, size: int) -> str:
    if not postgres:
        return f"sqlite:///{folder / f'case-read-{size}.db'}"
    admin = create_engine(normalise_url(postgres), isolation_level="AUTOCOMMIT")
    name = f"stafett_bench_read_{size}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return normalise_url(postgres).rsplit("/", 1)[0] + "/" + name


def clinic_token(engine, base_url: str) -> str:
    """An access token of the seed's health clinic (a participant in every case) with read and handover scopes."""
    key = ECKey.generate_key("P-256", parameters={"kid": "bench", "alg": "ES256", "use": "sig"}, private=True)
    with session_scope(engine) as session:
        org = session.scalar(select(Organization).where(Organization.sector == Sector.health))
        client_id = clients.register_client(
            session, organization=org, scopes=["case.read", "handover.read"], jwks={"keys": [key.as_dict(private=False)]}
        ).client_id
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": base_url + "/oauth/token", "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}
    form = {"grant_type": "client_credentials", "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": jwt.encode({"alg": "ES256", "kid": "bench"}, claims, key), "scope": "case.read handover.read"}
    return httpx.post(base_url + "/oauth/token", data=form, timeout=60).raise_for_status().json()["access_token"]


def timed(client: httpx.Client, token: str, urls: list[str]) -> list[float]:
    spent = []
    for url in urls:
        started = time.perf_counter()
        answer = client.get(url, headers={"Authorization": f"Bearer {token}"})
        spent.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"{url}: {answer.status_code} {answer.text[:300]}")
    return spent


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def measure(size: int, args, folder: Path) -> dict[str, tuple[float, float]]:
    url = database(args.postgres, folder, size)
    upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    populate(url, size, entries=args.entries)  # through the ingest pipeline's writer, as bench.scale
    with session_scope(engine, write=False) as session:
        big = session.scalar(select(Case.id).join(ChildIdentifier, ChildIdentifier.child_id == Case.child_id).where(
            ChildIdentifier.system == CHILD_SYSTEM, ChildIdentifier.value == f"bench-{BIG}"))
    refresh_statistics(engine)  # what an operator runs after a bulk load (`stafett db analyze`), and autovacuum in time
    print(f"  seeded {size:,} cases in {time.perf_counter() - started:.0f} s", flush=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = env_for(url, base, "1106") | {"HUB_LOG_LEVEL": "INFO"}
    proc: subprocess.Popen = start(["serve", "--port", str(port), "--no-migrate"], env, folder / f"serve-{size}.log")
    try:
        wait(lambda: healthy(base), 60, "the hub")
        token = clinic_token(engine, base)
        with session_scope(engine, write=False) as session:
            case_ids = list(session.scalars(select(Case.id).where(Case.id != big).order_by(Case.id).limit(2000)))
        shown = len(httpx.get(f"{base}/api/v1/cases/{big}", headers={"Authorization": f"Bearer {token}"}, timeout=60).json()["entries"])
        print(f"  the 300-entry case shows the clinic {shown} entries (what its consent and sector let it see)", flush=True)
        rng = random.Random(1)
        picks = [rng.randrange(size) for _ in range(args.reads)]
        with httpx.Client(base_url=base, timeout=600) as client:
            timed(client, token, [f"/api/v1/cases/{case_ids[0]}", f"/api/v1/cases/{big}"])  # warm-up
            return {
                "case read": stats(timed(client, token, [f"/api/v1/cases/{rng.choice(case_ids)}" for _ in range(args.reads)])),
                "300-entry case": stats(timed(client, token, [f"/api/v1/cases/{big}"] * (args.reads // 2))),
                "handover pull": stats(timed(client, token, [
                    f"/api/v1/handover?identifier={CHILD_SYSTEM}%7Cbench-{n}&format=fhir-r4" for n in picks])),
                "case list (50)": stats(timed(client, token, ["/api/v1/cases?limit=50"] * (args.reads // 2))),
            }
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        engine.dispose()


def stats(values: list[float]) -> tuple[float, float]:
    return p(values, 50), p(values, 95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of cases")
    parser.add_argument("--entries", type=int, default=25)
    parser.add_argument("--reads", type=int, default=60, help="timed reads of each kind (the 300-entry case and the list: half)")
    parser.add_argument("--postgres", help="URL of a PostgreSQL server's admin database (default: SQLite files)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="stafett-case-read-"))
    print(f"backend: {'PostgreSQL' if args.postgres else 'SQLite'}; {args.entries} entries per case; {args.reads} reads each")
    results = {}
    for size in sizes:
        results[size] = measure(size, args, folder)
    base = results[sizes[0]]
    print(f"\n{'read':<18}" + "".join(f"{f'{s:,} cases p50/p95 ms':>28}" for s in sizes) + f"{'p95 ratio':>12}")
    for name in base:
        row = "".join(f"{f'{results[s][name][0]:.1f} / {results[s][name][1]:.1f}':>28}" for s in sizes)
        print(f"{name:<18}{row}{results[sizes[-1]][name][1] / base[name][1]:>12.2f}")


if __name__ == "__main__":
    main()
