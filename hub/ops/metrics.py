"""The hub's own Prometheus counters and histograms (requests by route template and status, ingest records by format
and outcome) and the scrape text of a registry; labels are templates, formats, kinds and codes, never values.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OUTCOMES = ("created", "updated", "unchanged")

REQUESTS = Counter(
    "stafett_http_requests", "HTTP requests answered, by method, route template and status", ("method", "route", "status")
)
LATENCY = Histogram(
    "stafett_http_request_duration_seconds", "Time from a request's arrival to the end of its answer, by route template",
    ("method", "route"), buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
INGEST_RECORDS = Counter(
    "stafett_ingest_records", "Canonical records written by ingest, by format and outcome (created, updated, unchanged)",
    ("format", "outcome"),
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request; `route` is the route template ("unmatched" for none), never the raw path."""
    method = method if method in METHODS else "OTHER"
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def count_ingest(format_id: str, *, created: int, updated: int, unchanged: int) -> None:
    for outcome, n in zip(OUTCOMES, (created, updated, unchanged), strict=True):
        if n:
            INGEST_RECORDS.labels(format_id, outcome).inc(n)


def scrape(*registries: CollectorRegistry) -> bytes:
    """The text exposition of the process-wide registry (these counters, the process and GC collectors) followed by
    `registries` (one app's database collectors)."""
    return b"".join(generate_latest(registry) for registry in (REGISTRY, *registries))
