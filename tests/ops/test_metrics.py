"""/metrics on an in-process hub: request counts by route template (never a raw path or id), ingest records by format
and outcome, the outbox read from the database at scrape time, the pool and the validation workers; who may scrape.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from hub.api.app import create_app
from hub.db.engine import session_scope
from hub.demo.load import DEMO_VISIT
from hub.outbox.models import ItemStatus, OutboxItem
from tests.auth_helpers import Callers
from tests.conftest import hub_settings

LOOPBACK = ("127.0.0.1", 50000)


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of a scrape."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(scrape: dict, name: str, **labels) -> float:
    return scrape.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def hub(db_url, oidc_jwks_file, oidc_key):
    """A hub reached from a loopback address (as a Prometheus on the same host scrapes it), with its callers."""
    app = create_app(hub_settings(db_url, oidc_jwks_file))
    with TestClient(app, client=LOOPBACK) as client:
        yield client, Callers(client, app.state.engine, oidc_key), app
    app.state.engine.dispose()


def test_requests_are_counted_by_route_template_and_ingest_by_format_and_outcome(hub):
    client, callers, _ = hub
    before = samples(client.get("/metrics").text)
    clinic = callers.system(scopes=("ingest", "case.read"))
    payload = DEMO_VISIT.read_bytes()
    first = clinic.post("/api/v1/ingest/fhir-r4", content=payload, headers={"content-type": "application/fhir+json"})
    assert first.status_code == 200, first.text
    again = clinic.post("/api/v1/ingest/fhir-r4", content=payload, headers={"content-type": "application/fhir+json"})
    assert again.status_code == 200, again.text
    (case_id,) = first.json()["cases"]
    assert clinic.get(f"/api/v1/cases/{case_id}").status_code == 200
    missing = uuid.uuid4()
    assert clinic.get(f"/api/v1/cases/{missing}").status_code == 404
    assert client.get(f"/no/such/{missing}").status_code == 404

    text = client.get("/metrics").text
    after = samples(text)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("stafett_http_requests_total", method="POST", route="/api/v1/ingest/{format_id}", status="200") == 2
    assert grew("stafett_http_requests_total", method="GET", route="/api/v1/cases/{case_id}", status="200") == 1
    assert grew("stafett_http_requests_total", method="GET", route="/api/v1/cases/{case_id}", status="404") == 1
    assert grew("stafett_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert grew("stafett_http_request_duration_seconds_count", method="GET", route="/api/v1/cases/{case_id}") == 2
    created = first.json()["created"]
    assert created > 0 and grew("stafett_ingest_records_total", format="fhir-r4", outcome="created") == created
    assert grew("stafett_ingest_records_total", format="fhir-r4", outcome="unchanged") == again.json()["unchanged"] > 0
    # Nothing of a child, a case or a raw path: no id, no national id, no name from the payload.
    for secret in (case_id, str(missing), "04021950128", "Emma"):
        assert secret not in text
    assert value(after, "stafett_db_pool_size") >= 1 and value(after, "stafett_validation_workers") == 1
    # The worker the app started validated both payloads and is idle again (read through the adapters' registry).
    assert value(after, "stafett_validation_workers_started") == 1
    assert value(after, "stafett_validation_workers_busy") == 0


def _item(kind: str, status: ItemStatus, *, due_ago: float = 0.0) -> OutboxItem:
    return OutboxItem(kind=kind, url="http://127.0.0.1:9/x", body=b"{}", status=status,
                      next_attempt_at=datetime.now(UTC) - timedelta(seconds=due_ago))


def test_the_outbox_is_read_from_the_database_at_each_scrape(hub):
    client, _, app = hub
    with session_scope(app.state.engine) as session:
        session.add_all([
            _item("test.metrics", ItemStatus.pending, due_ago=120),
            _item("test.metrics", ItemStatus.pending, due_ago=-3600),  # waiting for its backoff: not due
            _item("test.metrics", ItemStatus.delivering),
            _item("test.metrics", ItemStatus.parked),
            _item("test.metrics", ItemStatus.delivered),
            _item("test.metrics", ItemStatus.cancelled),
        ])
    scrape = samples(client.get("/metrics").text)
    assert value(scrape, "stafett_outbox_scrape_ok") == 1
    assert value(scrape, "stafett_outbox_depth", kind="test.metrics") == 3
    assert value(scrape, "stafett_outbox_parked", kind="test.metrics") == 1
    assert 120 <= value(scrape, "stafett_outbox_oldest_due_seconds", kind="test.metrics") < 300

    with session_scope(app.state.engine) as session:
        for item in session.query(OutboxItem).filter(OutboxItem.status.in_((ItemStatus.pending, ItemStatus.delivering))):
            item.status = ItemStatus.delivered
    scrape = samples(client.get("/metrics").text)
    # The kind stays listed at 0 once seen (a vanished series could not be told from a failed scrape).
    assert ("stafett_outbox_depth", (("kind", "test.metrics"),)) in scrape
    assert value(scrape, "stafett_outbox_depth", kind="test.metrics") == 0
    assert value(scrape, "stafett_outbox_oldest_due_seconds", kind="test.metrics") == 0
    assert value(scrape, "stafett_outbox_parked", kind="test.metrics") == 1


def test_only_loopback_callers_may_scrape_without_a_token(client):
    answer = client.get("/metrics")  # the TestClient's default address is "testclient", not loopback
    assert answer.status_code == 403 and answer.headers["content-type"].startswith("application/problem+json")


def test_with_a_token_every_scrape_must_carry_it(db_url, oidc_jwks_file):
    app = create_app(hub_settings(db_url, oidc_jwks_file, metrics_token="s3cret-scrape-token"))
    with TestClient(app, client=LOOPBACK) as client:
        assert client.get("/metrics").status_code == 403  # loopback alone is not enough once a token is set
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        answer = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
        assert answer.status_code == 200 and "stafett_outbox_scrape_ok" in answer.text
    app.state.engine.dispose()


def test_metrics_can_be_switched_off(db_url, oidc_jwks_file):
    app = create_app(hub_settings(db_url, oidc_jwks_file, metrics_enabled=False))
    with TestClient(app, client=LOOPBACK) as client:
        assert client.get("/metrics").status_code == 404
    app.state.engine.dispose()


def test_metrics_and_readyz_are_not_in_the_openapi_document(app):
    paths = app.openapi()["paths"]
    assert "/metrics" not in paths and "/readyz" not in paths and "/healthz" in paths
