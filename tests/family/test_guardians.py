"""Guardians and young people: they see their child's case and its access log but not another child's; a guardian
without parental responsibility (or log access) sees nothing; notes, home measures, evaluations, consent, closing;
age rules (15: the young person's consent too; 16: health hidden from guardians unless the young person agrees).
"""

from datetime import UTC, date, datetime

import pytest

from hub.canonical.vocab import FNR_SYSTEM

MOTHER, FATHER, STRANGER = "05073500186", "15080050515", "21030550231"
CHILD, OTHER_CHILD = "04021950128", "16081688781"


def _years_ago(years: int) -> str:
    today = datetime.now(UTC).date()
    return date(today.year - years, today.month, min(today.day, 28)).isoformat()


def open_case(clinic, fnr, *, birth_date="2019-02-04", guardians=()):
    """The clinic registers the child, opens its case holding the baton, and as coordinator confirms the log access
    the registration asked for (a guardian asked for by may_see_log is only pending until then)."""
    child = clinic.post("/api/v1/children", json={"identifiers": [{"system": FNR_SYSTEM, "value": fnr}], "birth_date": birth_date, "guardians": list(guardians)}).json()
    case = clinic.post("/api/v1/cases", json={"child_id": child["id"], "municipality": "1106", "coordinator": {"person_name": "Hanne", "organization_id": clinic.org}}).json()
    for pending in (g for g in child["guardians"] if g["log_access"] == "pending"):
        confirmed = clinic.post(f"/api/v1/cases/{case['id']}/guardians/{pending['id']}/log-access", json={"may_see_log": True})
        assert confirmed.status_code == 200, confirmed.text
    for category in ("health", "education", "child_welfare"):
        clinic.post(f"/api/v1/cases/{case['id']}/entries", json={"kind": "note", "category": category, "text": f"{category}-note"})
    return child, case["id"]


def guardian(pid, responsibility="felles", may_see_log=True):
    return {"national_id": pid, "relation": "parent", "parental_responsibility": responsibility, "may_see_log": may_see_log}


@pytest.fixture
def clinic(callers):
    return callers.system("Haugesund helsestasjon", "health")


def test_guardian_sees_own_childs_case_and_access_log_but_not_another(clinic, callers):
    child, case_id = open_case(clinic, CHILD, guardians=[guardian(MOTHER)])
    other, other_case = open_case(clinic, OTHER_CHILD, guardians=[guardian(FATHER)])
    clinic.get(f"/api/v1/cases/{case_id}")  # the clinic reads the log
    mother = callers.person(MOTHER)
    mine = mother.get("/api/v1/me/children").json()
    assert [c["id"] for c in mine] == [child["id"]] and mine[0]["case_ids"] == [case_id]
    view = mother.get(f"/api/v1/me/cases/{case_id}")
    assert view.status_code == 200
    assert {e["text"] for e in view.json()["entries"]} == {"health-note", "education-note"}  # no child welfare
    log = mother.get(f"/api/v1/me/children/{child['id']}/access-log").json()
    assert any(line["who"] == "Haugesund helsestasjon" and line["action"] == "case.read" for line in log)
    assert mother.get(f"/api/v1/me/cases/{other_case}").status_code == 404
    assert mother.get(f"/api/v1/me/children/{other['id']}/access-log").status_code == 404


@pytest.mark.parametrize("responsibility,may_see", [("ukjent", True), (None, True), ("felles", False)])
def test_guardian_without_responsibility_or_access_sees_nothing(clinic, callers, responsibility, may_see):
    child, case_id = open_case(clinic, CHILD, guardians=[guardian(MOTHER, responsibility, may_see)])
    mother = callers.person(MOTHER)
    assert mother.get("/api/v1/me/children").json() == []
    assert mother.get(f"/api/v1/me/cases/{case_id}").status_code == 404
    assert mother.get(f"/api/v1/me/children/{child['id']}/access-log").status_code == 404


def test_stranger_sees_nothing(clinic, callers):
    _, case_id = open_case(clinic, CHILD, guardians=[guardian(MOTHER)])
    assert callers.person(STRANGER).get(f"/api/v1/me/cases/{case_id}").status_code == 404


def test_guardian_writes_notes_home_measures_and_evaluations(clinic, callers):
    _child, case_id = open_case(clinic, CHILD, guardians=[guardian(MOTHER)])
    mother = callers.person(MOTHER)
    note = mother.post(f"/api/v1/me/cases/{case_id}/notes", json={"text": "Hun sover bedre nå", "kind": "highlight"})
    assert note.status_code == 201 and note.json()["author_kind"] == "guardian" and note.json()["category"] == "home"
    measure = mother.post(f"/api/v1/me/cases/{case_id}/measures", json={"description": "Leser høyt hver kveld", "evaluation_due": "2027-01-01"})
    assert measure.status_code == 201 and measure.json()["responsible_home"] is True
    evaluation = mother.post(f"/api/v1/me/cases/{case_id}/measures/{measure.json()['id']}/evaluations", json={"text": "Fungerer", "outcome": "continue"})
    assert evaluation.status_code == 201 and evaluation.json()["author_kind"] == "guardian"
    service_measure = clinic.post(f"/api/v1/cases/{case_id}/measures", json={"description": "Logoped", "category": "health", "responsible_organization_id": clinic.org}).json()
    refused = mother.post(f"/api/v1/me/cases/{case_id}/measures/{service_measure['id']}/evaluations", json={"text": "x"})
    assert refused.status_code == 403
    texts = {e["text"] for e in mother.get(f"/api/v1/me/cases/{case_id}").json()["entries"]}
    assert "Hun sover bedre nå" in texts


def test_guardian_grants_and_revokes_consent_with_immediate_effect(clinic, callers):
    child, case_id = open_case(clinic, CHILD, guardians=[guardian(MOTHER)])
    school = callers.system("Skole", "school")
    clinic.post(f"/api/v1/cases/{case_id}/participants", json={"organization_id": school.org, "role": "school"})
    mother = callers.person(MOTHER)
    assert school.get(f"/api/v1/cases/{case_id}").json()["entries"] == []
    consent = mother.post(f"/api/v1/me/children/{child['id']}/consents", json={"organization_ids": [school.org], "categories": ["education"]})
    assert consent.status_code == 201 and consent.json()["given_by"] == "guardian"
    assert [e["text"] for e in school.get(f"/api/v1/cases/{case_id}").json()["entries"]] == ["education-note"]
    assert mother.post(f"/api/v1/me/consents/{consent.json()['id']}/revoke").status_code == 200
    assert school.get(f"/api/v1/cases/{case_id}").json()["entries"] == []


def test_guardian_closes_the_log(clinic, callers):
    _, case_id = open_case(clinic, CHILD, guardians=[guardian(MOTHER)])
    closed = callers.person(MOTHER).post(f"/api/v1/me/cases/{case_id}/close", json={"reason": "Vi trenger ikke loggen lenger"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert clinic.post(f"/api/v1/cases/{case_id}/entries", json={"kind": "note", "category": "health", "text": "x"}).status_code == 409


def test_from_15_the_young_persons_consent_is_needed_too(clinic, callers):
    child, case_id = open_case(clinic, CHILD, birth_date=_years_ago(15), guardians=[guardian(MOTHER)])
    school = callers.system("Skole", "school")
    clinic.post(f"/api/v1/cases/{case_id}/participants", json={"organization_id": school.org, "role": "school"})
    callers.person(MOTHER).post(f"/api/v1/me/children/{child['id']}/consents", json={"organization_ids": [school.org], "categories": ["education"]})
    assert school.get(f"/api/v1/cases/{case_id}").json()["entries"] == []
    young = callers.person(CHILD)
    own = young.post(f"/api/v1/me/children/{child['id']}/consents", json={"organization_ids": [school.org], "categories": ["education"]})
    assert own.status_code == 201 and own.json()["given_by"] == "child"
    assert [e["text"] for e in school.get(f"/api/v1/cases/{case_id}").json()["entries"]] == ["education-note"]


def test_from_16_health_is_hidden_from_guardians_unless_the_young_person_agrees(clinic, callers):
    child, case_id = open_case(clinic, CHILD, birth_date=_years_ago(16), guardians=[guardian(MOTHER)])
    mother = callers.person(MOTHER)
    assert {e["text"] for e in mother.get(f"/api/v1/me/cases/{case_id}").json()["entries"]} == {"education-note"}
    young = callers.person(CHILD)
    assert {e["text"] for e in young.get(f"/api/v1/me/cases/{case_id}").json()["entries"]} == {"health-note", "education-note"}
    young.post(f"/api/v1/me/children/{child['id']}/consents", json={"covers_guardians": True, "categories": ["health"]})
    assert {e["text"] for e in mother.get(f"/api/v1/me/cases/{case_id}").json()["entries"]} == {"health-note", "education-note"}
