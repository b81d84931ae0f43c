"""`stafett worker`: run the background jobs every domain declares (outbox delivery, transfer expiry, key refresh, ...).

`--once` runs the jobs due at a worker's start once (delivers what is due now) and exits, for cron and scripts.
With HUB_WORKER_METRICS_PORT the running worker serves Prometheus metrics (its process, the outbox) on that port.
"""

from __future__ import annotations

import typer

from hub.cli.common import check_secrets, fail, migrated_settings, open_keys
from hub.cli.common import settings as cli_settings
from hub.core.logging import configure
from hub.core.settings import Settings


def worker(once: bool = typer.Option(False, "--once", help="run what is due now (deliver the outbox), then exit")) -> None:
    """Run the worker (APScheduler triggers; durable work in tables, safe with several workers on PostgreSQL)."""
    from hub.outbox.tasks import DeliveryRun
    from hub.worker import runner

    check_secrets(cli_settings())
    settings = migrated_settings()
    configure(settings.log_level)
    open_keys(settings)
    if once:
        delivery = runner.run_once(settings).get("outbox-delivery", DeliveryRun())
        assert isinstance(delivery, DeliveryRun)  # the outbox-delivery job's result
        typer.echo(f"claimed: {delivery.claimed} " + " ".join(f"{k}: {v}" for k, v in sorted(delivery.statuses.items())))
        return
    if settings.worker_metrics_port:
        _serve_metrics(settings, settings.worker_metrics_port)
    runner.run_forever(settings)


def _serve_metrics(settings: Settings, port: int) -> None:
    """The worker's metrics on HUB_WORKER_METRICS_HOST:HUB_WORKER_METRICS_PORT (a daemon thread; plain HTTP, no
    token: bind it to an interface only the scraper reaches). The outbox figures are the database's, as the hub's."""
    from prometheus_client import REGISTRY, start_http_server

    from hub.db.engine import make_engine
    from hub.ops.collectors import OutboxCollector

    REGISTRY.register(OutboxCollector(make_engine(settings.database_url)))
    try:
        start_http_server(port, addr=settings.worker_metrics_host)
    except OSError as exc:
        fail(f"cannot serve the worker's metrics on {settings.worker_metrics_host}:{port} (HUB_WORKER_METRICS_PORT): {exc.strerror}")
