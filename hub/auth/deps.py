"""FastAPI dependencies that authenticate a request and check its scope: `require("case.read")` for systems,
`person` for guardians and young people. The principal is kept on request.state for the audit trail.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, Request

from hub.api.deps import DbSession
from hub.auth import clients, gate, tokens
from hub.auth.models import ClientStatus
from hub.auth.principal import Principal
from hub.core.errors import Forbidden, InvalidToken


def issuer_of(request: Request) -> str:
    """The hub's base URL from its settings: never from the request (a Host header is the caller's to choose)."""
    return request.app.state.settings.base_url


def token_endpoint_of(request: Request) -> str:
    return issuer_of(request) + "/oauth/token"


def _bearer(request: Request) -> str:
    return gate.bearer(request.headers.get("authorization", ""))


def authenticate(request: Request, session: DbSession) -> Principal:
    token = _bearer(request)
    issuer = issuer_of(request)
    settings = request.app.state.settings
    claimed = tokens.unverified_claims(token)
    if claimed.get("iss") == issuer:
        # The gate (hub.auth.gate) checked this token's signature and claims before the body was read.
        claims = gate.verified_claims(request.scope, token) or tokens.verify_access_token(session, token=token, issuer=issuer)
        found = clients.get_client_with_organization(session, client_id=claims["sub"])
        if found is None or found[0].status != ClientStatus.active:
            raise InvalidToken("the client of this token is revoked")
        client, organization = found
        if claims.get("org") != str(organization.id):
            raise InvalidToken("the access token names another organisation than its client's")
        principal = Principal(
            kind="client",
            token_id=claims["jti"],
            scopes=frozenset(claims.get("scope", "").split()),
            client_id=client.client_id,
            organization=organization,
        )
    elif tokens.is_person_token(claimed, settings=settings):
        claims = gate.verified_claims(request.scope, token) or tokens.verify_id_token(token, settings=settings)
        principal = Principal(kind="person", token_id=str(claims.get("jti") or claims.get("sid") or ""), national_id=claims["pid"])
    else:
        raise tokens.not_for_this_hub(claimed, settings=settings)
    request.state.principal = principal
    return principal


def require(scope: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits a system client whose token carries `scope`."""

    async def check(principal: Principal = Depends(authenticate, scope="function")) -> Principal:
        # async: a check without I/O runs on the event loop instead of taking a worker thread.
        if principal.kind != "client":
            raise Forbidden("this endpoint is for systems; guardians and young people use /api/v1/me")
        if scope not in principal.scopes:
            raise Forbidden(f"the access token lacks the scope {scope!r}")
        return principal

    check.__name__ = f"require_{scope.replace('.', '_')}"
    return check


async def person(principal: Principal = Depends(authenticate, scope="function")) -> Principal:
    if principal.kind != "person":
        raise Forbidden("this endpoint is for guardians and young people (an ID token)")
    return principal
