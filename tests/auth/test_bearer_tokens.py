"""A bearer token that is not this hub's (another hub's access token, a JWT signed by some other key) is refused as
invalid for this hub (401, error="invalid_token"); OpenID Connect configuration is named only when it is the cause.
"""

from __future__ import annotations

import time
import uuid

from joserfc import jwt

from tests.auth_helpers import client_key, make_assertion, token_form

OTHER_HUB = "https://hub-b.test.invalid"
NO_OIDC = {"oidc_issuer": None, "oidc_audience": None}  # no issuer: no ID token is accepted


def _another_hubs_token(make_hub) -> str:
    """A real access token, issued by a second hub with its own keys and public URL."""
    http, callers = make_hub(public_url=OTHER_HUB)
    client_id, key = callers.register(callers.organization("Tysvær helsestasjon", "health", kommune="1146"), ("case.read",))
    answer = http.post("/oauth/token", data=token_form(make_assertion(client_id, key, OTHER_HUB + "/oauth/token"), "case.read"))
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def _stranger_jwt() -> str:
    now = int(time.time())
    claims = {"iss": "https://elsewhere.test.invalid", "sub": "someone", "aud": "anyone", "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}
    return jwt.encode({"alg": "ES256", "kid": "stranger"}, claims, client_key("stranger"))


def _refused(http, path: str, token: str):
    response = http.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, (path, response.status_code, response.text)
    challenge = response.headers.get("www-authenticate", "")
    assert challenge.startswith("Bearer") and 'error="invalid_token"' in challenge, challenge
    return response


def test_a_foreign_token_is_not_valid_for_a_hub_without_openid_connect(make_hub):
    http, _ = make_hub(**NO_OIDC)
    for token in (_another_hubs_token(make_hub), _stranger_jwt(), "not-a-jwt"):
        for path in ("/api/v1/cases", "/api/v1/me/children"):
            response = _refused(http, path, token)
            assert response.headers["content-type"].startswith("application/problem+json")
            detail = response.json()["detail"]
            assert "not valid for this hub" in detail and "OpenID" not in detail, detail
        fhir = _refused(http, "/fhir/Patient?identifier=a|b", token)
        diagnostics = fhir.json()["issue"][0]["diagnostics"]
        assert "not valid for this hub" in diagnostics and "OpenID" not in diagnostics, diagnostics


def test_a_persons_id_token_at_a_hub_without_openid_connect_names_the_missing_issuer(make_hub):
    http, callers = make_hub(**NO_OIDC)
    person = callers.person("15038010015")
    detail = _refused(http, "/api/v1/me/children", person.token).json()["detail"]
    assert "no OpenID Connect issuer configured" in detail, detail


def test_a_foreign_token_is_not_taken_for_an_id_token_where_openid_connect_is_configured(make_hub, callers):
    """The hub under test trusts an OpenID Connect issuer: another hub's token is still just not valid here."""
    for token in (_another_hubs_token(make_hub), _stranger_jwt()):
        detail = _refused(callers.http, "/api/v1/cases", token).json()["detail"]
        assert "not valid for this hub" in detail and "ID token" not in detail, detail
    # a person's ID token still works there, and a system token of this hub still opens system routes
    assert callers.person("15038010015").get("/api/v1/me/children").status_code == 200
    assert callers.system("Skole", "school").get("/api/v1/cases").status_code == 200


def test_a_request_without_a_token_gets_a_challenge_without_an_error_code(client):
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer") and "error=" not in response.headers["www-authenticate"]
