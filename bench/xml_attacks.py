"""Benchmark: how fast the ingest API refuses every file of the defusedxml attack corpus, per XML format, against a
baseline measured in the same run (the same API accepting a real, valid document of that format); prints figures.
"""

# Run: python -m bench.xml_attacks   (needs ../shared/data or HUB_SHARED_DATA). Target: every refusal well under 1 s.
# Each figure is the best of RUNS pushes; every attack must be a 4xx problem+json, every baseline a 200.

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import ECKey

from tests.shared_data import shared_data_dir

RUNS = 3
ROOT = Path(__file__).resolve().parents[1]


def baselines(shared: Path) -> dict[str, Path]:
    """A valid document per XML format, as its real senders produce it."""
    return {
        "sif-au": ROOT / "tests/handover/fixtures/sif-student-amina.xml",
        "kindergarten-v1": ROOT / "schemas/examples/kindergarten-v1-example.xml",
        "ssb-barnevern": shared / "ssb-barnevern/examples/test01_file01_total.xml",
        "uk-cin": shared / "uk-childrens-social-care/cin_census/samples/cin-2022.xml",
    }


class Hub:
    """One in-process hub on a fresh SQLite file with one registered sender (scope ingest) and its token."""

    def __init__(self, template: Path, folder: Path):
        from hub.api.app import create_app
        from hub.auth import clients
        from hub.canonical.vocab import Sector
        from hub.core.settings import Settings
        from hub.db.engine import session_scope
        from hub.organizations.models import Organization

        db = folder / f"hub-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template, db)
        self.app = create_app(Settings(database_url=f"sqlite:///{db}", municipality="1106"))
        self.client = TestClient(self.app)
        self.client.__enter__()
        key = ECKey.generate_key("P-256", parameters={"kid": "bench", "alg": "ES256", "use": "sig"}, private=True)
        with session_scope(self.app.state.engine) as session:
            org = Organization(name="Bench sender", sector=Sector.child_welfare, kommunenummer="1106")
            session.add(org)
            session.flush()
            client_id = clients.register_client(session, organization=org, scopes=["ingest"],
                                                jwks={"keys": [key.as_dict(private=False)]}).client_id
        audience = str(self.client.base_url).rstrip("/") + "/oauth/token"
        now = int(time.time())
        assertion = jwt.encode({"alg": "ES256", "kid": key.kid}, {"iss": client_id, "sub": client_id, "aud": audience,
                                                                   "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}, key)
        answer = self.client.post("/oauth/token", data={
            "grant_type": "client_credentials", "scope": "ingest", "client_assertion": assertion,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"})
        answer.raise_for_status()
        self.token = answer.json()["access_token"]

    def push(self, format_id: str, payload: bytes) -> tuple[int, float]:
        start = time.perf_counter()
        response = self.client.post(f"/api/v1/ingest/{format_id}", content=payload, headers={
            "content-type": "application/xml", "authorization": f"Bearer {self.token}"})
        return response.status_code, time.perf_counter() - start

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.app.state.engine.dispose()


def best_refusal(hub: Hub, format_id: str, payload: bytes, name: str) -> float:
    times = []
    for _ in range(RUNS):
        status, seconds = hub.push(format_id, payload)
        if not 400 <= status < 500:
            raise SystemExit(f"{format_id}: {name} answered {status}, not a 4xx")
        times.append(seconds)
    return min(times)


def best_acceptance(template: Path, folder: Path, format_id: str, payload: bytes) -> float:
    times = []
    for _ in range(RUNS):
        hub = Hub(template, folder)  # a fresh database each run: the document is new every time
        status, seconds = hub.push(format_id, payload)
        hub.close()
        if status != 200:
            raise SystemExit(f"{format_id}: the baseline document answered {status}")
        times.append(seconds)
    return min(times)


def main() -> None:
    from hub.db.engine import make_engine, session_scope
    from hub.db.migrate import upgrade
    from hub.keys.service import ensure_keys

    shared = shared_data_dir()
    if shared is None:
        raise SystemExit("../shared/data (or HUB_SHARED_DATA) is needed for the attack corpus")
    corpus = sorted(p for p in (shared / "attacks/xml-defusedxml").iterdir() if p.name not in ("LICENSE", "SOURCE.txt"))
    folder = Path(tempfile.mkdtemp(prefix="stafett-bench-xml-"))
    try:
        template = folder / "template.db"
        upgrade(f"sqlite:///{template}")
        engine = make_engine(f"sqlite:///{template}")
        with session_scope(engine) as session:
            ensure_keys(session)
        engine.dispose()
        worst_overall = 0.0
        print(f"{'format':<16} {'baseline s':>10} | {'worst attack':<20} {'s':>7} {'ratio':>6} | {'median s':>8}")
        for format_id, valid in baselines(shared).items():
            baseline = best_acceptance(template, folder, format_id, valid.read_bytes())
            hub = Hub(template, folder)
            refusals = {p.name: best_refusal(hub, format_id, p.read_bytes(), p.name) for p in corpus}
            hub.close()
            worst = max(refusals, key=refusals.get)
            median = sorted(refusals.values())[len(refusals) // 2]
            worst_overall = max(worst_overall, refusals[worst])
            print(f"{format_id:<16} {baseline:>10.4f} | {worst:<20} {refusals[worst]:>7.4f} "
                  f"{refusals[worst] / baseline:>6.2f} | {median:>8.4f}")
        print(f"{len(corpus)} attack files x {len(baselines(shared))} formats refused; slowest refusal "
              f"{worst_overall:.4f} s (target: well under 1 s); ratio = slowest refusal / accepting the valid document")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
