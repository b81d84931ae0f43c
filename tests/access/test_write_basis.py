"""Writes need a basis (OWASP API1 for writes): opening a case for a child needs the organisation to have registered
the child, or the guardians' consent (or a legal basis an authority recorded) naming it; a legal basis is recorded
by child welfare or the municipality and never for itself, and nobody transfers a case on its own legal basis.
Refusals for a child the caller may not know of answer exactly like an unknown child.
"""

import uuid

import pytest

from tests.cases.helpers import make_case
from tests.school_pull.helpers import fixture, push

CASES = "/api/v1/cases"
CHILD_FNR = "21030550231"
MOTHER_FNR = "05073500186"


@pytest.fixture
def world(callers):
    """A clinic in Haugesund registered a child (with a guardian) and opened its case; a school of Tysvær has no link."""
    clinic = callers.system("Haugesund helsestasjon", "health", kommune="1106")
    case_id, _, child_id = make_case(clinic, fnr=CHILD_FNR)
    guardian = clinic.post(f"/api/v1/children/{child_id}/guardians", json={"national_id": MOTHER_FNR, "parental_responsibility": "felles"})
    assert guardian.status_code == 201, guardian.text
    school = callers.system("Aksdal skule", "school", kommune="1146")
    return {"clinic": clinic, "school": school, "case": case_id, "child": child_id, "guardian": guardian.json()["id"], "callers": callers}


def _consent_naming(world, organization_id, **extra):
    body = {"guardian_id": world["guardian"], "organization_ids": [organization_id], **extra}
    response = world["clinic"].post(f"/api/v1/children/{world['child']}/consents", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_stranger_cannot_open_a_case_for_a_known_child_and_learns_nothing(world):
    school, child = world["school"], world["child"]
    known = school.post(CASES, json={"child_id": child, "municipality": "1146"})
    unknown = school.post(CASES, json={"child_id": str(uuid.uuid4()), "municipality": "1146"})
    assert known.status_code == unknown.status_code == 404, known.text
    assert known.json()["detail"] == unknown.json()["detail"]
    # in the municipality of the child's open case the answer is the same: no 409 telling that a case exists there
    here = school.post(CASES, json={"child_id": child, "municipality": "1106"})
    assert (here.status_code, here.json()["detail"]) == (404, unknown.json()["detail"])
    # and it got no part in the child: nothing to read, nothing to write
    assert school.get("/api/v1/cases").json() == []
    assert school.get(f"/api/v1/children/{child}").status_code == 404
    assert school.get(f"/api/v1/children/{child}/consents").status_code == 404
    assert school.get(f"/fhir/Patient/{child}/$everything").status_code == 404
    planted = school.post(f"/api/v1/children/{child}/guardians", json={"national_id": "15080050515", "parental_responsibility": "felles", "may_see_log": True})
    assert planted.status_code == 404
    own_basis = school.post(f"/api/v1/children/{child}/consents", json={"basis": "legal", "legal_reference": "x", "organization_ids": [school.org]})
    assert own_basis.status_code == 404
    participants = world["clinic"].get(f"{CASES}/{world['case']}").json()["participants"]
    assert [p["organization_id"] for p in participants] == [world["clinic"].org]


def test_a_consent_naming_the_organisation_lets_it_open_its_own_case(world):
    school, child = world["school"], world["child"]
    _consent_naming(world, school.org, categories=["education"])
    opened = school.post(CASES, json={"child_id": child, "municipality": "1146"})
    assert opened.status_code == 201, opened.text
    assert [p["organization_id"] for p in opened.json()["participants"]] == [school.org]
    # one open case per child and municipality: the conflict names neither the municipality nor the case
    again = school.post(CASES, json={"child_id": child, "municipality": "1106"})
    assert again.status_code == 409
    assert "1106" not in again.text and world["case"] not in again.text


def test_a_participant_without_a_basis_is_told_what_is_missing(world):
    school, clinic = world["school"], world["clinic"]
    assert clinic.post(f"{CASES}/{world['case']}/participants", json={"organization_id": school.org, "role": "school"}).status_code == 201
    refused = school.post(CASES, json={"child_id": world["child"], "municipality": "1146"})
    assert refused.status_code == 403, refused.text
    assert "consent" in refused.json()["detail"] and "Aksdal skule" in refused.json()["detail"]


def test_the_organisation_whose_ingest_brought_the_child_opens_its_own_case(callers):
    kindergarten = callers.system("Testhagen barnehage", "kindergarten", scopes=("ingest", "case.read", "case.write"))
    report = push(kindergarten, "kindergarten-v1", fixture("kindergarten-to-school.xml"))
    (child_id,) = report["children"]
    opened = kindergarten.post(CASES, json={"child_id": child_id, "municipality": "1146"})
    assert opened.status_code == 201, opened.text
    other = callers.system("Solsikken barnehage", "kindergarten", scopes=("case.read", "case.write"))
    assert other.post(CASES, json={"child_id": child_id, "municipality": "1149"}).status_code == 404


def test_only_an_authority_records_a_legal_basis_and_never_for_itself(world):
    callers, clinic = world["callers"], world["clinic"]
    school = callers.system("Skåredalen skole", "school", kommune="1106")
    welfare = callers.system("Barneverntjenesten i Haugesund", "child_welfare", kommune="1106")
    municipality = callers.system("Haugesund kommune", "municipality", kommune="1106")
    for org, role in ((school, "school"), (welfare, "child_welfare"), (municipality, "municipality")):
        assert clinic.post(f"{CASES}/{world['case']}/participants", json={"organization_id": org.org, "role": role}).status_code == 201

    def legal(caller, **names):
        body = {"basis": "legal", "legal_reference": "barnevernloven § 13-2", "categories": ["health"], **names}
        return caller.post(f"/api/v1/children/{world['child']}/consents", json=body)

    for_itself = legal(school, organization_ids=[school.org])
    assert for_itself.status_code == 403 and "child welfare service or the municipality" in for_itself.json()["detail"]
    assert legal(school, organization_ids=[clinic.org]).status_code == 403  # a school holds no such duty at all
    assert legal(welfare, organization_ids=[welfare.org]).status_code == 403
    by_sector = legal(welfare, sectors=["child_welfare"])
    assert by_sector.status_code == 403 and "cannot record one for itself" in by_sector.json()["detail"]
    assert legal(welfare, organization_ids=[clinic.org]).status_code == 201
    assert legal(municipality, organization_ids=[welfare.org]).status_code == 201
    # only the two allowed ones were stored (child welfare sees every consent of the child)
    recorded = [c for c in welfare.get(f"/api/v1/children/{world['child']}/consents").json() if c["basis"] == "legal"]
    assert sorted(c["organization_ids"] for c in recorded) == sorted([[clinic.org], [welfare.org]])


def test_nobody_transfers_a_case_on_a_legal_basis_it_recorded_itself(make_hub):
    _, callers = make_hub(public_url="http://testserver")  # transfers need a public URL (also the token audience)
    clinic = callers.system("Haugesund helsestasjon", "health", kommune="1106")
    case_id, _, child_id = make_case(clinic, fnr=CHILD_FNR)
    municipality = callers.system("Haugesund kommune", "municipality", kommune="1106")
    assert clinic.post(f"{CASES}/{case_id}/participants", json={"organization_id": municipality.org, "role": "coordinator"}).status_code == 201
    basis = {"basis": "legal", "legal_reference": "helse- og omsorgstjenesteloven § 7-2a", "organization_ids": [clinic.org]}
    assert municipality.post(f"/api/v1/children/{child_id}/consents", json=basis).status_code == 201
    body = {"case_id": case_id, "destination_municipality": "1146", "reason": "flytting"}
    own = municipality.post("/api/v1/transfers", json=body)
    assert own.status_code == 403 and "may not be transferred" in own.json()["detail"], own.text
    # the clinic may rely on the basis the municipality recorded: refused only because no peer hub is registered
    others = clinic.post("/api/v1/transfers", json=body)
    assert others.status_code == 404 and "no peer hub" in others.json()["detail"], others.text


PLANTED_FNR = "15080050515"


def test_a_guardian_added_by_a_participant_sees_nothing_until_the_coordinator_confirms(world):
    clinic, callers, case_id, child = world["clinic"], world["callers"], world["case"], world["child"]
    school = callers.system("Skåredalen skole", "school", kommune="1106")
    assert clinic.post(f"{CASES}/{case_id}/participants", json={"organization_id": school.org, "role": "school"}).status_code == 201
    planted = school.post(f"/api/v1/children/{child}/guardians", json={"national_id": PLANTED_FNR, "parental_responsibility": "felles", "may_see_log": True})
    assert planted.status_code == 201, planted.text
    assert (planted.json()["may_see_log"], planted.json()["log_access"]) == (False, "pending")
    person = callers.person(PLANTED_FNR)
    assert person.get("/api/v1/me/children").json() == []
    assert person.get(f"/api/v1/me/cases/{case_id}").status_code == 404
    # a participant that does not hold the baton cannot confirm it either
    by_school = school.post(f"{CASES}/{case_id}/guardians/{planted.json()['id']}/log-access", json={"may_see_log": True})
    assert by_school.status_code == 403 and "coordinator" in by_school.json()["detail"]
    assert person.get(f"/api/v1/me/cases/{case_id}").status_code == 404
    # the coordinator (the clinic holds the baton) decides
    confirmed = clinic.post(f"{CASES}/{case_id}/guardians/{planted.json()['id']}/log-access", json={"may_see_log": True})
    assert confirmed.status_code == 200 and confirmed.json()["log_access"] == "granted"
    assert person.get(f"/api/v1/me/cases/{case_id}").status_code == 200
    withdrawn = clinic.post(f"{CASES}/{case_id}/guardians/{planted.json()['id']}/log-access", json={"may_see_log": False})
    assert withdrawn.status_code == 200 and withdrawn.json()["log_access"] == "none"
    assert person.get(f"/api/v1/me/cases/{case_id}").status_code == 404


def test_the_coordinator_adding_a_guardian_grants_access_and_it_is_recorded(world, engine):
    from sqlalchemy import select

    from hub.children.models import Guardian

    clinic, child = world["clinic"], world["child"]
    added = clinic.post(f"/api/v1/children/{child}/guardians", json={"national_id": PLANTED_FNR, "parental_responsibility": "felles", "may_see_log": True})
    assert added.status_code == 201 and added.json()["log_access"] == "granted"
    with engine.connect() as conn:
        by, at = conn.execute(select(Guardian.log_access_by, Guardian.log_access_at).where(Guardian.id == uuid.UUID(added.json()["id"]))).one()
    assert by == f"coordinator:{clinic.org}" and at is not None
    assert world["callers"].person(PLANTED_FNR).get(f"/api/v1/me/cases/{world['case']}").status_code == 200


def test_guardians_from_a_payload_wait_for_the_coordinator_and_a_payload_cannot_move_access(callers):
    from tests.examples import kindergarten_report

    kindergarten = callers.system("Solsikken barnehage", "kindergarten", scopes=("ingest", "case.read", "case.write"))
    report = push(kindergarten, "kindergarten-v1", kindergarten_report())
    (case_id,), (child_id,) = report["cases"], report["children"]
    mother = next(g for g in kindergarten.get(f"/api/v1/children/{child_id}").json()["guardians"] if g["relation"] == "mor")
    assert mother["log_access"] == "pending"
    baton = kindergarten.post(f"{CASES}/{case_id}/coordinator/proposals", json={"person_name": "Pedagogisk leder", "organization_id": kindergarten.org}).json()
    assert kindergarten.post(f"{CASES}/{case_id}/coordinator/proposals/{baton['id']}/accept").status_code == 200
    assert kindergarten.post(f"{CASES}/{case_id}/guardians/{mother['id']}/log-access", json={"may_see_log": True}).json()["log_access"] == "granted"
    # the same payload again keeps the coordinator's decision; a payload that gives the record another national id
    # does not take the access along to that person
    push(kindergarten, "kindergarten-v1", kindergarten_report())
    again = next(g for g in kindergarten.get(f"/api/v1/children/{child_id}").json()["guardians"] if g["id"] == mother["id"])
    assert again["log_access"] == "granted"
    moved = kindergarten_report().replace(b"<NationalId>02098541015</NationalId>", f"<NationalId>{PLANTED_FNR}</NationalId>".encode())
    push(kindergarten, "kindergarten-v1", moved)
    renamed = next(g for g in kindergarten.get(f"/api/v1/children/{child_id}").json()["guardians"] if g["id"] == mother["id"])
    assert renamed["log_access"] == "pending"
    assert callers.person(PLANTED_FNR).get(f"/api/v1/me/cases/{case_id}").status_code == 404
