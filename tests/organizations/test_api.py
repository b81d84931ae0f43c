"""Organisations over the API: admin creates (organisasjonsnummer validated, duplicates refused), systems read."""

ORGS = "/api/v1/organizations"


def test_create_and_read_organisation(callers):
    admin = callers.system("Haugesund kommune", "municipality", scopes=("admin",))
    created = admin.post(ORGS, json={"name": "Haugesund helsestasjon", "sector": "health", "orgnr": "944117784", "kommunenummer": "1106"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["orgnr"] == "944117784" and body["sector"] == "health"
    assert admin.get(f"{ORGS}/{body['id']}").json()["name"] == "Haugesund helsestasjon"
    assert body["id"] in [o["id"] for o in admin.get(ORGS, params={"kommunenummer": "1106"}).json()]
    assert admin.get(ORGS, params={"kommunenummer": "1146"}).json() == []


def test_only_admin_creates_organisations(callers):
    school = callers.system("Skole", "school", scopes=("case.read", "case.write"))
    response = school.post(ORGS, json={"name": "X", "sector": "school"})
    assert response.status_code == 403 and "admin" in response.json()["detail"]


def test_invalid_orgnr_is_422_naming_the_fault(callers):
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    response = admin.post(ORGS, json={"name": "X", "sector": "school", "orgnr": "944117785"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "organisasjonsnummer" in response.json()["detail"]


def test_duplicate_orgnr_is_409(callers):
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    admin.post(ORGS, json={"name": "A", "sector": "school", "orgnr": "944117784"})
    response = admin.post(ORGS, json={"name": "B", "sector": "school", "orgnr": "944117784"})
    assert response.status_code == 409
    assert "944117784" in response.json()["detail"]


def test_unknown_sector_is_422(callers):
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    assert admin.post(ORGS, json={"name": "A", "sector": "bank"}).status_code == 422


def test_unknown_organisation_is_404(callers):
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    response = admin.get(f"{ORGS}/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_organisation_with_other_identifiers_reads_back(callers):
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    created = admin.post(ORGS, json={"name": "Bergen, bydel Bergenhus", "sector": "child_welfare", "identifiers": [{"system": "urn:ks:bydel:1201", "value": "02"}]})
    assert created.status_code == 201, created.text
    assert admin.get(f"{ORGS}/{created.json()['id']}").json()["identifiers"] == [{"system": "urn:ks:bydel:1201", "value": "02"}]
    assert any(o["identifiers"] for o in admin.get(ORGS).json())
