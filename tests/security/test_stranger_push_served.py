"""The overwrite attack against a served hub (`stafett serve`, production settings): a clinic of another municipality
pushes a bare FHIR Patient with a known child's fødselsnummer and another name. The child's own clinic still reads the
old name, the stranger's report does not name the child, and the stranger cannot read the case, even after pushing.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from hub.canonical.vocab import FNR_SYSTEM
from tests.auth_helpers import Callers
from tests.processes import Database, HubProcess

CHILD_FNR = "21030550231"
FHIR_JSON = "application/fhir+json"
SCOPES = ("ingest", "case.read", "case.write")


def _bundle(*resources: dict) -> bytes:
    patient_url = f"urn:uuid:{uuid.uuid4()}"
    entries = []
    for resource in resources:
        if resource["resourceType"] != "Patient":
            resource = {**resource, "subject": {"reference": patient_url}}
        entries.append({"fullUrl": patient_url if resource["resourceType"] == "Patient" else f"urn:uuid:{uuid.uuid4()}",
                        "resource": resource, "request": {"method": "POST", "url": resource["resourceType"]}})
    return json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries}).encode()


def _patient(pid: str, given: str, family: str, gender: str) -> dict:
    return {"resourceType": "Patient", "id": pid, "identifier": [{"system": FNR_SYSTEM, "value": CHILD_FNR}],
            "name": [{"family": family, "given": [given]}], "gender": gender, "birthDate": "2005-03-21"}


def _weight(oid: str, kg: float) -> dict:
    return {"resourceType": "Observation", "id": oid, "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body weight"}]},
            "effectiveDateTime": "2024-03-01T10:00:00+01:00",
            "valueQuantity": {"value": kg, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}


def _push(caller, payload: bytes) -> httpx.Response:
    return caller.post("/api/v1/ingest/fhir-r4", content=payload, headers={"content-type": FHIR_JSON})


@pytest.fixture
def served(tmp_path, oidc_key):
    db = Database.fresh(tmp_path, "stranger", by_cli=True)
    hub = HubProcess("hub", db, "1106", tmp_path / "hub.log")
    hub.start()
    engine = hub.engine()
    http = httpx.Client(base_url=hub.url, timeout=30)
    try:
        yield hub, Callers(http, engine, oidc_key)
    finally:
        http.close()
        engine.dispose()
        hub.stop()
        db.drop()


def test_a_clinic_of_another_municipality_cannot_overwrite_a_childs_name(served):
    hub, callers = served
    clinic = callers.system("Haugesund helsestasjon", "health", kommune="1106", scopes=SCOPES)
    stranger = callers.system("Tysvær helsestasjon", "health", kommune="1146", scopes=SCOPES)
    own = _push(clinic, _bundle(_patient("own-1", "Kari", "Nordmann", "female"), _weight("w-1", 21.5)))
    assert own.status_code == 200, own.text
    (child_id,), (case_id,) = own.json()["children"], own.json()["cases"]
    entries_before = clinic.get(f"/api/v1/cases/{case_id}").json()["entries"]

    attack = _push(stranger, _bundle(_patient("x-1", "Mallory", "Hacked", "male")))
    assert attack.status_code == 200, attack.text
    assert child_id not in attack.text and case_id not in attack.text  # the report does not name the child
    assert attack.json()["children"] == [] and attack.json()["children_not_listed"] == 1

    child = clinic.get(f"/api/v1/children/{child_id}")
    assert child.status_code == 200, child.text
    assert [(n["given"], n["family"]) for n in child.json()["names"]] == [(["Kari"], "Nordmann")]
    assert child.json()["sex"] == "female"
    fhir_patient = clinic.get(f"/fhir/Patient/{child_id}").json()
    assert fhir_patient["name"][0]["family"] == "Nordmann" and fhir_patient["gender"] == "female"

    # pushing records as well does not make the stranger a participant: it still cannot read the case or the child
    joined = _push(stranger, _bundle(_patient("x-1", "Mallory", "Hacked", "male"), _weight("x-w", 99.0)))
    assert joined.status_code == 200, joined.text
    assert child_id not in joined.text and case_id not in joined.text
    assert joined.json()["cases"] == [] and joined.json()["recorded_for_review"] == 1
    assert stranger.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert stranger.get(f"/api/v1/children/{child_id}").status_code == 404
    assert stranger.get("/api/v1/cases", params={"child_id": child_id}).json() == []
    case = clinic.get(f"/api/v1/cases/{case_id}").json()
    assert stranger.org not in {p["organization_id"] for p in case["participants"]}
    assert case["entries"] == entries_before  # its observation was not written to the case
    assert [(n["given"], n["family"]) for n in clinic.get(f"/api/v1/children/{child_id}").json()["names"]] == [(["Kari"], "Nordmann")]

    log = hub.log.read_text(errors="replace")
    assert "Mallory" not in log and "Hacked" not in log and CHILD_FNR not in log  # logs hold ids and checksums only
