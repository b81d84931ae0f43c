"""Benchmark: the hub's hot reads at a municipality's and a country's size. For the baseline (default 1,000 cases) and
for --cases (default 10,000; the issue's acceptance is 100,000), a fresh database is made by `stafett db upgrade`,
filled with a synthetic municipality (bench.municipality: ~25 entries a case, every fifth corrected, goals, measures,
evaluations, consents, guardians; one case of 300 entries) through the ingest pipeline's writer, analysed
(`stafett db analyze`), and served by `stafett serve`.

Run: python -m bench.scale --cases 100000 [--baseline 1000] [--backend sqlite|postgres] [--reads 100]
Prints p50/p95 in ms of: the 300-entry case read, a typical case read, the school's handover pull, FHIR `$everything`
of the 300-entry case, FHIR `Patient?identifier`, the guardian's view (/api/v1/me/children and the case), and an ingest
of a 100-entry FHIR bundle into the full store; each beside the baseline's figure and the p95 ratio, then the
acceptance targets (issue 18) met or not, and the seeding rate.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from bench import municipality
from bench.copy_store import copy_store
from bench.ingest_fhir import make_bundle
from bench.municipality import BIG, CHILD_SYSTEM, child_fnr, guardian_fnr, populate
from bench.transfer import ROOT, env_for, free_port, healthy, start, wait
from hub.auth import clients
from hub.canonical.vocab import FNR_SYSTEM, Sector
from hub.cases.models import Case
from hub.children import service as children_service
from hub.children.models import Child, ChildIdentifier, Guardian
from hub.db.engine import make_engine, normalise_url, session_scope
from hub.organizations.models import Organization

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
OIDC_ISSUER, OIDC_AUDIENCE = "https://idporten.bench.invalid", "stafett-bench"
# (name, p95 target in ms) of the issue's acceptance; each also within 1.5x of its baseline figure
TARGETS = {"300-entry case read": 50, "case read": 50, "handover pull": 50, "Patient?identifier": 50, "$everything (300)": 100}


def database(args, folder: Path, size: int) -> tuple[str, bool]:
    """The database of `size` cases, and whether it is one a run with --keep filled before (reused with --reuse)."""
    if args.backend == "sqlite":
        url = f"sqlite:///{folder / f'scale-{size}.db'}"
        return url, args.reuse and (folder / f"scale-{size}.db").exists() and filled(url, size)
    admin = create_engine(normalise_url(args.postgres), isolation_level="AUTOCOMMIT")
    name = f"stafett_bench_scale_{size}"
    url = normalise_url(args.postgres).rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is not None
        if args.reuse and exists and filled(url, size):
            admin.dispose()
            return url, True
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url, False


def filled(url: str, size: int) -> bool:
    """Whether the database holds the whole synthetic municipality of `size` cases (a run that ended seeding it)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            bench_children = conn.execute(select(func.count()).select_from(ChildIdentifier).where(
                ChildIdentifier.system == CHILD_SYSTEM)).scalar_one()
            mother = conn.execute(select(func.count()).select_from(Guardian).where(Guardian.may_see_log.is_(True))).scalar_one()
        return bench_children >= size + 1 and mother == 1  # (a store stopped past a batch boundary holds a few more)
    except SQLAlchemyError:  # not migrated, or not a hub's database
        return False
    finally:
        engine.dispose()


def cli(env: dict[str, str], *command: str) -> None:
    subprocess.run([sys.executable, "-m", "hub.cli.main", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def system_token(engine, http, base_url: str, sector: Sector, scopes: list[str]) -> str:
    """An access token of the seed's organisation of `sector` (a participant in every case), asked of `http` (httpx or a
    TestClient)."""
    key = ECKey.generate_key("P-256", parameters={"kid": "bench", "alg": "ES256", "use": "sig"}, private=True)
    with session_scope(engine) as session:
        org = session.scalar(select(Organization).where(Organization.sector == sector))
        client_id = clients.register_client(session, organization=org, scopes=scopes, jwks={"keys": [key.as_dict(private=False)]}).client_id
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": base_url + "/oauth/token", "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}
    form = {"grant_type": "client_credentials", "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": jwt.encode({"alg": "ES256", "kid": "bench"}, claims, key), "scope": " ".join(scopes)}
    return http.post(base_url + "/oauth/token", data=form, timeout=60).raise_for_status().json()["access_token"]


class Person:
    """ID tokens of a guardian from the bench's own OpenID Connect issuer (its JWKS file given to the served hub)."""

    def __init__(self, folder: Path):
        self.key = ECKey.generate_key("P-256", parameters={"kid": "bench-idporten", "alg": "ES256", "use": "sig"}, private=True)
        self.jwks = folder / "oidc-jwks.json"
        self.jwks.write_text(json.dumps(KeySet([self.key]).as_dict(private=False)))

    def token(self, pid: str) -> str:
        now = int(time.time())
        claims = {"iss": OIDC_ISSUER, "aud": OIDC_AUDIENCE, "sub": f"bench-{pid}", "pid": pid, "iat": now, "exp": now + 300,
                  "jti": uuid.uuid4().hex}
        return jwt.encode({"alg": "ES256", "kid": self.key.kid}, claims, self.key)


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def timed(client: httpx.Client, calls: list[tuple[str, str, dict]]) -> tuple[float, float]:
    """p50 and p95 in ms of the calls (method, url, httpx keyword arguments), each answered 200."""
    spent = []
    for method, url, kwargs in calls:
        started = time.perf_counter()
        answer = client.request(method, url, **kwargs)
        spent.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"{method} {url}: {answer.status_code} {answer.text[:300]}")
    return p(spent, 50), p(spent, 95)


def fill(url: str, env: dict[str, str], size: int, args) -> float:
    """Seconds to make, fill and analyse the database; the big case's mother may see its log. With --copy-from, the
    rows of a SQLite store an earlier run filled and kept are copied instead (bench.copy_store)."""
    cli(env, "db", "upgrade", "--database", url)
    if args.copy_from:
        started = time.perf_counter()
        copy_store(str(args.copy_from / f"scale-{size}.db"), url)
        cli(env, "db", "analyze", "--database", url)
        return time.perf_counter() - started
    engine = make_engine(url)
    started = time.perf_counter()

    def progress(done: int, seconds: float) -> None:
        if done % 10_000 < args.chunk or done == size + 1:
            print(f"    {done:>7,} cases  {seconds:6.0f} s  {done / seconds:6.1f} cases/s", flush=True)

    populate(url, size, entries=args.entries, every=args.every, chunk=args.chunk, workers=args.workers, progress=progress)
    seeded = time.perf_counter() - started
    with session_scope(engine) as session:
        mother = session.scalar(select(Guardian).join(Child).join(ChildIdentifier).where(
            ChildIdentifier.system == CHILD_SYSTEM, ChildIdentifier.value == f"bench-{BIG}", Guardian.relation == "mother"))
        children_service.decide_log_access(session, guardian=mother, granted=True, by="bench coordinator")
    engine.dispose()
    cli(env, "db", "analyze", "--database", url)  # what an operator runs after a bulk load
    return seeded


def measure(size: int, args, folder: Path, person: Person) -> tuple[dict[str, tuple[float, float]], float | None]:
    print(f"  {size:,} cases:", flush=True)
    url, reused = database(args, folder, size)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = env_for(url, base, "1106") | {"HUB_LOG_LEVEL": "WARNING", "HUB_OIDC_ISSUER": OIDC_ISSUER,
                                        "HUB_OIDC_AUDIENCE": OIDC_AUDIENCE, "HUB_OIDC_JWKS_FILE": str(person.jwks)}
    seeded = None if reused else fill(url, env, size, args)
    proc = start(["serve", "--port", str(port), "--no-migrate"], env, folder / f"serve-{size}.log")
    engine = make_engine(url)
    try:
        wait(lambda: healthy(base), 120, "the hub")
        school = {"Authorization": f"Bearer {system_token(engine, httpx, base, Sector.school, ['case.read', 'handover.read'])}"}
        health = {"Authorization": f"Bearer {system_token(engine, httpx, base, Sector.health, ['case.read', 'ingest'])}"}
        with session_scope(engine, write=False) as session:
            big_case, big_child = municipality.big_case(session)
            cases = list(session.scalars(select(Case.id).join(ChildIdentifier, ChildIdentifier.child_id == Case.child_id).where(
                ChildIdentifier.system == CHILD_SYSTEM, Case.id != big_case).order_by(Case.id).limit(5000)))  # (not the ingests')
        rng = random.Random(1)
        n = args.reads
        mother = guardian_fnr(-1, 0)

        def me(url: str) -> tuple[str, str, dict]:
            return "GET", url, {"headers": {"Authorization": f"Bearer {person.token(mother)}"}}

        bundles = [make_bundle(100, seed=int(time.time()) * 100 + k) for k in range(args.ingests)]  # new children each run
        fhir = {"Content-Type": "application/fhir+json"}
        with httpx.Client(base_url=base, timeout=600) as client:
            timed(client, [("GET", f"/api/v1/cases/{big_case}", {"headers": school}), me("/api/v1/me/children"),
                           ("GET", f"/fhir/Patient/{big_child}/$everything", {"headers": health})])  # warm-up
            shown = len(client.get(f"/api/v1/cases/{big_case}", headers=school).json()["entries"])
            everything = len(client.get(f"/fhir/Patient/{big_child}/$everything", headers=health).json()["entry"])
            print(f"    the big case shows {shown} entries to the school; $everything holds {everything} resources", flush=True)
            results = {
                "300-entry case read": timed(client, [("GET", f"/api/v1/cases/{big_case}", {"headers": school})] * n),
                "case read": timed(client, [("GET", f"/api/v1/cases/{rng.choice(cases)}", {"headers": school}) for _ in range(n)]),
                "handover pull": timed(client, [("GET", "/api/v1/handover", {"headers": school, "params": {
                    "identifier": f"{CHILD_SYSTEM}|bench-{rng.randrange(size)}", "format": "fhir-r4"}}) for _ in range(n)]),
                "$everything (300)": timed(client, [("GET", f"/fhir/Patient/{big_child}/$everything", {"headers": health})] * n),
                "Patient?identifier": timed(client, [("GET", "/fhir/Patient", {"headers": health, "params": {
                    "identifier": f"{FNR_SYSTEM}|{child_fnr(rng.randrange(size))}"}}) for _ in range(n)]),
                "guardian: my children": timed(client, [me("/api/v1/me/children")] * n),
                "guardian: the case (300)": timed(client, [me(f"/api/v1/me/cases/{big_case}")] * n),
                "ingest 100-entry bundle": timed(client, [("POST", "/api/v1/ingest/fhir-r4", {
                    "headers": health | fhir, "content": bundle}) for bundle in bundles]),
            }
        return results, seeded
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        engine.dispose()
        if args.backend == "sqlite" and not (args.keep or args.reuse):
            for leftover in folder.glob(f"scale-{size}.db*"):
                leftover.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases of the measured store")
    parser.add_argument("--baseline", type=int, default=1_000, help="cases of the baseline store, measured in the same run")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="URL of a PostgreSQL server's admin database")
    parser.add_argument("--entries", type=int, default=25, help="entries of a typical case (±5)")
    parser.add_argument("--every", type=int, default=5, help="every n-th entry is corrected once")
    parser.add_argument("--chunk", type=int, default=500, help="cases in one canonical batch of the bulk load")
    parser.add_argument("--reads", type=int, default=100, help="timed calls of each read")
    parser.add_argument("--ingests", type=int, default=20, help="timed 100-entry bundle ingests")
    parser.add_argument("--workers", type=int, default=1, help="processes writing the bulk load (PostgreSQL only)")
    parser.add_argument("--folder", type=Path, help="where the SQLite files and the hub's logs go (default: a fresh temporary folder); "
                        "a store an earlier run left there is grown (bench.municipality resumes), not made again")
    parser.add_argument("--keep", action="store_true", help="keep the databases and the hub's logs")
    parser.add_argument("--reuse", action="store_true", help="measure a database a run with --keep (and the same --folder) filled")
    parser.add_argument("--copy-from", type=Path, help="(postgres) copy the stores a SQLite run kept in this --folder instead of seeding")
    args = parser.parse_args()
    if args.backend == "sqlite" and args.workers != 1:
        parser.error("SQLite has one writer at a time: --workers is for PostgreSQL")
    if args.reuse and args.backend == "sqlite" and not args.folder:
        parser.error("--reuse needs the --folder of the run that kept the SQLite files")
    if args.copy_from and args.backend != "postgres":
        parser.error("--copy-from fills a PostgreSQL database from kept SQLite files")
    args.keep = args.keep or args.reuse
    folder = args.folder or Path(tempfile.mkdtemp(prefix="stafett-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    person = Person(folder)
    print(f"backend: {args.backend}; ~{args.entries} entries a case (every {args.every}th corrected) + one case of 300; "
          f"{args.reads} calls of each read; cores: {os.cpu_count()}; load: {os.getloadavg()[0]:.2f}", flush=True)
    sizes = [args.baseline, args.cases]
    results, seeded = {}, {}
    try:
        for size in sizes:
            results[size], seeded[size] = measure(size, args, folder, person)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept: {folder}" + (" (and the PostgreSQL databases stafett_bench_scale_*)" if args.backend == "postgres" else ""))
    base, big = results[args.baseline], results[args.cases]
    head = f"{'p50 / p95 ms':<26}" + "".join(f"{f'{s:,} cases':>22}" for s in sizes) + f"{'p95 ratio':>11}  target"
    print("\n" + head)
    failed = []
    for name in base:
        ratio = big[name][1] / base[name][1]
        verdict = ""
        if name in TARGETS:
            ok = big[name][1] <= TARGETS[name] and ratio <= 1.5
            verdict = f"p95 <= {TARGETS[name]} ms, <= 1.5x: {'met' if ok else 'NOT MET'}"
            failed += [] if ok else [name]
        print(f"{name:<26}" + "".join(f"{f'{results[s][name][0]:.1f} / {results[s][name][1]:.1f}':>22}" for s in sizes)
              + f"{ratio:>11.2f}  {verdict}")
    for size in sizes:
        if seeded[size] is None:
            print(f"{size:,} cases: the database of an earlier run (--reuse)")
        else:
            how = "copied the SQLite store's rows" if args.copy_from else "seeded"
            print(f"{how} {size:,} cases in {seeded[size]:.0f} s ({(size + 1) / seeded[size]:.1f} cases/s)")
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("RESULT:", "every target met" if not failed else "targets not met: " + ", ".join(failed))


if __name__ == "__main__":
    main()
