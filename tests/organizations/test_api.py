"""Organisations over the API: organisasjonsnummer validated, duplicates refused, listing by municipality."""

ORGS = "/api/v1/organizations"


def test_create_and_read_organisation(client):
    created = client.post(ORGS, json={"name": "Haugesund helsestasjon", "sector": "health", "orgnr": "944117784", "kommunenummer": "1106"})
    assert created.status_code == 201
    body = created.json()
    assert body["orgnr"] == "944117784" and body["sector"] == "health"
    assert client.get(f"{ORGS}/{body['id']}").json()["name"] == "Haugesund helsestasjon"
    assert [o["id"] for o in client.get(ORGS, params={"kommunenummer": "1106"}).json()] == [body["id"]]
    assert client.get(ORGS, params={"kommunenummer": "1146"}).json() == []


def test_invalid_orgnr_is_422_naming_the_fault(client):
    response = client.post(ORGS, json={"name": "X", "sector": "school", "orgnr": "944117785"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "organisasjonsnummer" in response.json()["detail"]


def test_duplicate_orgnr_is_409(client):
    client.post(ORGS, json={"name": "A", "sector": "school", "orgnr": "944117784"})
    response = client.post(ORGS, json={"name": "B", "sector": "school", "orgnr": "944117784"})
    assert response.status_code == 409
    assert "944117784" in response.json()["detail"]


def test_unknown_sector_is_422(client):
    assert client.post(ORGS, json={"name": "A", "sector": "bank"}).status_code == 422


def test_unknown_organisation_is_404(client):
    response = client.get(f"{ORGS}/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json()["status"] == 404
