"""Token checks: the client assertion of private_key_jwt (RFC 7523), the hub's own access tokens, and guardians'
OpenID Connect ID tokens. Every refusal names its reason; nothing here trusts an unverified header or claim.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.auth.models import Client, UsedAssertion
from hub.core.errors import HubError, InvalidToken
from hub.core.settings import Settings
from hub.identity.numbers import national_id_problem
from hub.keys import service as keys

ASYMMETRIC_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
HUB_TOKEN_ALG = keys.SIGNING_ALG


class OAuthError(HubError):
    """An RFC 6749 error answer from the token endpoint."""

    status = 400
    title = "OAuth error"
    slug = "oauth-error"
    fhir_code = "login"

    def __init__(self, error: str, description: str, *, status: int = 400):
        super().__init__(description)
        self.error = error
        self.status = status


def _now() -> int:
    return int(time.time())


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        compact = jws.extract_compact(token.encode() if isinstance(token, str) else token)
        claims = json.loads(compact.payload)
    except Exception:  # noqa: BLE001 - any parse fault is a malformed token
        raise OAuthError("invalid_client", "the client assertion is not a well-formed signed JWT", status=401) from None
    if not isinstance(claims, dict):
        raise OAuthError("invalid_client", "the client assertion's payload is not a JSON object", status=401)
    return compact.protected, claims


def verify_client_assertion(session: Session, *, assertion: str, audience: str, settings: Settings) -> Client:
    header, claims = _unverified(assertion)
    alg = header.get("alg")
    if alg not in ASYMMETRIC_ALGS:
        raise OAuthError("invalid_client", f"assertion algorithm {alg!r} is not allowed; use one of {', '.join(ASYMMETRIC_ALGS)}", status=401)
    client_id = claims.get("sub")
    if not isinstance(client_id, str) or claims.get("iss") != client_id:
        raise OAuthError("invalid_client", "the assertion's iss and sub must both be the client_id", status=401)
    client = session.scalar(select(Client).where(Client.client_id == client_id))
    if client is None or client.status != "active":
        raise OAuthError("invalid_client", "unknown or revoked client", status=401)
    kid = header.get("kid")
    matching = [k for k in client.jwks.get("keys", []) if k.get("kid") == kid] if kid else []
    if not matching:
        raise OAuthError("invalid_client", f"the assertion's kid {kid!r} is not a registered key of this client", status=401)
    try:
        key = KeySet.import_key_set({"keys": matching})
        token = jwt.decode(assertion, key, algorithms=[alg])
    except JoseError as exc:
        raise OAuthError("invalid_client", f"the assertion's signature does not verify ({exc.error})", status=401) from None
    now = _now()
    verified = token.claims
    audiences = verified.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else audiences or []
    if audience not in audiences:
        raise OAuthError("invalid_client", f"the assertion's audience must be the token endpoint {audience}", status=401)
    exp, iat, jti = verified.get("exp"), verified.get("iat"), verified.get("jti")
    if not isinstance(exp, int) or not isinstance(iat, int) or not isinstance(jti, str) or not jti:
        raise OAuthError("invalid_client", "the assertion needs numeric exp and iat and a jti", status=401)
    if exp <= now:
        raise OAuthError("invalid_client", "the assertion has expired", status=401)
    if abs(now - iat) > settings.assertion_iat_skew_seconds:
        raise OAuthError("invalid_client", f"the assertion's iat is more than {settings.assertion_iat_skew_seconds} s from now", status=401)
    if exp - iat > settings.assertion_max_lifetime_seconds:
        raise OAuthError("invalid_client", f"the assertion lives longer than {settings.assertion_max_lifetime_seconds} s", status=401)
    if isinstance(verified.get("nbf"), int) and verified["nbf"] > now + settings.assertion_iat_skew_seconds:
        raise OAuthError("invalid_client", "the assertion is not valid yet (nbf)", status=401)
    _spend_jti(session, client_id=client_id, jti=jti, exp=exp)
    return client


def _spend_jti(session: Session, *, client_id: str, jti: str, exp: int) -> None:
    now = datetime.now(UTC)
    session.execute(delete(UsedAssertion).where(UsedAssertion.expires_at < now - timedelta(hours=1)))
    seen = session.scalar(select(UsedAssertion.id).where(UsedAssertion.client_id == client_id, UsedAssertion.jti == jti))
    if seen is not None:
        raise OAuthError("invalid_client", "the assertion's jti was already used (replay)", status=401)
    session.add(UsedAssertion(client_id=client_id, jti=jti, expires_at=datetime.fromtimestamp(exp, UTC)))
    session.flush()


def issue_access_token(session: Session, *, client: Client, scopes: list[str], issuer: str, settings: Settings) -> str:
    now = _now()
    claims = {
        "iss": issuer,
        "sub": client.client_id,
        "aud": issuer,
        "iat": now,
        "exp": now + settings.access_token_seconds,
        "jti": uuid.uuid4().hex,
        "scope": " ".join(scopes),
        "org": str(client.organization_id),
    }
    key = keys.signing_key(session, settings=settings)
    return jwt.encode({"alg": HUB_TOKEN_ALG, "kid": key.kid, "typ": "at+jwt"}, claims, key)


def verify_access_token(session: Session, *, token: str, issuer: str) -> dict[str, Any]:
    return verify_access_token_with(keys.verification_keys(session), token=token, issuer=issuer)


def verify_access_token_with(key_set: KeySet, *, token: str, issuer: str) -> dict[str, Any]:
    """The claims of one of this hub's access tokens, checked against `key_set` (its signing keys' public parts)."""
    try:
        decoded = jwt.decode(token, key_set, algorithms=[HUB_TOKEN_ALG])
    except (JoseError, ValueError):
        raise _unauthorized("the access token is not valid") from None
    claims = decoded.claims
    if claims.get("iss") != issuer or claims.get("aud") != issuer:
        raise _unauthorized("the access token was not issued by this hub")
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= _now():
        raise _unauthorized("the access token has expired")
    return claims


def unverified_claims(token: str) -> dict[str, Any]:
    """The token's claims, unverified: only to pick which check applies ({} when it is no readable JWS)."""
    try:
        claims = json.loads(jws.extract_compact(token.encode()).payload)
    except Exception:  # noqa: BLE001 - anything unreadable is simply not ours
        return {}
    return claims if isinstance(claims, dict) else {}


@lru_cache(maxsize=4)
def _oidc_keys(path: str, mtime: float) -> KeySet:
    return KeySet.import_key_set(json.loads(Path(path).read_text()))


def is_person_token(claims: dict[str, Any], *, settings: Settings) -> bool:
    """Whether a token that is not the hub's own is to be checked as a person's ID token: it names the configured
    OpenID Connect issuer or, with none configured, carries the national id (pid) an ID token of one would carry."""
    if settings.oidc_issuer:
        return claims.get("iss") == settings.oidc_issuer
    return "pid" in claims


def not_for_this_hub(claims: dict[str, Any], *, settings: Settings) -> HubError:
    """The refusal of a bearer token that is neither the hub's own access token nor a person's ID token."""
    if not claims:
        return _unauthorized("the token is not valid for this hub: it is not a well-formed signed JWT")
    if settings.oidc_issuer:
        return _unauthorized("the token is not valid for this hub: it was issued neither by this hub nor by the OpenID Connect issuer it trusts")
    return _unauthorized("the token is not valid for this hub: it was not issued by this hub")


def verify_id_token(token: str, *, settings: Settings) -> dict[str, Any]:
    if not settings.oidc_issuer or not settings.oidc_jwks_file:
        raise _unauthorized("this hub has no OpenID Connect issuer configured for persons")
    if not settings.oidc_audience:
        # Without an audience any token the issuer made for any other service would open this hub.
        raise _unauthorized("this hub accepts no ID tokens: HUB_OIDC_AUDIENCE (the client id it has at the issuer) is not configured")
    path = Path(settings.oidc_jwks_file)
    try:
        header, _ = _unverified(token)
    except OAuthError:
        raise _unauthorized("the ID token is not a well-formed signed JWT") from None
    if header.get("alg") not in ASYMMETRIC_ALGS:
        raise _unauthorized(f"ID token algorithm {header.get('alg')!r} is not allowed")
    try:
        decoded = jwt.decode(token, _oidc_keys(str(path), path.stat().st_mtime), algorithms=[header["alg"]])
    except (JoseError, ValueError):
        raise _unauthorized("the ID token's signature does not verify") from None
    claims = decoded.claims
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else audiences or []
    if claims.get("iss") != settings.oidc_issuer:
        raise _unauthorized("the ID token comes from an issuer this hub does not trust")
    if settings.oidc_audience not in audiences:
        raise _unauthorized("the ID token is not meant for this hub (aud)")
    _check_id_token_times(claims, settings)
    pid = claims.get("pid")
    if not isinstance(pid, str) or national_id_problem(pid):
        raise _unauthorized("the ID token carries no valid national id (pid)")
    return claims


def _check_id_token_times(claims: dict[str, Any], settings: Settings) -> None:
    now, skew, longest = _now(), settings.oidc_clock_skew_seconds, settings.oidc_max_token_lifetime_seconds
    exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf")
    if not isinstance(exp, int) or not isinstance(iat, int):
        raise _unauthorized("the ID token needs numeric exp and iat")
    if exp <= now:
        raise _unauthorized("the ID token has expired")
    if iat > now + skew or (isinstance(nbf, int) and nbf > now + skew):
        raise _unauthorized("the ID token is not valid yet (iat or nbf is in the future)")
    if exp - iat > longest or exp - now > longest + skew:
        raise _unauthorized(f"the ID token lives longer than this hub accepts ({longest} s)")


def _unauthorized(message: str) -> HubError:
    return InvalidToken(message)
