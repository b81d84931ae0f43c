"""OWASP API1 (broken object-level authorisation): an organisation of municipality A — or any organisation that is
not a participant — cannot read, export, pull or write another's case by any endpoint, including by guessing ids.
Refusals look exactly like unknown ids (404), so existence does not leak.
"""

import uuid

import pytest

from hub.canonical.vocab import FNR_SYSTEM
from tests.cases.helpers import make_case


@pytest.fixture
def world(callers):
    clinic = callers.system("Haugesund helsestasjon", "health", kommune="1106")
    case_id, _, child_id = make_case(clinic, level=2)
    entry = clinic.post(f"/api/v1/cases/{case_id}/entries", json={"kind": "note", "category": "health", "text": "hemmelig"}).json()
    measure = clinic.post(f"/api/v1/cases/{case_id}/measures", json={"description": "m", "category": "health", "responsible_organization_id": clinic.org}).json()
    outsider_b = callers.system("Aksdal skule", "school", kommune="1146")
    outsider_a = callers.system("Skåredalen skole", "school", kommune="1106")
    return {"clinic": clinic, "case": case_id, "child": child_id, "entry": entry["id"], "measure": measure["id"], "outsiders": [outsider_a, outsider_b]}


def _attempts(w, case_id=None, child_id=None, entry_id=None, measure_id=None):
    c, ch, e, m = case_id or w["case"], child_id or w["child"], entry_id or w["entry"], measure_id or w["measure"]
    return [
        ("GET", f"/api/v1/cases/{c}", None),
        ("GET", f"/api/v1/cases/{c}/entries/{e}/history", None),
        ("GET", f"/api/v1/cases/{c}/export?format=fhir-r4", None),
        ("GET", f"/api/v1/cases/{c}/export?format=sif-au", None),
        ("POST", f"/api/v1/cases/{c}/entries", {"kind": "note", "category": "education", "text": "x"}),
        ("POST", f"/api/v1/cases/{c}/entries/{e}/corrections", {"reason": "x", "text": "y"}),
        ("POST", f"/api/v1/cases/{c}/level", {"bti_level": 3}),
        ("POST", f"/api/v1/cases/{c}/close", {"reason": "x"}),
        ("POST", f"/api/v1/cases/{c}/participants", {"organization_id": str(uuid.uuid4()), "role": "x"}),
        ("POST", f"/api/v1/cases/{c}/goals", {"description": "x"}),
        ("POST", f"/api/v1/cases/{c}/measures", {"description": "x", "category": "home", "responsible_home": True}),
        ("POST", f"/api/v1/cases/{c}/measures/{m}/evaluations", {"text": "x"}),
        ("POST", f"/api/v1/cases/{c}/measures/{m}/status", {"status": "stopped"}),
        ("POST", f"/api/v1/cases/{c}/coordinator/proposals", {"person_name": "x"}),
        ("POST", f"/api/v1/cases/{c}/goals/{uuid.uuid4()}/status", {"status": "achieved"}),
        ("POST", f"/api/v1/cases/{c}/guardians/{uuid.uuid4()}/log-access", {"may_see_log": True}),
        ("POST", "/api/v1/cases", {"child_id": ch, "municipality": "1146"}),
        ("GET", f"/api/v1/children/{ch}", None),
        ("POST", f"/api/v1/children/{ch}/guardians", {"relation": "x"}),
        ("GET", f"/api/v1/children/{ch}/consents", None),
        ("POST", f"/api/v1/children/{ch}/consents", {"sectors": ["school"]}),
    ]


def test_outsiders_are_refused_on_every_endpoint(world):
    for outsider in world["outsiders"]:
        for method, path, body in _attempts(world):
            response = outsider.http.request(method, path, headers={"Authorization": f"Bearer {outsider.token}"}, json=body)
            assert response.status_code == 404, f"{method} {path} by {outsider.org}: {response.status_code} {response.text[:200]}"


def test_guessed_ids_answer_the_same_as_forbidden_ones(world):
    outsider = world["outsiders"][1]
    forbidden = outsider.get(f"/api/v1/cases/{world['case']}")
    guessed = outsider.get(f"/api/v1/cases/{uuid.uuid4()}")
    assert forbidden.status_code == guessed.status_code == 404
    assert forbidden.json()["title"] == guessed.json()["title"]


def test_nothing_was_written_and_the_participant_still_reads(world):
    clinic = world["clinic"]
    case = clinic.get(f"/api/v1/cases/{world['case']}").json()
    assert case["bti_level"] == 2 and case["status"] == "open"
    assert [e["text"] for e in case["entries"]] == ["hemmelig"]
    assert [p["organization_id"] for p in case["participants"]] == [clinic.org]


def test_lists_and_searches_show_only_own_cases(world):
    outsider = world["outsiders"][0]
    assert outsider.get("/api/v1/cases").json() == []
    assert outsider.get("/api/v1/cases", params={"child_id": world["child"]}).json() == []
    assert outsider.get("/api/v1/children", params={"identifier": f"{FNR_SYSTEM}|21030550231"}).json() == []


def test_refusals_are_in_the_audit_trail(world, engine):
    from sqlalchemy import select

    from hub.audit.models import AuditEvent

    outsider = world["outsiders"][1]
    outsider.get(f"/api/v1/cases/{world['case']}")
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.outcome, AuditEvent.reason).where(AuditEvent.case_id == uuid.UUID(world["case"]), AuditEvent.organization_id == outsider.organization_id)).all()
    assert rows and all(outcome == "deny" for outcome, _ in rows)
    assert "not a participant" in rows[-1][1]
