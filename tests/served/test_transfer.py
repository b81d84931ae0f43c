"""A case with years of health records moves between two served hubs and their workers: peers registered with
`stafett peers add`, a package of more than a megabyte signed, encrypted, delivered, accepted at the destination and
acknowledged back, with every entry arriving.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from hub.cases.models import Entry
from hub.db.engine import make_engine
from hub.demo.load import valid_orgnr
from tests.served.conftest import ServedHub, make_served_hub
from tests.shared_data import require_shared
from tests.transfer.scenario import fnr

SYNTHEA = ("Kizzie_Bode_794eb821-4e5d-44c0-a665-eb11851057fd.json", "Enda_Schaefer_dd760206-6c4e-4e25-a799-f5c563e489a1.json")
FNR = "urn:oid:2.16.578.1.12.4.1.4.1"


def _as_one_child(path, national_id: str) -> bytes:
    """A Synthea bundle whose Patient is the one Norwegian child of this test (own variation, in memory)."""
    bundle = json.loads(path.read_text())
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Patient":
            resource["identifier"] = [{"system": FNR, "value": national_id}]
            resource["name"] = [{"use": "official", "family": "Bode", "given": ["Kizzie"]}]
            resource["birthDate"] = "2012-03-14"
    return json.dumps(bundle).encode()


def _entries(hub: ServedHub, case_id: str) -> list[tuple]:
    """Every entry version of the case in the hub's store: version, text and the raw payload it came from (the
    destination gives entries its own ids)."""
    engine = make_engine(hub.db.url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Entry.version, Entry.text, Entry.raw_checksum)
                                .where(Entry.case_id == uuid.UUID(case_id))).all()
    finally:
        engine.dispose()
    return sorted((version, text or "", raw or "") for version, text, raw in rows)


def _wait(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        time.sleep(0.2)
    return value


@pytest.fixture(scope="module")
def hubs(tmp_path_factory, oidc_jwks_file, oidc_key) -> Iterator[tuple[ServedHub, ServedHub]]:
    folder = tmp_path_factory.mktemp("served-transfer")
    a = make_served_hub("haugesund", "1106", folder, oidc_jwks_file, oidc_key)
    b = make_served_hub("tysvaer", "1146", folder, oidc_jwks_file, oidc_key)
    started = []
    try:
        for hub in (a, b):
            hub.start(with_worker=True)
            started.append(hub)
        a.cli("peers", "add", "--municipality", "1146", "--url", b.url)
        b.cli("peers", "add", "--municipality", "1106", "--url", a.url)
        yield a, b
    finally:
        for hub in started:
            hub.stop()
        a.db.drop()
        b.db.drop()


def test_a_case_with_a_large_health_history_moves_between_served_hubs(hubs):
    a, b = hubs
    clinic = a.add_system("Haugesund helsestasjon", "health", valid_orgnr(93000001), "ingest case.read case.write transfer")
    coordinator = b.add_system("Tysvær kommune, barnekoordinator", "municipality", valid_orgnr(93000101), "case.read transfer", kommune="1146")
    national_id = fnr(day=14, month=3, year=2012)
    cases = set()
    for name in SYNTHEA:
        pushed = clinic.post("/api/v1/ingest/fhir-r4", content=_as_one_child(require_shared("synthea-r4", name), national_id),
                             headers={"content-type": "application/fhir+json"})
        assert pushed.status_code == 200, pushed.text
        cases |= set(pushed.json()["cases"])
    (case_id,) = cases
    case = clinic.get(f"/api/v1/cases/{case_id}").json()
    guardian = clinic.post(f"/api/v1/children/{case['child_id']}/guardians",
                           json={"relation": "mother", "parental_responsibility": "felles", "may_see_log": True})
    assert guardian.status_code == 201, guardian.text
    consent = clinic.post(f"/api/v1/children/{case['child_id']}/consents", json={
        "given_by": "guardian", "guardian_id": guardian.json()["id"], "sectors": ["health", "municipality"], "purpose": "transfer"})
    assert consent.status_code == 201, consent.text

    started = clinic.post("/api/v1/transfers", json={"case_id": case_id, "destination_municipality": "1146", "reason": "familien flytter"})
    assert started.status_code == 201, started.text
    transfer = started.json()
    assert transfer["package_size"] > 1_000_000, transfer["package_size"]

    def pending():
        rows = coordinator.get("/api/v1/transfers", params={"direction": "incoming", "status": "pending"}).json()
        return next((r for r in rows if r["transfer_id"] == transfer["transfer_id"]), None)

    row = _wait(pending, timeout=90, what="the package at the destination")
    assert row["preview"]["birth_date"] == "2012-03-14"
    accepted = coordinator.post(f"/api/v1/transfers/{row['id']}/accept", json={"reason": "mottatt"})
    assert accepted.status_code == 200, accepted.text

    def acknowledged():
        answer = clinic.get(f"/api/v1/transfers/{transfer['id']}").json()
        return answer if answer["status"] == "accepted" else None

    _wait(acknowledged, timeout=90, what="the receipt at the origin")
    moved = coordinator.get(f"/api/v1/cases/{accepted.json()['case_id']}")
    assert moved.status_code == 200, moved.text
    # (the coordinator sees no health entry without a consent naming health; the stores show all of them arrived)
    assert _entries(b, accepted.json()["case_id"]) == _entries(a, case_id) and len(_entries(a, case_id)) == len(case["entries"]) > 100
    assert clinic.get(f"/api/v1/cases/{case_id}").json()["status"] == "transferred_out"
    for hub in (a, b):
        errors = [line for line in hub.log_lines() if line.get("level") in ("ERROR", "CRITICAL") or line.get("status", 0) >= 500]
        assert errors == [], hub.name
