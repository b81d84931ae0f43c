"""Registering, listing and revoking system clients; a client belongs to an organisation and holds a public JWK set.

Used by the `stafett clients` CLI and the demo; revocation takes effect on the next request.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, cast

from joserfc.jwk import KeySet, KeySetSerialization
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from hub.auth.models import Client, ClientStatus
from hub.auth.principal import SCOPES
from hub.core.errors import InvalidInput, NotFound
from hub.organizations.models import Organization


def parse_scopes(text: str) -> list[str]:
    scopes = text.split()
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise InvalidInput(f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    if not scopes:
        raise InvalidInput("a client needs at least one scope")
    return sorted(set(scopes))


def check_public_jwks(jwks: dict[str, Any]) -> dict[str, Any]:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not keys:
        raise InvalidInput("the JWK set has no keys")
    for key in keys:
        if not key.get("kid"):
            raise InvalidInput("every key in the client's JWK set needs a kid")
        if key.get("kty") == "oct" or any(p in key for p in ("d", "p", "q", "dp", "dq", "qi")):
            raise InvalidInput(f"key {key.get('kid')}: give only public keys (no symmetric or private key material)")
    try:
        KeySet.import_key_set(cast(KeySetSerialization, jwks))  # its shape is what import_key_set checks
    except Exception as exc:  # noqa: BLE001 - any import fault is a bad key set
        raise InvalidInput(f"the JWK set is not valid: {exc}") from None
    return {"keys": keys}


def register_client(
    session: Session, *, organization: Organization, scopes: list[str], jwks: dict[str, Any], name: str | None = None
) -> Client:
    client = Client(
        client_id=f"stafett-{secrets.token_hex(8)}",
        organization_id=organization.id,
        name=name,
        scopes=scopes,
        jwks=check_public_jwks(jwks),
    )
    session.add(client)
    session.flush()
    return client


def get_client(session: Session, *, client_id: str) -> Client | None:
    return session.scalar(select(Client).where(Client.client_id == client_id))


def get_client_with_organization(session: Session, *, client_id: str) -> tuple[Client, Organization] | None:
    """The client and its organisation in one query (every request's token check); the organisation's identifiers
    load only if a handler asks for them (most never do)."""
    row = session.execute(
        select(Client, Organization)
        .join(Organization, Organization.id == Client.organization_id)
        .where(Client.client_id == client_id)
        .options(lazyload(Organization.identifiers))
    ).first()
    return None if row is None else (row[0], row[1])


def list_clients(session: Session) -> list[Client]:
    return list(session.scalars(select(Client).order_by(Client.created_at)))


def revoke_client(session: Session, *, client_id: str) -> Client:
    client = get_client(session, client_id=client_id)
    if client is None:
        raise NotFound(f"client {client_id} not found")
    client.status, client.revoked_at = ClientStatus.revoked, datetime.now(UTC)
    session.flush()
    return client
