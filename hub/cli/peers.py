"""`stafett peers add|list|remove|refresh`: the registry of other hubs (kommunenummer -> base URL) and their keys.

`add` fetches the peer's /.well-known/jwks.json at once when the peer answers (later on demand otherwise).
"""

from __future__ import annotations

import typer
from rich.table import Table

from hub.cli.common import console, database, fail, settings
from hub.core.errors import HubError
from hub.peers import service

app = typer.Typer(help="Other hubs this hub transfers cases to and from.", no_args_is_help=True)


@app.command("add")
def add(
    municipality: list[str] = typer.Option(..., "--municipality", help="kommunenummer the peer serves (repeat for several)"),
    url: str = typer.Option(..., "--url", help="the peer's base URL (its HUB_PUBLIC_URL)"),
) -> None:
    """Register a peer hub (or add municipalities to it) and fetch its public keys."""
    try:
        with database() as session:
            peer = service.add_peer(session, municipalities=municipality, base_url=url, timeout=settings().transfer_http_timeout_seconds)
            line = f"peer: {peer.base_url} municipalities: {' '.join(peer.municipalities)} keys: {'fetched' if peer.jwks else 'not yet fetched'}"
    except HubError as exc:
        fail(exc.detail)
    typer.echo(line)


@app.command("list")
def list_() -> None:
    """List registered peers."""
    with database() as session:
        table = Table("base URL", "municipalities", "keys", "fetched")
        for peer in service.list_peers(session):
            kids = " ".join(k.get("kid", "?") for k in (peer.jwks or {}).get("keys", []))
            fetched = peer.jwks_fetched_at.isoformat(timespec="seconds") if peer.jwks_fetched_at else "never"
            table.add_row(peer.base_url, " ".join(peer.municipalities), kids or "-", fetched)
    console.print(table)


@app.command("remove")
def remove(
    url: str = typer.Option(None, "--url", help="remove the peer with this base URL"),
    municipality: str = typer.Option(None, "--municipality", help="or: stop routing this kommunenummer to its peer"),
) -> None:
    """Remove a peer, or one municipality from it."""
    if not url and not municipality:
        fail("give --url or --municipality")
    try:
        with database() as session:
            peer = service.remove_peer(session, base_url=url, municipality=municipality)
            name = peer.base_url
    except HubError as exc:
        fail(exc.detail)
    typer.echo(f"removed: {name}{' ' + municipality if municipality and not url else ''}")


@app.command("refresh")
def refresh() -> None:
    """Fetch every peer's keys again now."""
    with database() as session:
        for peer in service.list_peers(session):
            try:
                service.refresh_keys(session, peer=peer)
                typer.echo(f"refreshed: {peer.base_url}")
            except HubError as exc:
                console.print(f"[yellow]not refreshed:[/yellow] {peer.base_url}: {exc.detail}")
