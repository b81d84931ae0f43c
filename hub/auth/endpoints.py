"""Routes of the authorization server: POST /oauth/token (client_credentials with a private_key_jwt assertion)
and GET /.well-known/jwks.json (the hub's public keys).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from hub.api.deps import DbSession
from hub.auth import ratelimit, tokens
from hub.auth.deps import issuer_of, token_endpoint_of
from hub.db.engine import begin_writing
from hub.keys import service as keys

router = APIRouter(tags=["auth"])

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _oauth_error(exc: tokens.OAuthError) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_client"'
    if exc.status == 429:
        headers["Retry-After"] = str(exc.extra["retry_after"])
    return JSONResponse({"error": exc.error, "error_description": exc.detail}, status_code=exc.status, headers=headers)


@router.post("/oauth/token", summary="OAuth2 client credentials with a private_key_jwt client assertion")
async def token(request: Request) -> JSONResponse:
    address = request.client.host if request.client else "unknown"
    wait = _limits(request, "address").take(address)
    if wait:
        return _oauth_error(_too_many("from this address", wait))
    body = await request.body()  # (capped by hub.api.edges.BodyLimit at HUB_TOKEN_REQUEST_MAX_BYTES)
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return _oauth_error(tokens.OAuthError("invalid_request", "send the token request as application/x-www-form-urlencoded"))
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}
    # The database work runs in a worker thread: waiting for the write lock on the event loop would stop every other
    # request, including the one holding the lock from finishing (a stall until the busy timeout).
    return await run_in_threadpool(_issue, request, form)


def _limits(request: Request, kind: str) -> ratelimit.Buckets:
    return request.app.state.token_buckets[kind]


def _too_many(whom: str, wait: int) -> tokens.OAuthError:
    error = tokens.OAuthError("temporarily_unavailable", f"too many token requests {whom}; retry after {wait} s", status=429)
    error.extra["retry_after"] = wait
    return error


def _issue(request: Request, form: dict[str, str]) -> JSONResponse:
    """One transaction: verify the assertion, record its jti, issue the token; an OAuth error writes nothing."""
    session = request.app.state.sessionmaker()
    try:
        begin_writing(session)
        answer = _token(session, request, form)
        session.commit()
        return answer
    except tokens.OAuthError as exc:
        session.rollback()
        return _oauth_error(exc)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _token(session, request: Request, form: dict[str, str]) -> JSONResponse:
    if form.get("grant_type") != "client_credentials":
        raise tokens.OAuthError("unsupported_grant_type", "only grant_type=client_credentials is supported")
    if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
        raise tokens.OAuthError("invalid_client", f"authenticate with client_assertion_type={ASSERTION_TYPE} and a client_assertion", status=401)
    settings = request.app.state.settings
    client = tokens.verify_client_assertion(
        session, assertion=form["client_assertion"], audience=token_endpoint_of(request), settings=settings
    )
    if form.get("client_id") and form["client_id"] != client.client_id:
        raise tokens.OAuthError("invalid_client", "client_id does not match the assertion", status=401)
    wait = _limits(request, "client").take(client.client_id)
    if wait:
        raise _too_many("for this client", wait)  # (the transaction, and so the assertion's jti, is rolled back)
    requested = form.get("scope", "").split() or list(client.scopes)
    not_allowed = [s for s in requested if s not in client.scopes]
    if not_allowed:
        raise tokens.OAuthError("invalid_scope", f"this client may not ask for {' '.join(not_allowed)}")
    access_token = tokens.issue_access_token(
        session, client=client, scopes=requested, issuer=issuer_of(request), settings=settings
    )
    return JSONResponse(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": settings.access_token_seconds, "scope": " ".join(requested)},
        headers={"Cache-Control": "no-store"},
    )


@router.get("/.well-known/jwks.json", summary="The hub's public keys")
def jwks(session: DbSession) -> dict:
    return keys.jwks(session)
