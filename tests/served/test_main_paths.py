"""Every main path against a served hub: one real file of every format ingested and read back (a resend changes
nothing), exports in every renderable format, the school's handover pull, the FHIR facade through fhirpy, a guardian
through /api/v1/me; and the hub's own log shows no server error and no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fhirpy import SyncFHIRClient
from lxml import etree

from hub.demo.load import valid_orgnr
from tests.examples import KINDERGARTEN_CHILD, KINDERGARTEN_ORGNR, RECEIVING_SCHOOL_ORGNR, kindergarten_report
from tests.shared_data import require_shared

FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
KINDERGARTEN_GUARDIAN = "02098541015"  # g1 of the example report: parental responsibility, may see the log


def _ks_report() -> bytes:
    return (require_shared("ks-bekymringsmelding", "schema", "examples") / "offentligBekymringsmeldingV2.json").read_bytes()


@dataclass(frozen=True)
class Push:
    format: str
    sender: str  # which system of the scene sends it
    media_type: str
    payload: object  # a callable giving the bytes

    def body(self) -> bytes:
        return self.payload()


PUSHES = [
    Push("fhir-r4", "clinic", "application/fhir+json",
         lambda: (require_shared("synthea-r4") / "Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json").read_bytes()),
    Push("sif-au", "school", "application/xml", lambda: require_shared("sif-au", "examples", "StudentPersonal__1.xml").read_bytes()),
    Push("kindergarten-v1", "kindergarten", "application/xml", kindergarten_report),
    Push("ssb-barnevern", "welfare", "application/xml; extract=total",
         lambda: require_shared("ssb-barnevern", "examples", "test01_file09_total.xml").read_bytes()),
    Push("ks-bekymringsmelding", "welfare", "application/json", _ks_report),
    Push("uk-cin", "welfare", "application/xml",
         lambda: require_shared("uk-childrens-social-care", "cin_census", "samples", "cin-2022.xml").read_bytes()),
]
RENDERABLE = ("fhir-r4", "sif-au", "kindergarten-v1")


@dataclass
class Scene:
    clinic: object
    school: object
    kindergarten: object
    welfare: object
    reports: dict


@pytest.fixture(scope="module")
def scene(served) -> Scene:
    """The operator's set-up of four services, then one push of every format, each answered 200."""
    read = "ingest case.read case.write handover.read"
    systems = {
        "clinic": served.add_system("Haugesund helsestasjon", "health", valid_orgnr(92000001), read),
        "school": served.add_system("Skåredalen skole", "school", RECEIVING_SCHOOL_ORGNR, read),
        "kindergarten": served.add_system("Solsikken barnehage", "kindergarten", KINDERGARTEN_ORGNR, read),
        "welfare": served.add_system("Barneverntjenesten Haugesund", "child_welfare", valid_orgnr(92000101), read),
    }
    reports = {}
    for push in PUSHES:
        answer = systems[push.sender].post(f"/api/v1/ingest/{push.format}", content=push.body(), headers={"content-type": push.media_type})
        assert answer.status_code == 200, f"{push.format}: {answer.status_code} {answer.text[:500]}"
        reports[push.format] = answer.json()
    return Scene(**systems, reports=reports)


@pytest.mark.parametrize("push", PUSHES, ids=[p.format for p in PUSHES])
def test_a_real_file_of_every_format_is_stored_and_read_back(served, scene, push):
    report = scene.reports[push.format]
    assert report["archived"] is True and report["created"] > 0 and report["cases"], report
    sender = getattr(scene, push.sender)
    for case_id in report["cases"]:
        answer = sender.get(f"/api/v1/cases/{case_id}")
        assert answer.status_code == 200, answer.text
        case = answer.json()
        assert case["entries"] or case["measures"], f"{push.format}: case {case_id} holds nothing"
    again = sender.post(f"/api/v1/ingest/{push.format}", content=push.body(), headers={"content-type": push.media_type})
    assert again.status_code == 200, again.text
    assert (again.json()["created"], again.json()["updated"], again.json()["archived"]) == (0, 0, False)


def _kindergarten_case(scene) -> str:
    (case_id,) = scene.reports["kindergarten-v1"]["cases"]
    return case_id


@pytest.mark.parametrize("fmt", RENDERABLE)
def test_the_case_exports_in_every_renderable_format(scene, fmt):
    answer = scene.kindergarten.get(f"/api/v1/cases/{_kindergarten_case(scene)}/export", params={"format": fmt})
    assert answer.status_code == 200, answer.text
    if fmt == "fhir-r4":
        bundle = answer.json()
        assert bundle["resourceType"] == "Bundle" and any(e["resource"]["resourceType"] == "Patient" for e in bundle["entry"])
    else:
        assert etree.fromstring(answer.content) is not None
    assert KINDERGARTEN_CHILD in answer.text and "Amina" in answer.text


@pytest.mark.parametrize("fmt", RENDERABLE)
def test_the_receiving_school_pulls_the_handover(scene, fmt):
    answer = scene.school.get("/api/v1/handover", params={"identifier": f"{FNR}|{KINDERGARTEN_CHILD}", "format": fmt})
    assert answer.status_code == 200, answer.text
    assert "Amina" in answer.text and KINDERGARTEN_CHILD in answer.text
    if fmt != "sif-au":  # (SIF AU's StudentPersonal carries no free-text observations)
        assert "Loves drawing" in answer.text


def test_the_fhir_facade_through_fhirpy(served, scene):
    (child_id,) = scene.reports["fhir-r4"]["children"]
    child = scene.clinic.get(f"/api/v1/children/{child_id}").json()
    identifier = child["identifiers"][0]
    client = SyncFHIRClient(f"{served.url}/fhir", authorization=f"Bearer {scene.clinic.token}")
    found = client.resources("Patient").search(identifier=f"{identifier['system']}|{identifier['value']}").fetch()
    assert [p["id"] for p in found] == [child_id]
    assert client.reference("Patient", child_id).to_resource()["birthDate"] == child["birth_date"]
    everything = client.execute(f"Patient/{child_id}/$everything", method="get")
    kinds = {e["resource"]["resourceType"] for e in everything["entry"]}
    assert {"Patient", "Observation"} <= kinds, kinds
    assert served.http.get("/fhir/metadata").json()["resourceType"] == "CapabilityStatement"


def test_a_guardian_reads_writes_consents_and_sees_who_read(served, scene):
    guardian = served.person(KINDERGARTEN_GUARDIAN)
    case_id = _kindergarten_case(scene)
    # the report only asks that the mother may see the log: the kindergarten takes the baton of the case its report
    # opened and, as coordinator, confirms it
    kindergarten = scene.kindergarten
    baton = kindergarten.post(f"/api/v1/cases/{case_id}/coordinator/proposals", json={"person_name": "Pedagogisk leder", "organization_id": kindergarten.organization_id})
    assert kindergarten.post(f"/api/v1/cases/{case_id}/coordinator/proposals/{baton.json()['id']}/accept").status_code == 200
    child_id = kindergarten.get(f"/api/v1/cases/{case_id}").json()["child_id"]
    (mother,) = [g for g in kindergarten.get(f"/api/v1/children/{child_id}").json()["guardians"] if g["log_access"] == "pending"]
    confirmed = kindergarten.post(f"/api/v1/cases/{case_id}/guardians/{mother['id']}/log-access", json={"may_see_log": True})
    assert confirmed.status_code == 200, confirmed.text
    children = guardian.get("/api/v1/me/children")
    assert children.status_code == 200, children.text
    [child] = [c for c in children.json() if case_id in c["case_ids"]]
    assert child["names"][0]["given"] == ["Amina", "Sofie"] and child["relation"] == "guardian"
    case = guardian.get(f"/api/v1/me/cases/{case_id}")
    assert case.status_code == 200 and "Loves drawing" in case.text, case.text
    note = guardian.post(f"/api/v1/me/cases/{case_id}/notes", json={"text": "Hun gleder seg til skolen"})
    assert note.status_code == 201, note.text
    assert "Hun gleder seg til skolen" in guardian.get(f"/api/v1/me/cases/{case_id}").text
    given = guardian.post(f"/api/v1/me/children/{child['id']}/consents", json={"organization_ids": [scene.clinic.organization_id],
                                                                               "categories": ["education"]})
    assert given.status_code == 201, given.text
    revoked = guardian.post(f"/api/v1/me/consents/{given.json()['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    scene.school.get("/api/v1/handover", params={"identifier": f"{FNR}|{KINDERGARTEN_CHILD}", "format": "sif-au"})
    log = guardian.get(f"/api/v1/me/children/{child['id']}/access-log")
    assert log.status_code == 200, log.text
    assert "Skåredalen skole" in log.text


def test_the_served_hub_logged_no_server_error_and_no_personal_data(served, scene):
    lines = served.log_lines()
    requests = [line for line in lines if line.get("logger") == "hub.access"]
    assert len(requests) > 20 and {line["level"] for line in lines} >= {"INFO"}
    assert [line for line in requests if line["status"] >= 500] == []
    assert [line for line in lines if line.get("level") in ("ERROR", "CRITICAL") or "unparsed" in line] == []
    ingested = [line for line in lines if line.get("message") == "ingested"]
    assert {line["format"] for line in ingested} == {p.format for p in PUSHES}
    text = served.process.log.read_text(encoding="utf-8")
    for secret in (KINDERGARTEN_CHILD, KINDERGARTEN_GUARDIAN, "Amina", "Haugland"):
        assert secret not in text
