"""/healthz is liveness only; /readyz checks the database and its schema revision (503 problem+json with reasons when
not ready); every request has an id, the caller's if well-formed, on its answer and on every log record it causes.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from hub.api.app import create_app
from hub.core.logging import RequestIdFilter, accepted_request_id
from hub.db.migrate import downgrade, upgrade
from hub.demo.load import DEMO_VISIT
from tests.conftest import hub_settings
from tests.processes import Database


def test_readyz_is_ready_on_a_migrated_database(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "ready", "checks": {"database": "ok", "schema": "ok"}}


def test_readyz_is_not_ready_one_revision_behind_and_healthz_stays_alive(tmp_path, oidc_jwks_file):
    db = Database.fresh(tmp_path, "readyz")
    try:
        app = create_app(hub_settings(db.url, oidc_jwks_file))
        with TestClient(app) as client:
            downgrade(db.url, "-1")
            answer = client.get("/readyz")
            assert answer.status_code == 503, answer.text
            assert answer.headers["content-type"].startswith("application/problem+json")
            problem = answer.json()
            assert problem["status"] == 503 and problem["checks"] == {"database": "ok", "schema": "behind"}
            assert "stafett db upgrade" in problem["reasons"][0] and problem["detail"] == problem["reasons"][0]
            assert client.get("/healthz").status_code == 200  # alive: restarting it would not migrate the database
            upgrade(db.url)
            assert client.get("/readyz").status_code == 200
        app.state.engine.dispose()
    finally:
        db.drop()


def test_readyz_is_not_ready_when_the_database_cannot_be_reached(tmp_path, oidc_jwks_file, db_url):
    app = create_app(hub_settings(db_url, oidc_jwks_file))
    with TestClient(app) as client:
        app.state.engine.dispose()
        app.state.engine = create_app(hub_settings("postgresql://nobody@127.0.0.1:9/none", oidc_jwks_file)).state.engine
        answer = client.get("/readyz")
        assert answer.status_code == 503, answer.text
        assert answer.json()["checks"] == {"database": "unreachable"}
        assert "nobody" not in answer.text  # the driver's message (host, user) is logged, not answered
    app.state.engine.dispose()


@pytest.mark.parametrize("given", ["abc-123", "7f3e2a", "trace:01HZX.2_a"])
def test_a_well_formed_request_id_is_kept(given):
    assert accepted_request_id(given) == given


@pytest.mark.parametrize("given", [None, "", "x" * 129, "two words", "a/b", "ø", "id-04021950128", "0402195012"+"8"])
def test_any_other_request_id_is_replaced(given):
    made = accepted_request_id(given)
    assert made != given and re.fullmatch(r"[0-9a-f]{32}", made)


def test_the_request_id_is_on_the_answer_and_every_log_record_of_the_request(client, callers, caplog):
    caplog.set_level("INFO")
    caplog.handler.addFilter(RequestIdFilter())  # as hub.core.logging.configure() sets up the served hub's handler
    clinic = callers.system(scopes=("ingest",))
    caplog.clear()
    answer = clinic.post("/api/v1/ingest/fhir-r4", content=DEMO_VISIT.read_bytes(),
                         headers={"content-type": "application/fhir+json", "X-Request-ID": "ingest-run-42"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-request-id"] == "ingest-run-42"
    ours = [r for r in caplog.records if getattr(r, "request_id", None) == "ingest-run-42"]
    assert {r.name for r in ours} >= {"hub.ingest", "hub.access"}, [(r.name, r.getMessage()) for r in caplog.records]
    assert all(getattr(r, "request_id", None) == "ingest-run-42" for r in caplog.records if r.name in ("hub.ingest", "hub.access"))

    caplog.clear()
    fresh = client.get("/healthz", headers={"X-Request-ID": "not ok!"})
    made = fresh.headers["x-request-id"]
    assert made != "not ok!" and [r.request_id for r in caplog.records if r.name == "hub.access"] == [made]
