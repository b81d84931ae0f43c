"""Edges of the token checks: ID tokens only for the configured audience and with a bounded lifetime, the token
audience never from the Host header, and the token endpoint's rate limits (429 with Retry-After).
"""

import time

import pytest

from tests.auth_helpers import make_assertion, token_form

PID = "04021950128"
YEAR = 365 * 24 * 3600


def test_an_id_token_for_another_audience_is_refused(callers):
    assert callers.person(PID).get("/api/v1/me/children").status_code == 200
    response = callers.person(PID, aud="some-other-service").get("/api/v1/me/children")
    assert response.status_code == 401 and "aud" in response.json()["detail"]


def test_without_a_configured_audience_no_id_token_is_accepted(make_hub):
    _, callers = make_hub(oidc_audience=None)
    for audience in ("stafett-hub-test", "some-other-service"):
        response = callers.person(PID, aud=audience).get("/api/v1/me/children")
        assert response.status_code == 401, audience
        assert "HUB_OIDC_AUDIENCE" in response.json()["detail"]


# The claims are made when the test runs, not when it is collected: a suite that takes over ten minutes to reach
# this test would otherwise send an `iat` already in the past as "not valid yet".
@pytest.mark.parametrize(
    "claims,reason",
    [
        (lambda now: {"exp": now + 10 * YEAR}, "lives longer"),
        (lambda now: {"iat": now - 10, "exp": now + 2 * 3600}, "lives longer"),
        (lambda now: {"iat": now + 600}, "not valid yet"),
        (lambda now: {"iat": None}, "iat"),
    ],
    ids=["ten-years", "two-hours", "issued-in-the-future", "no-iat"],
)
def test_an_id_token_beyond_the_lifetime_bound_is_refused(callers, claims, reason):
    response = callers.person(PID, **claims(int(time.time()))).get("/api/v1/me/children")
    assert response.status_code == 401 and reason in response.json()["detail"], response.text


def test_the_lifetime_bound_is_a_setting(make_hub):
    _, callers = make_hub(oidc_max_token_lifetime_seconds=3 * 3600)
    assert callers.person(PID, exp=int(time.time()) + 2 * 3600).get("/api/v1/me/children").status_code == 200


def test_the_token_audience_never_follows_the_host_header(make_hub):
    http, callers = make_hub(public_url=None, host="127.0.0.1", port=8000)
    org = callers.organization("Haugesund helsestasjon", "health")
    client_id, key = callers.register(org, scopes=("case.read",))
    # The TestClient sends Host: testserver; an assertion made for that host is for another hub.
    by_host = http.post("/oauth/token", data=token_form(make_assertion(client_id, key, "http://testserver/oauth/token")))
    assert by_host.status_code == 401 and "http://127.0.0.1:8000/oauth/token" in by_host.json()["error_description"]
    evil = http.post("/oauth/token", headers={"Host": "evil.example"},
                     data=token_form(make_assertion(client_id, key, "http://evil.example/oauth/token")))
    assert evil.status_code == 401
    ok = http.post("/oauth/token", headers={"Host": "evil.example"},
                   data=token_form(make_assertion(client_id, key, "http://127.0.0.1:8000/oauth/token")))
    assert ok.status_code == 200, ok.text
    token = ok.json()["access_token"]
    assert http.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}", "Host": "evil.example"}).status_code == 200


def _register(callers, name="Haugesund helsestasjon"):
    org = callers.organization(name, "health")
    return callers.register(org, scopes=("case.read",))


def test_a_client_asking_too_often_gets_429_with_retry_after(make_hub):
    http, callers = make_hub(token_burst_per_client=3, token_rate_per_client=1.0)
    client_id, key = _register(callers)
    audience = "http://testserver/oauth/token"
    answers = [http.post("/oauth/token", data=token_form(make_assertion(client_id, key, audience))) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json()["error"] == "temporarily_unavailable"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["cache-control"] == "no-store"
    # Another client is not held back by this one; garbage naming the first client does not spend its bucket.
    other_id, other_key = _register(callers, "Tysvær helsestasjon")
    assert http.post("/oauth/token", data=token_form(make_assertion(other_id, other_key, audience))).status_code == 200


def test_forged_requests_naming_a_client_do_not_spend_its_bucket(make_hub):
    http, callers = make_hub(token_burst_per_client=2, token_rate_per_client=1.0)
    client_id, key = _register(callers)
    forged = {**token_form("not.a.jwt"), "client_id": client_id}
    assert all(http.post("/oauth/token", data=forged).status_code == 401 for _ in range(5))
    assert http.post("/oauth/token", data=token_form(make_assertion(client_id, key, "http://testserver/oauth/token"))).status_code == 200


def test_one_address_asking_too_often_gets_429_whatever_it_sends(make_hub):
    http, _callers = make_hub(token_burst_per_address=5, token_rate_per_address=1.0)
    answers = [http.post("/oauth/token", data={"grant_type": "client_credentials"}) for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert int(answers[-1].headers["retry-after"]) >= 1
