"""`stafett worker`: run the background jobs (outbox delivery with retries, transfer expiry, peer key refresh).

`--once` delivers what is due now and exits (for cron and scripts).
"""

from __future__ import annotations

import typer

from hub.cli.common import check_secrets, migrated_settings, open_keys, settings as cli_settings
from hub.core.logging import configure


def worker(once: bool = typer.Option(False, "--once", help="deliver what is due now, then exit")) -> None:
    """Run the worker (APScheduler triggers; durable work in tables, safe with several workers on PostgreSQL)."""
    from hub.worker import runner

    check_secrets(cli_settings())
    settings = migrated_settings()
    configure(settings.log_level)
    open_keys(settings)
    if once:
        result = runner.run_once(settings)
        typer.echo(f"claimed: {result.claimed} " + " ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items())))
        return
    runner.run_forever(settings)
