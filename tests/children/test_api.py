"""Children over the API: national ids validated by system, lookup by system|value for participants only."""

import pytest

from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM
from tests.cases.helpers import make_case

CHILDREN = "/api/v1/children"


def _child(value="21030550231", system=FNR_SYSTEM, **extra):
    return {"identifiers": [{"system": system, "value": value}], "names": [{"given": ["Ola"], "family": "Nordmann"}], **extra}


@pytest.fixture
def clinic(callers):
    return callers.system("Haugesund helsestasjon", "health")


def test_create_read_and_find_by_identifier(clinic):
    body = _child(
        birth_date="2005-03-21",
        sex="male",
        address={"lines": ["Storgata 1"], "kommunenummer": "1106"},
        guardians=[{"names": [{"given": ["Kari"]}], "relation": "mother", "parental_responsibility": "felles", "may_see_log": True}],
    )
    created = clinic.post(CHILDREN, json=body)
    assert created.status_code == 201, created.text
    child = created.json()
    assert child["guardians"][0]["parental_responsibility"] == "felles"
    clinic.post("/api/v1/cases", json={"child_id": child["id"], "municipality": "1106"})
    assert clinic.get(f"{CHILDREN}/{child['id']}").json()["birth_date"] == "2005-03-21"
    found = clinic.get(CHILDREN, params={"identifier": f"{FNR_SYSTEM}|21030550231"}).json()
    assert [c["id"] for c in found] == [child["id"]]
    assert clinic.get(CHILDREN, params={"identifier": f"{FNR_SYSTEM}|05073500186"}).json() == []


def test_a_child_is_invisible_to_organisations_outside_its_cases(clinic, callers):
    make_case(clinic)
    school = callers.system("Skole i Tysvær", "school", kommune="1146")
    assert school.get(CHILDREN, params={"identifier": f"{FNR_SYSTEM}|21030550231"}).json() == []


@pytest.mark.parametrize("value", ["09090990123", "10101001234", "52030078901", "2103055023", "210305*****", "abcdefghijk"])
def test_invalid_fodselsnummer_is_422(clinic, value):
    response = clinic.post(CHILDREN, json=_child(value))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "fødselsnummer" in detail
    assert value not in detail or not value[:9].isdigit()  # an id-like number is never echoed back whole


def test_d_nummer_needs_its_own_system(clinic):
    assert clinic.post(CHILDREN, json=_child("41667987421", DNR_SYSTEM)).status_code == 201
    wrong = clinic.post(CHILDREN, json=_child("41667987421", FNR_SYSTEM))
    assert wrong.status_code == 422 and "D-nummer" in wrong.json()["detail"]


def test_other_systems_are_kept_as_given(clinic):
    response = clinic.post(CHILDREN, json=_child("L-123 x", "urn:sif:au:localid:school-9"))
    assert response.status_code == 201
    assert response.json()["identifiers"] == [{"system": "urn:sif:au:localid:school-9", "value": "L-123 x"}]


def test_identifier_belongs_to_one_child(clinic):
    assert clinic.post(CHILDREN, json=_child()).status_code == 201
    assert clinic.post(CHILDREN, json=_child()).status_code == 409


def test_identifier_query_must_be_system_pipe_value(clinic):
    response = clinic.get(CHILDREN, params={"identifier": "21030550231"})
    assert response.status_code == 422 and "system|value" in response.json()["detail"]


def test_malformed_json_is_4xx(clinic):
    response = clinic.post(CHILDREN, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_guardians_national_id_travels_in_exports(clinic):
    """Given as national_id, it is also an identifier: the FHIR export's RelatedPerson carries it with its system."""
    case_id, _, child_id = make_case(clinic)
    added = clinic.post(f"{CHILDREN}/{child_id}/guardians", json={
        "names": [{"given": ["Kari"]}], "national_id": "15038010015", "relation": "mother",
        "parental_responsibility": "felles", "may_see_log": True,
    })
    assert added.status_code == 201, added.text
    bundle = clinic.get(f"/api/v1/cases/{case_id}/export", params={"format": "fhir-r4"}).json()
    (related,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RelatedPerson"]
    assert related["identifier"] == [{"system": FNR_SYSTEM, "value": "15038010015"}]
