"""GET /metrics (Prometheus text; only with HUB_METRICS_ENABLED, and then to a caller with HUB_METRICS_TOKEN or, when
no token is configured, to loopback callers only) and GET /readyz (200, or a problem+json 503 naming the reasons).
Neither is part of the OpenAPI document: they are for the platform, not for the systems that call the hub. What they
report is hub.ops's; this is its HTTP face, part of the app's assembly.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from hub.api import problems
from hub.core.errors import Forbidden, NotFound
from hub.ops import metrics, readiness

router = APIRouter(include_in_schema=False)


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _may_scrape(request: Request) -> None:
    settings = request.app.state.settings
    if not settings.metrics_enabled:
        raise NotFound("metrics are not enabled on this hub (HUB_METRICS_ENABLED)")
    token = settings.metrics_token
    if token is not None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.get_secret_value().encode()):
            raise Forbidden("a scrape of /metrics needs Authorization: Bearer <HUB_METRICS_TOKEN>")
    elif not _loopback(request.client.host if request.client else None):
        raise Forbidden("/metrics answers loopback callers only unless HUB_METRICS_TOKEN is set")


@router.get("/metrics")
def scrape(request: Request) -> Response:
    _may_scrape(request)
    return Response(metrics.scrape(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/readyz")
def readyz(request: Request) -> Response:
    state = request.app.state
    found = readiness.check(state.engine, heads=state.migration_heads, timeout=state.settings.ready_timeout_seconds)
    if found.ready:
        return JSONResponse({"status": "ready", "checks": found.checks})
    return problems.render(
        request, status=503, title="Not ready", detail="; ".join(found.reasons), slug="not-ready",
        extra={"reasons": found.reasons, "checks": found.checks}, headers={"Retry-After": "5"},
    )
