"""Without a token every endpoint answers 401 — except /healthz, /fhir/metadata, the token endpoint, the JWKS and the
API documentation; with a token lacking the endpoint's scope, 403. Routes are read from the OpenAPI document, so a
new endpoint is covered the day it is added.
"""

import re
import uuid

import pytest

PUBLIC = {"/healthz", "/fhir/metadata", "/oauth/token", "/.well-known/jwks.json", "/federation/v1/transfers"}


def _operations(app):
    for path, methods in app.openapi()["paths"].items():
        for method in methods:
            yield method.upper(), path


UNKNOWN_CASE = "0b1d8f5e-5c3a-4f7e-9a57-3c3b8c1e2f10"  # fixed: the test ids must be the same in every xdist worker


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


def test_every_non_public_operation_is_401_without_a_token(app, client):
    checked = 0
    for method, path in _operations(app):
        if path in PUBLIC or path.startswith("/federation/"):
            continue
        response = client.request(method, _concrete(path), params={"identifier": "a|b", "format": "fhir-r4"}, json={})
        assert response.status_code == 401, f"{method} {path} answered {response.status_code} without a token"
        assert response.headers.get("www-authenticate", "").startswith("Bearer")
        checked += 1
    assert checked >= 30


def test_public_endpoints_answer_without_a_token(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/.well-known/jwks.json").status_code == 200


@pytest.mark.parametrize(
    "method,path,scope",
    [
        ("GET", "/api/v1/cases", "case.read"),
        ("POST", "/api/v1/cases", "case.write"),
        ("POST", "/api/v1/children", "case.write"),
        ("GET", "/api/v1/children?identifier=a|b", "case.read"),
        ("POST", "/api/v1/ingest/fhir-r4", "ingest"),
        ("POST", "/api/v1/organizations", "admin"),
        ("GET", "/api/v1/identity/review", "admin"),
        ("GET", f"/api/v1/cases/{UNKNOWN_CASE}/export?format=fhir-r4", "case.read"),
    ],
)
def test_a_token_without_the_scope_is_403(callers, method, path, scope):
    everything_else = tuple(s for s in ("ingest", "case.read", "case.write", "handover.read", "transfer", "admin") if s != scope)
    caller = callers.system("Skole", "school", scopes=everything_else)
    response = caller.http.request(method, path, headers={"Authorization": f"Bearer {caller.token}"}, json={})
    assert response.status_code == 403, f"{method} {path}: {response.status_code}"
    assert scope in response.json()["detail"]


def test_a_person_token_does_not_open_system_endpoints(callers):
    person = callers.person("04021950128")
    response = person.get("/api/v1/cases")
    assert response.status_code == 403


def test_a_system_token_does_not_open_guardian_endpoints(callers):
    system = callers.system("Skole", "school")
    assert system.get("/api/v1/me/children").status_code == 403


def test_federation_endpoints_take_no_token_but_only_a_hub_signed_message(app, client):
    """Hub-to-hub routes authenticate the sending hub by the signature over the message itself (see
    schemas/transfer-protocol.md): anything else is refused before any work, with a token or without."""
    routes = [(m, p) for m, p in _operations(app) if p.startswith("/federation/")]
    assert {p for _, p in routes} == {"/federation/v1/transfers", "/federation/v1/receipts", "/federation/v1/revocations"}
    for method, path in routes:
        plain = client.request(method, path, json={})
        assert plain.status_code == 415 and "application/jose" in plain.json()["detail"], path
        forged = client.request(method, path, content=b"a.b.c.d.e", headers={"content-type": "application/jose"})
        assert forged.status_code == 400, (path, forged.status_code, forged.text)
