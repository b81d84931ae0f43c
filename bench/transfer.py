"""Benchmark: N cases of about 50 entries each move from hub A (1106) to hub B (1146), two real hub processes and
two workers on loopback, each hub on its own SQLite file (or PostgreSQL with --postgres URL-of-an-admin-db).

Run: python -m bench.transfer --cases 10000   (prints cases/s per phase and end to end, total time, bytes per
case, and checks that nothing was lost: every case accepted once, entries and checksums equal on both sides).
The baseline, measured in the same run, is seeding A (direct ORM inserts of the same cases). Phases: seed A,
`stafett transfer bulk` (package, sign, encrypt, outbox), delivery by worker A, acceptance at B over its API
(4 clients), receipts back to A by worker B.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy import create_engine, func, select, text

from hub.auth import clients
from hub.canonical.vocab import Category, EntryKind, Sector
from hub.cases.models import Case, CoordinatorAssignment, Entry, Participant
from hub.children.models import Child, ChildIdentifier, Guardian
from hub.consent.models import Consent
from hub.db.engine import make_engine, normalise_url, session_scope
from hub.db.migrate import upgrade
from hub.organizations.models import Organization
from hub.peers import service as peers
from hub.transfer.models import Transfer
from hub.transfer.package import case_checksum

ROOT = Path(__file__).resolve().parents[1]
CHILD_SYSTEM = "urn:bench:child"
CATEGORIES = [Category.health, Category.education, Category.early_childhood, Category.child_welfare, Category.social]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(predicate, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(interval)
    return value


def env_for(url: str, public: str, kommune: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({
        "HUB_DATABASE_URL": url, "HUB_PUBLIC_URL": public, "HUB_MUNICIPALITY": kommune, "HUB_LOG_LEVEL": "WARNING",
        "HUB_WORKER_POLL_SECONDS": "0.5", "HUB_OUTBOX_BATCH_SIZE": "50", "HUB_OUTBOX_BACKOFF_SECONDS": "0.5",
        "HUB_OUTBOX_HTTP_TIMEOUT_SECONDS": "60", "HUB_TRANSFER_HTTP_TIMEOUT_SECONDS": "60",
    })
    if not url.startswith("sqlite"):  # a PostgreSQL hub has no default secrets folder (hub.keys.secrets)
        env["HUB_SECRETS_DIR"] = str(Path(tempfile.gettempdir()) / f"stafett-bench-secrets-{kommune}")
    return env


def databases(args, folder: Path) -> tuple[str, str]:
    if not args.postgres:
        return f"sqlite:///{folder / 'bench-a.db'}", f"sqlite:///{folder / 'bench-b.db'}"
    admin = create_engine(normalise_url(args.postgres), isolation_level="AUTOCOMMIT")
    urls = []
    for side in ("a", "b"):
        name = f"stafett_bench_{side}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        urls.append(normalise_url(args.postgres).rsplit("/", 1)[0] + "/" + name)
    admin.dispose()
    return urls[0], urls[1]


def seed(engine, cases: int, entries: int, rng: random.Random) -> None:
    """Cases in 1106 with ~`entries` entries each (every fifth entry corrected once), a guardian and a consent."""
    with session_scope(engine) as session:
        orgs = [Organization(name=f"Haugesund {s.value}", sector=s, kommunenummer="1106", orgnr=None) for s in
                (Sector.health, Sector.school, Sector.kindergarten, Sector.child_welfare, Sector.nav)]
        session.add_all(orgs)
        session.flush()
        org_ids = [o.id for o in orgs]
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for start in range(0, cases, 200):
        with session_scope(engine) as session:
            for n in range(start, min(cases, start + 200)):
                child = Child(names=[{"given": ["Barn"], "family": f"Nummer{n}"}], birth_date=(base - timedelta(days=2000 + n % 3000)).date(),
                              identifiers=[ChildIdentifier(system=CHILD_SYSTEM, value=f"bench-{n}")], kommunenummer="1106")
                child.guardians.append(Guardian(names=[{"given": ["Forelder"], "family": f"Nummer{n}"}], parental_responsibility="felles", may_see_log=True))
                session.add(child)
                session.flush()
                session.add(Consent(child_id=child.id, given_by="guardian", guardian_id=child.guardians[0].id, sectors=["health"], purpose="transfer"))
                case = Case(child_id=child.id, municipality="1106", bti_level=rng.randint(0, 3))
                case.participants = [Participant(organization_id=o, role="member") for o in org_ids]
                case.coordinators = [CoordinatorAssignment(person_name="Koordinator", organization_id=org_ids[0], status="accepted",
                                                           proposed_at=base, decided_at=base, started_at=base)]
                session.add(case)
                session.flush()
                for e in range(entries):
                    lineage = uuid.uuid4()
                    author = org_ids[e % len(org_ids)]
                    first = Entry(id=uuid.uuid4(), case_id=case.id, lineage_id=lineage, version=1, kind=EntryKind.note,
                                  category=CATEGORIES[e % len(CATEGORIES)], author_organization_id=author,
                                  occurred_at=base + timedelta(days=e), text=f"notat {e} " + "x" * rng.randint(100, 600),
                                  codes=[{"system": "urn:bench", "code": str(e)}], payload={"n": e},
                                  source_system=f"{author}|bench", source_format="api")
                    session.add(first)
                    if e % 5 == 0:
                        session.flush()
                        session.add(Entry(id=uuid.uuid4(), case_id=case.id, lineage_id=lineage, version=2, previous_id=first.id,
                                          kind=first.kind, category=first.category, author_organization_id=author,
                                          occurred_at=first.occurred_at, text=first.text + " (rettet)", codes=first.codes,
                                          payload=first.payload, correction_reason="rettet", source_system=first.source_system,
                                          source_format="api"))


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hub.cli.main", *cmd], cwd=ROOT, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT)


def healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


class Tokens:
    """A client of hub B with the `transfer` scope; access tokens live 300 s, so a fresh one is fetched every 200 s."""

    def __init__(self, engine, base_url: str):
        self.base_url = base_url
        self.key = ECKey.generate_key("P-256", parameters={"kid": "bench", "alg": "ES256", "use": "sig"}, private=True)
        with session_scope(engine) as session:
            org = Organization(name="Tysvær barnekoordinator", sector=Sector.municipality, kommunenummer="1146")
            session.add(org)
            session.flush()
            self.client_id = clients.register_client(session, organization=org, scopes=["transfer"], jwks={"keys": [self.key.as_dict(private=False)]}).client_id
        self.token, self.fetched = "", 0.0

    def current(self) -> str:
        if time.monotonic() - self.fetched > 200:
            now = int(time.time())
            claims = {"iss": self.client_id, "sub": self.client_id, "aud": self.base_url + "/oauth/token", "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}
            form = {"grant_type": "client_credentials", "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion": jwt.encode({"alg": "ES256", "kid": "bench"}, claims, self.key), "scope": "transfer"}
            answer = httpx.post(self.base_url + "/oauth/token", data=form, timeout=120)
            self.token, self.fetched = answer.json()["access_token"], time.monotonic()
        return self.token


def count(engine, query) -> int:
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server (default: SQLite files)")
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="stafett-bench-"))
    url_a, url_b = databases(args, folder)
    for url in (url_a, url_b):
        upgrade(url)
    engine_a, engine_b = make_engine(url_a), make_engine(url_b)
    port_a, port_b = free_port(), free_port()
    hub_a, hub_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    env_a, env_b = env_for(url_a, hub_a, "1106"), env_for(url_b, hub_b, "1146")
    procs: list[subprocess.Popen] = []
    timings: dict[str, float] = {}
    try:
        t = time.perf_counter()
        seed(engine_a, args.cases, args.entries, random.Random(7))
        timings["seed A (not counted)"] = time.perf_counter() - t
        entries_a = count(engine_a, select(func.count()).select_from(Entry))
        procs += [start(["serve", "--port", str(port_a), "--no-migrate"], env_a, folder / "a.log"),
                  start(["serve", "--port", str(port_b), "--no-migrate"], env_b, folder / "b.log")]
        wait(lambda: healthy(hub_a) and healthy(hub_b), 60, "both hubs")
        with session_scope(engine_a) as session:
            peers.add_peer(session, municipalities=["1146"], base_url=hub_b)
        with session_scope(engine_b) as session:
            peers.add_peer(session, municipalities=["1106"], base_url=hub_a)
        tokens = Tokens(engine_b, hub_b)

        begin = time.perf_counter()
        subprocess.run([sys.executable, "-m", "hub.cli.main", "transfer", "bulk", "--to", "1146", "--from", "1106", "--chunk", "50"],
                       cwd=ROOT, env=env_a, check=True, stdout=subprocess.DEVNULL)
        timings["package+seal+outbox (bulk CLI)"] = time.perf_counter() - begin
        t = time.perf_counter()
        procs += [start(["worker"], env_a, folder / "wa.log"), start(["worker"], env_b, folder / "wb.log")]
        incoming = select(func.count()).select_from(Transfer).where(Transfer.direction == "incoming")
        wait(lambda: count(engine_b, incoming) == args.cases, 3600, "every package at B")
        timings["delivery A->B (worker)"] = time.perf_counter() - t

        t = time.perf_counter()
        with session_scope(engine_b, write=False) as session:
            ids = [str(i) for i in session.scalars(select(Transfer.id).where(Transfer.direction == "incoming", Transfer.status == "pending"))]
        http = httpx.Client(base_url=hub_b, timeout=900)
        latencies: list[float] = []

        def accept(transfer_id: str) -> int:
            headers = {"Authorization": f"Bearer {tokens.current()}"}
            started = time.perf_counter()
            status = http.post(f"/api/v1/transfers/{transfer_id}/accept", json={}, headers=headers).status_code
            latencies.append(time.perf_counter() - started)
            return status

        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(accept, ids))
        if codes.count(200) != args.cases:
            raise SystemExit(f"accept answers: {sorted(set(codes))}")
        timings["acceptance at B (import)"] = time.perf_counter() - t
        t = time.perf_counter()
        accepted_a = select(func.count()).select_from(Transfer).where(Transfer.direction == "outgoing", Transfer.status == "accepted")
        wait(lambda: count(engine_a, accepted_a) == args.cases, 3600, "every receipt at A")
        timings["receipts B->A (worker)"] = time.perf_counter() - t
        total = time.perf_counter() - begin

        # Nothing lost: every case moved once, every entry version arrived, checksums equal on a sample.
        moved = count(engine_a, select(func.count()).select_from(Case).where(Case.status == "transferred_out"))
        received = count(engine_b, select(func.count()).select_from(Case).where(Case.received_from.is_not(None)))
        entries_b = count(engine_b, select(func.count()).select_from(Entry))
        children_b = count(engine_b, select(func.count()).select_from(Child))
        size = count(engine_a, select(func.avg(Transfer.package_size)).where(Transfer.direction == "outgoing"))
        with session_scope(engine_a, write=False) as sa, session_scope(engine_b, write=False) as sb:
            sample = random.Random(3).sample(list(sa.scalars(select(Transfer).where(Transfer.direction == "outgoing"))), min(50, args.cases))
            mismatched = 0
            for row in sample:
                remote = sb.get(Case, uuid.UUID(row.remote_case.rsplit("/", 1)[1]))
                mismatched += case_checksum(sa, case=sa.get(Case, row.case_id)) != case_checksum(sb, case=remote)
        print(f"cases: {args.cases}  entries per case: ~{args.entries} (+{args.entries // 5} corrections)  backend: {'postgresql' if args.postgres else 'sqlite'}  cores: {os.cpu_count()}")
        for phase, seconds in timings.items():
            per = f"{args.cases / seconds:8.1f} cases/s" if "seed" not in phase else ""
            print(f"  {phase:34s} {seconds:8.1f} s {per}")
        print(f"  end to end (bulk .. last receipt)  {total:8.1f} s {args.cases / total:8.1f} cases/s")
        baseline = timings["seed A (not counted)"]
        print(f"  baseline: writing the same cases once into A's database directly: {args.cases / baseline:8.1f} cases/s; "
              f"end to end takes {total / baseline:.2f}x that time")
        print(f"  bytes per case (sealed package):   {int(size):,}")
        latencies.sort()
        print(f"  accept latency at B: median {latencies[len(latencies) // 2]:.2f} s, p99 "
              f"{latencies[int(len(latencies) * 0.99)]:.2f} s, max {latencies[-1]:.2f} s")
        print(f"  check: transferred_out {moved}/{args.cases}, received {received}/{args.cases}, children at B {children_b}, "
              f"entry rows A {entries_a} / B {entries_b}, checksum mismatches in a sample of {len(sample)}: {mismatched}")
        lost = moved != args.cases or received != args.cases or entries_b != entries_a or children_b != args.cases or mismatched
        print("  RESULT:", "LOST OR DOUBLED SOMETHING" if lost else "nothing lost, nothing doubled")
        if lost:
            raise SystemExit(1)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        engine_a.dispose()
        engine_b.dispose()
        if not args.keep and not args.postgres:
            shutil.rmtree(folder)  # the databases and the SQLite hubs' generated secrets folders
        elif args.keep:
            print(f"  kept: {folder}")


if __name__ == "__main__":
    main()
