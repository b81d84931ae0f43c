"""What every answer carries: Cache-Control: no-store (and Pragma: no-cache) wherever personal data may be in it,
bounded integer parameters (422, never a 500), Allow on a 405.
"""

import uuid

import pytest


@pytest.fixture
def system(callers):
    return callers.system()


def _no_store(response) -> bool:
    return response.headers.get("cache-control") == "no-store" and response.headers.get("pragma") == "no-cache"


def test_answers_that_may_carry_personal_data_are_not_stored(client, system):
    answers = {
        "case list": system.get("/api/v1/cases"),
        "401": client.get("/api/v1/cases"),
        "404": system.get(f"/api/v1/cases/{uuid.uuid4()}"),
        "422": system.get("/api/v1/cases", params={"limit": 0}),
        "child search": system.get("/api/v1/children", params={"identifier": "urn:oid:2.16.578.1.12.4.1.4.1|04021950128"}),
        "fhir search": system.get("/fhir/Patient", params={"identifier": "urn:oid:2.16.578.1.12.4.1.4.1|04021950128"}),
        "fhir read": system.get(f"/fhir/Patient/{uuid.uuid4()}"),
        "token error": client.post("/oauth/token", data={"grant_type": "password"}),
        "me": system.get("/api/v1/me/children"),
    }
    assert {name: _no_store(r) for name, r in answers.items()} == {name: True for name in answers}


def test_public_answers_without_personal_data_may_be_cached(client):
    for path in ("/fhir/metadata", "/healthz", "/.well-known/jwks.json", "/openapi.json"):
        assert "no-store" not in client.get(path).headers.get("cache-control", ""), path


@pytest.mark.parametrize("params", [{"offset": 2**63}, {"offset": 2**31}, {"offset": -1}, {"limit": 2**63}, {"limit": 10**30}])
def test_integer_parameters_out_of_range_are_422(system, params):
    response = system.get("/api/v1/cases", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert next(iter(params)) in response.json()["detail"]


def test_the_largest_offset_allowed_answers(system):
    assert system.get("/api/v1/cases", params={"offset": 2**31 - 1}).json() == []


def test_a_method_not_allowed_names_the_allowed_ones(system):
    response = system.http.request("DELETE", "/api/v1/cases", headers={"Authorization": f"Bearer {system.token}"})
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert response.headers["content-type"].startswith("application/problem+json")
