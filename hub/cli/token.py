"""`stafett token`: a client-side helper that signs a private_key_jwt assertion with a key file and fetches an
access token from a hub — the one-line way to try the API (used by the demo).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import typer
from joserfc import jwt
from joserfc.jwk import ECKey

from hub.cli.common import fail
from hub.cli.keyfile import read_key_file


def request_token(*, hub: str, client_id: str, private_jwk: dict, scope: str | None = None) -> str:
    try:
        key = ECKey.import_key(private_jwk)
    except Exception as exc:  # noqa: BLE001 - any import fault means the file holds no usable EC key
        raise ValueError(f"the key file's private_jwk is not an EC private key: {exc}") from None
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
    key: Path = typer.Option(..., "--key", help="key file: from `stafett clients keygen`, or written by `stafett demo`"),
    client_id: str = typer.Option(None, "--client-id", help="the client_id `stafett clients add` printed (default: the key file's)"),
    hub: str = typer.Option("http://127.0.0.1:8000", "--hub", help="the hub's base URL (its HUB_PUBLIC_URL)"),
    scope: str = typer.Option(None, "--scope", help="space-separated scopes (default: all the client has)"),
) -> None:
    """Print an access token for the client whose private key is in KEY."""
    try:
        file_client_id, private_jwk = read_key_file(key)
    except ValueError as exc:
        fail(str(exc))
    chosen = client_id or file_client_id
    if not chosen:
        fail(f"{key} names no client: give --client-id (the client_id `stafett clients add` printed)")
    try:
        typer.echo(request_token(hub=hub, client_id=chosen, private_jwk=private_jwk, scope=scope))
    except (RuntimeError, httpx.HTTPError, ValueError) as exc:
        fail(str(exc))
