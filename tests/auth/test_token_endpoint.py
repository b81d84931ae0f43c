"""POST /oauth/token with private_key_jwt: the happy path and every refused assertion (each would be a hole if accepted)."""

import base64
import json
import time
import uuid

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from tests.auth_helpers import client_key, make_assertion, token_form


@pytest.fixture
def registered(callers):
    org = callers.organization("Haugesund helsestasjon", "health")
    client_id, key = callers.register(org, scopes=("ingest", "case.read"))
    audience = str(callers.http.base_url).rstrip("/") + "/oauth/token"
    return callers.http, client_id, key, audience


def _post(http, assertion, scope=None):
    return http.post("/oauth/token", data=token_form(assertion, scope))


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_valid_assertion_gets_a_short_lived_token(registered):
    http, client_id, key, audience = registered
    response = _post(http, make_assertion(client_id, key, audience), "case.read")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "case.read" and body["expires_in"] <= 300
    claims = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[1] + "=="))
    assert claims["exp"] - claims["iat"] <= 300 and claims["sub"] == client_id
    assert response.headers["cache-control"] == "no-store"


def test_token_works_and_scope_is_enforced(registered):
    http, client_id, key, audience = registered
    token = _post(http, make_assertion(client_id, key, audience), "case.read").json()["access_token"]
    ok = http.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    lacking = http.post("/api/v1/ingest/fhir-r4", content=b"{}", headers={"Authorization": f"Bearer {token}", "content-type": "application/fhir+json"})
    assert lacking.status_code == 403 and "ingest" in lacking.json()["detail"]


def test_alg_none_is_refused(registered):
    http, client_id, _, audience = registered
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    response = _post(http, unsigned)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert "'none'" in response.json()["error_description"]


def test_hmac_signed_with_the_public_key_is_refused(registered):
    http, client_id, key, audience = registered
    public = json.dumps(key.as_dict(private=False)).encode()
    forged = make_assertion(client_id, OctKey.import_key(public, {"kid": key.kid}), audience, alg="HS256")
    response = _post(http, forged)
    assert response.status_code == 401 and "HS256" in response.json()["error_description"]


def test_unknown_kid_is_refused(registered):
    http, client_id, _, audience = registered
    stranger = client_key("not-registered")
    response = _post(http, make_assertion(client_id, stranger, audience))
    assert response.status_code == 401 and "kid" in response.json()["error_description"]


def test_signature_by_another_key_with_the_registered_kid_is_refused(registered):
    http, client_id, key, audience = registered
    impostor = client_key(key.kid)
    response = _post(http, make_assertion(client_id, impostor, audience))
    assert response.status_code == 401 and "signature" in response.json()["error_description"]


def test_expired_assertion_is_refused(registered):
    http, client_id, key, audience = registered
    response = _post(http, _expired(client_id, key, audience))
    assert response.status_code == 401 and "expired" in response.json()["error_description"]


def _expired(client_id, key, audience):
    now = int(time.time())
    return jwt.encode({"alg": "ES256", "kid": key.kid}, {"iss": client_id, "sub": client_id, "aud": audience, "iat": now - 8, "exp": now - 1, "jti": uuid.uuid4().hex}, key)


def test_wrong_audience_is_refused(registered):
    http, client_id, key, _ = registered
    response = _post(http, make_assertion(client_id, key, "https://other-hub.invalid/oauth/token"))
    assert response.status_code == 401 and "audience" in response.json()["error_description"]


def test_replayed_jti_is_refused(registered):
    http, client_id, key, audience = registered
    assertion = make_assertion(client_id, key, audience, jti="once-only")
    assert _post(http, assertion).status_code == 200
    again = _post(http, assertion)
    assert again.status_code == 401 and "replay" in again.json()["error_description"]
    fresh_same_jti = make_assertion(client_id, key, audience, jti="once-only")
    assert _post(http, fresh_same_jti).status_code == 401


def test_iat_far_from_now_is_refused(registered):
    http, client_id, key, audience = registered
    response = _post(http, make_assertion(client_id, key, audience, iat_offset=-30, lifetime=100))
    assert response.status_code == 401 and "iat" in response.json()["error_description"]


def test_lifetime_over_120_seconds_is_refused(registered):
    http, client_id, key, audience = registered
    response = _post(http, make_assertion(client_id, key, audience, lifetime=300))
    assert response.status_code == 401 and "120" in response.json()["error_description"]


def test_iss_and_sub_must_be_the_client(registered):
    http, client_id, key, audience = registered
    response = _post(http, make_assertion(client_id, key, audience, iss="someone-else"))
    assert response.status_code == 401


def test_scope_beyond_the_clients_is_refused(registered):
    http, client_id, key, audience = registered
    response = _post(http, make_assertion(client_id, key, audience), "case.read admin")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_revoked_client_is_refused_and_its_tokens_stop_working(registered, engine):
    from hub.auth import clients
    from hub.db.engine import session_scope

    http, client_id, key, audience = registered
    token = _post(http, make_assertion(client_id, key, audience), "case.read").json()["access_token"]
    with session_scope(engine) as session:
        clients.revoke_client(session, client_id=client_id)
    assert _post(http, make_assertion(client_id, key, audience)).status_code == 401
    assert http.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_other_grant_types_and_bodies_are_refused(registered):
    http, client_id, key, audience = registered
    form = token_form(make_assertion(client_id, key, audience))
    form["grant_type"] = "password"
    assert http.post("/oauth/token", data=form).json()["error"] == "unsupported_grant_type"
    assert http.post("/oauth/token", json={"grant_type": "client_credentials"}).status_code == 400


def test_forged_access_token_is_refused(registered, callers):
    http, *_ = registered
    stranger = client_key("x")
    now = int(time.time())
    issuer = str(http.base_url).rstrip("/")
    forged = jwt.encode({"alg": "ES256", "kid": "x"}, {"iss": issuer, "aud": issuer, "sub": "c", "exp": now + 60, "scope": "case.read", "org": str(uuid.uuid4()), "jti": "j"}, stranger)
    assert http.get("/api/v1/cases", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_jwks_publishes_public_keys_only(client):
    keys = client.get("/.well-known/jwks.json").json()["keys"]
    assert {k["use"] for k in keys} == {"sig", "enc"}
    assert all("d" not in k and "p" not in k for k in keys)


def test_a_token_request_waiting_for_the_database_does_not_stop_the_hub(callers, engine):
    """While another writer holds the lock, a token request waits in a worker thread, not on the event loop: the hub
    keeps answering (found by the 10,000-case transfer bench, where it stalled every request for the busy timeout)."""
    import threading
    import time

    from sqlalchemy import text

    from tests.conftest import BACKEND

    client_id, key = callers.register(callers.organization("Haugesund helsestasjon", "health"), ("case.read",))
    holding = engine.connect()
    if BACKEND == "sqlite":
        holding.execution_options(sqlite_immediate=True).begin()  # BEGIN IMMEDIATE: the write lock
    else:
        holding.execute(text("LOCK TABLE used_assertion IN EXCLUSIVE MODE"))
    token_done: list[float] = []
    waiter = threading.Thread(target=lambda: (callers.token(client_id, key, "case.read"), token_done.append(time.monotonic())))
    try:
        waiter.start()
        time.sleep(0.5)  # the token request is now waiting for the lock
        assert callers.http.get("/healthz").status_code == 200
        answered_while_locked = time.monotonic()
        assert not token_done, "the token request should still be waiting for the lock"
    finally:
        holding.rollback()
        holding.close()
    waiter.join(timeout=30)
    assert token_done and token_done[0] > answered_while_locked


def test_a_hub_signed_token_naming_another_organisation_than_its_clients_is_refused(registered, engine):
    # Only the hub can sign its tokens, and it writes the client's own organisation into them; the check stands behind
    # that, should a token ever say otherwise.
    from hub.core.settings import Settings
    from hub.db.engine import session_scope
    from hub.keys.service import SIGNING_ALG, signing_key

    http, client_id, key, audience = registered
    token = _post(http, make_assertion(client_id, key, audience), "case.read").json()["access_token"]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    with session_scope(engine) as session:
        hub_key = signing_key(session, settings=Settings(database_url=engine.url.render_as_string(hide_password=False)))
    other = jwt.encode({"alg": SIGNING_ALG, "kid": hub_key.kid, "typ": "at+jwt"}, {**claims, "org": str(uuid.uuid4())}, hub_key)
    assert http.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    refused = http.get("/api/v1/cases", headers={"Authorization": f"Bearer {other}"})
    assert refused.status_code == 401 and "another organisation" in refused.json()["detail"]
