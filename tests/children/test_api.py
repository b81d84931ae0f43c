"""Children over the API: national ids validated by system, lookup by system|value, guardians kept."""

import pytest

from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM

CHILDREN = "/api/v1/children"


def _child(value="21030550231", system=FNR_SYSTEM, **extra):
    return {"identifiers": [{"system": system, "value": value}], "names": [{"given": ["Ola"], "family": "Nordmann"}], **extra}


def test_create_read_and_find_by_identifier(client):
    body = _child(
        birth_date="2005-03-21",
        sex="male",
        address={"lines": ["Storgata 1"], "kommunenummer": "1106"},
        guardians=[{"names": [{"given": ["Kari"]}], "relation": "mother", "parental_responsibility": "felles", "may_see_log": True}],
    )
    created = client.post(CHILDREN, json=body)
    assert created.status_code == 201, created.text
    child = created.json()
    assert child["guardians"][0]["parental_responsibility"] == "felles"
    assert client.get(f"{CHILDREN}/{child['id']}").json()["birth_date"] == "2005-03-21"
    found = client.get(CHILDREN, params={"identifier": f"{FNR_SYSTEM}|21030550231"}).json()
    assert [c["id"] for c in found] == [child["id"]]
    assert client.get(CHILDREN, params={"identifier": f"{FNR_SYSTEM}|05073500186"}).json() == []


@pytest.mark.parametrize("value", ["09090990123", "10101001234", "52030078901", "2103055023", "210305*****", "abcdefghijk"])
def test_invalid_fodselsnummer_is_422(client, value):
    response = client.post(CHILDREN, json=_child(value))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "fødselsnummer" in detail
    assert value not in detail or not value[:9].isdigit()  # an id-like number is never echoed back whole


def test_d_nummer_needs_its_own_system(client):
    assert client.post(CHILDREN, json=_child("41667987421", DNR_SYSTEM)).status_code == 201
    wrong = client.post(CHILDREN, json=_child("41667987421", FNR_SYSTEM))
    assert wrong.status_code == 422 and "D-nummer" in wrong.json()["detail"]


def test_other_systems_are_kept_as_given(client):
    response = client.post(CHILDREN, json=_child("L-123 x", "urn:sif:au:localid:school-9"))
    assert response.status_code == 201
    assert response.json()["identifiers"] == [{"system": "urn:sif:au:localid:school-9", "value": "L-123 x"}]


def test_identifier_belongs_to_one_child(client):
    assert client.post(CHILDREN, json=_child()).status_code == 201
    assert client.post(CHILDREN, json=_child()).status_code == 409


def test_identifier_query_must_be_system_pipe_value(client):
    response = client.get(CHILDREN, params={"identifier": "21030550231"})
    assert response.status_code == 422 and "system|value" in response.json()["detail"]


def test_malformed_json_is_4xx(client):
    response = client.post(CHILDREN, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
