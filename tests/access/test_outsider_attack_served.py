"""The outsider attack of the trust review, against a hub served as users serve it: a school and a health clinic of
another municipality, child welfare and the hub's own clinic, with guardians from the test OpenID Connect issuer. The
outsiders can neither join the child's case, nor plant a guardian who reads the log, nor record a legal basis for
themselves, nor learn that the child is known; the legitimate paths keep working.
"""

import uuid

from hub.canonical.vocab import FNR_SYSTEM
from tests.served_callers import served_hub  # noqa: F401 - the fixture
from tests.transfer.scenario import fnr

CASES = "/api/v1/cases"
MOTHER, PLANTED = "05073500186", "15080050515"


def test_four_organisations_and_a_planted_guardian(served_hub):  # noqa: F811
    callers = served_hub.callers
    clinic = callers.system("Haugesund helsestasjon", "health", kommune="1106")
    welfare = callers.system("Barneverntjenesten i Haugesund", "child_welfare", kommune="1106")
    school = callers.system("Aksdal skule", "school", kommune="1146")
    other_clinic = callers.system("Tysvær helsestasjon", "health", kommune="1146")
    child_fnr = fnr()

    # the hub's own clinic registers the child, opens the case holding the baton and confirms the mother's access
    child = clinic.post("/api/v1/children", json={
        "identifiers": [{"system": FNR_SYSTEM, "value": child_fnr}], "names": [{"given": ["Emma"], "family": "Demo"}],
        "address": {"lines": ["Demoveien 1"], "kommunenummer": "1106"},
        "guardians": [{"national_id": MOTHER, "parental_responsibility": "felles", "may_see_log": True, "contact": [{"system": "phone", "value": "+47 400 00 000"}]}],
    }).json()
    case = clinic.post(CASES, json={"child_id": child["id"], "municipality": "1106", "coordinator": {"person_name": "Hanne", "organization_id": clinic.org}})
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    mother_row = child["guardians"][0]
    assert mother_row["log_access"] == "pending"
    assert clinic.post(f"{CASES}/{case_id}/guardians/{mother_row['id']}/log-access", json={"may_see_log": True}).status_code == 200
    assert clinic.post(f"{CASES}/{case_id}/entries", json={"kind": "concern", "category": "health", "text": "Forsinket språk"}).status_code == 201
    assert clinic.post(f"{CASES}/{case_id}/participants", json={"organization_id": welfare.org, "role": "child_welfare"}).status_code == 201

    unknown_child = str(uuid.uuid4())
    for outsider in (school, other_clinic):
        # joining the child's case by opening one: the same answer as for a child the hub does not know
        joined = outsider.post(CASES, json={"child_id": child["id"], "municipality": "1146"})
        nobody = outsider.post(CASES, json={"child_id": unknown_child, "municipality": "1146"})
        assert (joined.status_code, joined.json()["detail"]) == (404, nobody.json()["detail"])
        here = outsider.post(CASES, json={"child_id": child["id"], "municipality": "1106"})
        assert here.status_code == 404 and "1106" not in here.text  # no 409 naming where the child's case is
        # reading the child, its consents, $everything; planting a guardian; recording a basis for itself
        assert outsider.get(f"/api/v1/children/{child['id']}").status_code == 404
        assert outsider.get(f"/api/v1/children/{child['id']}/consents").status_code == 404
        assert outsider.get(f"/fhir/Patient/{child['id']}/$everything").status_code == 404
        planted = outsider.post(f"/api/v1/children/{child['id']}/guardians", json={"national_id": PLANTED, "parental_responsibility": "felles", "may_see_log": True})
        assert planted.status_code == 404
        basis = outsider.post(f"/api/v1/children/{child['id']}/consents", json={"basis": "legal", "legal_reference": "x", "organization_ids": [outsider.org]})
        assert basis.status_code == 404
        # the handover pull by the child's national id: the answer of an unknown child
        pulled = outsider.get("/api/v1/handover", params={"identifier": f"{FNR_SYSTEM}|{child_fnr}", "format": "fhir-r4"})
        unknown = outsider.get("/api/v1/handover", params={"identifier": f"{FNR_SYSTEM}|{fnr()}", "format": "fhir-r4"})
        assert (pulled.status_code, pulled.json()["detail"]) == (404, unknown.json()["detail"])
        assert child_fnr not in pulled.text and "Demoveien" not in pulled.text and "+47 400" not in pulled.text
        # an admin client of the outsider's organisation reads no audit trail of the child
        admin = callers.system(scopes=("admin",), organization_id=outsider.organization_id)
        assert admin.get(f"/api/v1/audit/children/{child['id']}").status_code == 404
        assert outsider.get(CASES).json() == []

    # the planted person reads nothing; the mother the coordinator confirmed reads her child's log
    planted_person = callers.person(PLANTED)
    assert planted_person.get("/api/v1/me/children").json() == []
    assert planted_person.get(f"/api/v1/me/cases/{case_id}").status_code == 404
    mother = callers.person(MOTHER)
    assert [c["id"] for c in mother.get("/api/v1/me/children").json()] == [child["id"]]
    assert "Forsinket språk" in mother.get(f"/api/v1/me/cases/{case_id}").text

    # a participant that is not an authority records no legal basis, not even for itself; child welfare records one
    # for the clinic but never for itself; nobody moves the case on its own legal basis
    assert clinic.post(f"{CASES}/{case_id}/participants", json={"organization_id": school.org, "role": "school"}).status_code == 201
    own = school.post(f"/api/v1/children/{child['id']}/consents", json={"basis": "legal", "legal_reference": "opplæringslova", "organization_ids": [school.org]})
    assert own.status_code == 403
    assert welfare.post(f"/api/v1/children/{child['id']}/consents", json={"basis": "legal", "legal_reference": "bvl § 13-2", "organization_ids": [welfare.org]}).status_code == 403
    recorded = welfare.post(f"/api/v1/children/{child['id']}/consents", json={"basis": "legal", "legal_reference": "bvl § 13-4", "organization_ids": [clinic.org], "categories": ["child_welfare"]})
    assert recorded.status_code == 201, recorded.text
    moved = welfare.post("/api/v1/transfers", json={"case_id": case_id, "destination_municipality": "1146", "reason": "flytting"})
    assert moved.status_code == 403 and "may not be transferred" in moved.json()["detail"], moved.text
    # the participating school still writes and plants no reader: its guardian waits for the coordinator
    added = school.post(f"/api/v1/children/{child['id']}/guardians", json={"national_id": PLANTED, "parental_responsibility": "felles", "may_see_log": True})
    assert added.status_code == 201 and added.json()["log_access"] == "pending"
    assert planted_person.get(f"/api/v1/me/cases/{case_id}").status_code == 404
