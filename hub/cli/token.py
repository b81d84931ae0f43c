"""`stafett token`: a client-side helper that signs a private_key_jwt assertion with a key file and fetches an
access token from a hub — the one-line way to try the API (used by the demo).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import httpx
import typer
from joserfc import jwt
from joserfc.jwk import ECKey

from hub.cli.common import console


def request_token(*, hub: str, client_id: str, private_jwk: dict, scope: str | None = None) -> str:
    key = ECKey.import_key(private_jwk)
    audience = hub.rstrip("/") + "/oauth/token"
    now = int(time.time())
    assertion = jwt.encode(
        {"alg": "ES256", "kid": key.kid},
        {"iss": client_id, "sub": client_id, "aud": audience, "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex},
        key,
    )
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
    }
    if scope:
        form["scope"] = scope
    response = httpx.post(audience, data=form, timeout=10)
    if response.status_code != 200:
        raise RuntimeError(f"token request refused ({response.status_code}): {response.text}")
    return response.json()["access_token"]


def token(
    key: Path = typer.Option(..., "--key", exists=True, help="key file written by `stafett demo` (client_id + private JWK)"),
    hub: str = typer.Option("http://127.0.0.1:8000", "--hub", help="the hub's base URL"),
    scope: str = typer.Option(None, "--scope", help="space-separated scopes (default: all the client has)"),
) -> None:
    """Print an access token for the client in KEY."""
    data = json.loads(key.read_text())
    try:
        typer.echo(request_token(hub=hub, client_id=data["client_id"], private_jwk=data["private_jwk"], scope=scope))
    except (RuntimeError, httpx.HTTPError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
