"""Operations against the served hub (`stafett serve`, `stafett worker` as processes on production settings): request
metrics by route template at /metrics, the caller's X-Request-ID echoed and on every INFO log line of its request,
/readyz 200 on a migrated database and 503 one revision behind, and the worker's metrics port.
"""

from __future__ import annotations

import uuid

import httpx
from prometheus_client.parser import text_string_to_metric_families

from hub.demo.load import DEMO_VISIT, valid_orgnr
from tests.processes import WorkerProcess, free_port, wait_until
from tests.served.conftest import make_served_hub


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for f in text_string_to_metric_families(text) for s in f.samples}


def test_request_metrics_name_route_templates_not_paths(served):
    reader = served.add_system("Haugesund barnevern, metrics", "social", valid_orgnr(93000401), "case.read")
    missing = uuid.uuid4()
    assert reader.get(f"/api/v1/cases/{missing}").status_code == 404
    answer = served.http.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    scrape = _samples(answer.text)
    route = (("method", "GET"), ("route", "/api/v1/cases/{case_id}"), ("status", "404"))
    assert scrape[("stafett_http_requests_total", route)] >= 1
    assert scrape[("stafett_http_request_duration_seconds_count", route[:2])] >= 1
    assert str(missing) not in answer.text and "/api/v1/cases/" + str(missing)[:8] not in answer.text
    assert scrape[("stafett_outbox_scrape_ok", ())] == 1


def test_the_request_id_is_echoed_and_on_every_info_line_of_the_request(served):
    clinic = served.add_system("Haugesund helsestasjon, request ids", "health", valid_orgnr(93000402), "ingest")
    rid = f"served-{uuid.uuid4().hex[:12]}"
    answer = clinic.post("/api/v1/ingest/fhir-r4", content=DEMO_VISIT.read_bytes(),
                         headers={"content-type": "application/fhir+json", "X-Request-ID": rid})
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-request-id"] == rid

    def lines():
        found = [line for line in served.log_lines() if line.get("request_id") == rid]
        return found if any(line.get("message") == "request" for line in found) else None

    ours = wait_until(lines, timeout=10, what="the request's log lines")
    assert {(line["logger"], line["message"]) for line in ours} >= {("hub.ingest", "ingested"), ("hub.access", "request")}
    assert all(line["level"] == "INFO" for line in ours)
    access = [line for line in served.log_lines() if line.get("message") == "request" and line.get("route") == "/api/v1/ingest/{format_id}"]
    assert all(line.get("request_id") for line in access)  # every request has one, the caller's or the hub's own
    for line in ours:
        assert "04021950128" not in str(line) and "Emma" not in str(line)  # the payload's child: never in a log line

    made = served.http.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["x-request-id"]
    assert made != "bad id with spaces" and len(made) == 32


def test_readyz_is_ready_at_head_and_not_one_revision_behind(tmp_path, oidc_jwks_file, oidc_key):
    hub = make_served_hub("readyz-1106", "1106", tmp_path, oidc_jwks_file, oidc_key)
    hub.start()
    try:
        ready = hub.http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        hub.cli("db", "downgrade", "previous", "--yes")
        behind = hub.http.get("/readyz")
        assert behind.status_code == 503 and behind.headers["content-type"].startswith("application/problem+json")
        assert behind.json()["checks"]["schema"] == "behind" and "stafett db upgrade" in behind.json()["reasons"][0]
        assert hub.http.get("/healthz").status_code == 200
        hub.cli("db", "upgrade")
        assert hub.http.get("/readyz").status_code == 200
    finally:
        hub.stop()
        hub.db.drop()


def test_the_worker_serves_its_metrics_on_its_port(served, tmp_path):
    port = free_port()
    worker = WorkerProcess("metrics-worker", served.db, tmp_path / "metrics-worker.log", served.url, served.municipality,
                           env_extra={"HUB_WORKER_METRICS_PORT": str(port)})
    worker.start()
    try:
        def scraped():
            assert worker.proc.poll() is None, (tmp_path / "metrics-worker.log").read_text()[-2000:]
            try:
                return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except httpx.HTTPError:
                return None

        scrape = _samples(wait_until(scraped, timeout=30, interval=0.2, what="the worker's metrics port"))
        assert scrape[("stafett_outbox_scrape_ok", ())] == 1
        assert ("stafett_outbox_depth", (("kind", "transfer.package"),)) in scrape  # every kind the worker delivers
    finally:
        worker.stop()
