"""The token gate: a pure ASGI middleware that checks the bearer token of every /api and /fhir request (not the
public ones) before the app reads a byte of the body; hub.auth.deps then decides whose it is and what it may do.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import anyio
from joserfc import jws
from joserfc.jwk import KeySet
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.api import routes
from hub.core.errors import HubError, Unauthorized

PUBLIC_PATHS = frozenset({"/fhir/metadata"})
_VERIFIED = "hub.verified_token"  # scope key: (token, claims) the gate verified


def needs_token(path: str) -> bool:
    """Whether a request to `path` is refused without a valid token (every /api and /fhir route but the metadata)."""
    if path in PUBLIC_PATHS:
        return False
    return path.startswith("/api/") or path == "/fhir" or path.startswith("/fhir/")


def bearer(header: str) -> str:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("this endpoint needs an access token: Authorization: Bearer <token>")
    return token.strip()


def verified_claims(scope: Scope, token: str) -> dict[str, Any] | None:
    """The claims the gate verified for `token` on this request, if it did."""
    found = scope.get(_VERIFIED)
    return found[1] if found is not None and found[0] == token else None


class SigningKeys:
    """The public parts of the hub's signing keys, read from its database at most every `ttl` seconds, and again when
    a token names a kid not among them (at most once per `gap` seconds, so unknown kids cannot flood the database)."""

    def __init__(self, engine: Any, *, ttl: float = 60.0, gap: float = 1.0) -> None:
        self.engine, self.ttl, self.gap = engine, ttl, gap
        self.key_set: KeySet | None = None
        self.kids: frozenset[str] = frozenset()
        self.loaded_at = float("-inf")
        self.lock = threading.Lock()

    def stale_for(self, kid: str | None) -> bool:
        age = time.monotonic() - self.loaded_at
        return age > self.ttl or (kid not in self.kids and age > self.gap)

    def load(self, kid: str | None) -> KeySet:
        """The key set, read anew when stale for `kid` (blocking: run it in a worker thread)."""
        from hub.db.engine import session_factory
        from hub.keys import service as keys

        with self.lock:
            if self.key_set is None or self.stale_for(kid):
                session = session_factory(self.engine)()
                try:
                    key_set = keys.verification_keys(session)
                finally:
                    session.close()
                self.key_set, self.kids = key_set, frozenset(k.kid for k in key_set.keys if k.kid)
                self.loaded_at = time.monotonic()
            return self.key_set

    async def for_kid(self, kid: str | None) -> KeySet:
        if self.key_set is not None and not self.stale_for(kid):
            return self.key_set
        return await anyio.to_thread.run_sync(self.load, kid)


def _kid(token: str) -> str | None:
    try:
        return jws.extract_compact(token.encode()).protected.get("kid")
    except Exception:  # noqa: BLE001 - the verification below names the fault
        return None


async def check(app: Any, token: str) -> dict[str, Any]:
    """The verified claims of `token` (one of this hub's access tokens or a person's ID token), as hub.auth.deps
    tells them apart; InvalidToken else."""
    from hub.auth import tokens

    settings = app.state.settings
    issuer = settings.base_url
    claimed = tokens.unverified_claims(token)
    if claimed.get("iss") == issuer:
        key_set = await app.state.signing_keys.for_kid(_kid(token))
        return tokens.verify_access_token_with(key_set, token=token, issuer=issuer)
    if tokens.is_person_token(claimed, settings=settings):
        return tokens.verify_id_token(token, settings=settings)
    raise tokens.not_for_this_hub(claimed, settings=settings)


class _Template:
    def __init__(self, path: str) -> None:
        self.path = path


class TokenGate:
    """Refuses (401) a request to a route that needs a token when it has none or its token does not verify, before
    anything reads its body: FastAPI parses a pydantic body before it runs the route's dependencies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not needs_token(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            token = bearer(request.headers.get("authorization", ""))
            claims = await check(scope["app"], token)
        except HubError as exc:
            from hub.api.problems import response_for

            scope.setdefault("route", _Template(routes.template_of(scope["app"], scope["path"])))  # for the access log
            await response_for(request, exc)(scope, receive, send)
            return
        scope[_VERIFIED] = (token, claims)
        await self.app(scope, receive, send)
