"""`stafett clients keygen|add|list|revoke`: make a client's key pair, register systems with their organisation,
scopes and public JWK set. `add` prints `client_id: <id>`; the client then asks /oauth/token with private_key_jwt.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from hub.auth import clients
from hub.cli.common import console, database, fail
from hub.cli.keyfile import generate_key, public_jwks, write_key_file
from hub.core.errors import HubError
from hub.organizations import repository as organizations
from hub.organizations.models import Organization

app = typer.Typer(help="System clients (OAuth2 client credentials with private_key_jwt).", no_args_is_help=True)


@app.command("keygen")
def keygen(
    out: Path = typer.Option(..., "--out", help="file for the private key (written readable by you only)"),
    jwks: Path = typer.Option(None, "--jwks", help="file for the public JWK set (default: print it)"),
    force: bool = typer.Option(False, "--force", help="overwrite existing files"),
) -> None:
    """Make a P-256 key pair for a client: the private key stays with the client's system (`stafett token --key`),
    the public JWK set is what the operator registers (`stafett clients add --jwks`)."""
    for path in (out, jwks):
        if path is not None and path.exists() and not force:
            fail(f"{path} exists; give --force to overwrite it")
    key = generate_key()
    public = json.dumps(public_jwks(key), indent=2) + "\n"
    try:
        write_key_file(out, private_jwk=key.as_dict(private=True))
        if jwks is not None:
            jwks.parent.mkdir(parents=True, exist_ok=True)
            jwks.write_text(public)
    except OSError as exc:
        fail(f"cannot write the key files: {exc}")
    if jwks is None:
        typer.echo(public, nl=False)
    else:
        console.print(f"private key: {out}\npublic JWK set: {jwks} (kid {key.kid})", highlight=False, soft_wrap=True)


@app.command("add")
def add(
    org: str = typer.Option(..., "--org", help="organisasjonsnummer of the client's organisation (`stafett orgs add`)"),
    scopes: str = typer.Option(..., "--scopes", help='space-separated, e.g. "ingest case.read"'),
    jwks: Path = typer.Option(..., "--jwks", help="file with the client's public JWK set (`stafett clients keygen`)"),
    name: str = typer.Option(None, "--name", help="a label for the client"),
) -> None:
    """Register a client and print its client_id."""
    try:
        key_set = json.loads(jwks.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"cannot read the JWK set {jwks}: {exc}")
    try:
        with database() as session:
            organization = organizations.by_orgnr(session, org)
            if organization is None:
                raise HubError(f"no organisation with organisasjonsnummer {org} (register it with `stafett orgs add`)")
            client = clients.register_client(
                session, organization=organization, scopes=clients.parse_scopes(scopes), jwks=key_set, name=name
            )
            client_id = client.client_id
    except HubError as exc:
        fail(exc.detail)
    typer.echo(f"client_id: {client_id}")


@app.command("list")
def list_() -> None:
    """List registered clients (client ids in full)."""
    with database() as session:
        rows = [(c, session.get(Organization, c.organization_id)) for c in clients.list_clients(session)]
    width = max((len(c.client_id) for c, _ in rows), default=len("client_id"))
    table = Table()
    table.add_column("client_id", no_wrap=True, min_width=width)
    for header in ("organisation", "scopes", "status", "created"):
        table.add_column(header, overflow="fold")
    for client, organization in rows:
        table.add_row(client.client_id, organization.name if organization else "?", " ".join(client.scopes),
                      client.status, client.created_at.isoformat(timespec="seconds"))
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
