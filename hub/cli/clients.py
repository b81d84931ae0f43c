"""`stafett clients add|list|revoke`: register systems with their organisation, scopes and public JWK set.

`add` prints `client_id: <id>`; the client then asks /oauth/token with a private_key_jwt assertion.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import select

from hub.auth import clients
from hub.cli.common import console, database, fail
from hub.core.errors import HubError
from hub.organizations.models import Organization

app = typer.Typer(help="System clients (OAuth2 client credentials with private_key_jwt).", no_args_is_help=True)


@app.command("add")
def add(
    org: str = typer.Option(..., "--org", help="organisasjonsnummer of the client's organisation (`stafett orgs add`)"),
    scopes: str = typer.Option(..., "--scopes", help='space-separated, e.g. "ingest case.read"'),
    jwks: Path = typer.Option(..., "--jwks", exists=True, readable=True, help="file with the client's public JWK set"),
    name: str = typer.Option(None, "--name", help="a label for the client"),
) -> None:
    """Register a client and print its client_id."""
    try:
        key_set = json.loads(jwks.read_text())
        with database() as session:
            organization = session.scalar(select(Organization).where(Organization.orgnr == org))
            if organization is None:
                raise HubError(f"no organisation with organisasjonsnummer {org} (register it with `stafett orgs add`)")
            client = clients.register_client(
                session, organization=organization, scopes=clients.parse_scopes(scopes), jwks=key_set, name=name
            )
            client_id = client.client_id
    except (HubError, json.JSONDecodeError) as exc:
        fail(str(getattr(exc, "detail", exc)))
    typer.echo(f"client_id: {client_id}")


@app.command("list")
def list_() -> None:
    """List registered clients."""
    with database() as session:
        table = Table("client_id", "organisation", "scopes", "status", "created")
        for client in clients.list_clients(session):
            organization = session.get(Organization, client.organization_id)
            table.add_row(client.client_id, organization.name if organization else "?", " ".join(client.scopes), client.status, client.created_at.isoformat(timespec="seconds"))
    console.print(table)


@app.command("revoke")
def revoke(client_id: str = typer.Argument(..., help="the client to revoke")) -> None:
    """Revoke a client: its tokens stop working on the next request."""
    try:
        with database() as session:
            clients.revoke_client(session, client_id=client_id)
    except HubError as exc:
        fail(exc.detail)
    typer.echo(f"revoked: {client_id}")
