"""Signs then encrypts protocol messages (JWS RS256 inside JWE RSA-OAEP-256 + A256GCM), and opens them again:
decrypt with this hub's keys, name the sender from the unverified `iss`, verify with that peer's keys only.
"""

from __future__ import annotations

import json
from typing import Any

from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from hub.core.errors import HubError
from hub.core.safe_json import load_json

PROTOCOL = "stafett-transfer/1"
JWS_ALGORITHMS = ["RS256"]
JWE_ALGORITHMS = ["RSA-OAEP-256", "A256GCM"]
MAX_JSON_DEPTH = 96


class PackageRejected(HubError):
    """A federation message that cannot be decrypted, does not verify, or breaks the protocol."""

    status = 400
    title = "Package rejected"
    slug = "package-rejected"
    fhir_code = "security"


class UnknownHub(HubError):
    status = 403
    title = "Unknown hub"
    slug = "unknown-hub"
    fhir_code = "security"


class PackageTooLarge(HubError):
    """A sealed message over the size both hubs accept (HUB_TRANSFER_MAX_PACKAGE_BYTES)."""

    status = 413
    title = "Package too large"
    slug = "package-too-large"
    fhir_code = "too-costly"


def _jws_registry(max_bytes: int) -> jws.JWSRegistry:
    """joserfc's registries cap every part (128,000 bytes of JWS payload by default): each call passes this hub's cap,
    extracting without verifying (`peek`) as well."""
    registry = jws.JWSRegistry(algorithms=JWS_ALGORITHMS)
    registry.max_payload_length = max_bytes
    return registry


def _jwe_registry(max_bytes: int) -> jwe.JWERegistry:
    registry = jwe.JWERegistry(algorithms=JWE_ALGORITHMS)
    registry.max_ciphertext_length = max_bytes
    return registry


def canonical_json(claims: dict[str, Any]) -> bytes:
    return json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(claims: dict[str, Any], *, key: RSAKey, max_bytes: int) -> str:
    header = {"alg": "RS256", "kid": key.kid, "typ": "stafett-transfer+jwt"}
    return jws.serialize_compact(header, canonical_json(claims), key, registry=_jws_registry(max_bytes))


def seal(claims: dict[str, Any], *, signing_key: RSAKey, recipient: RSAKey, max_bytes: int) -> bytes:
    signed = sign(claims, key=signing_key, max_bytes=max_bytes)
    header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": recipient.kid, "cty": "JWT"}
    sealed = jwe.encrypt_compact(header, signed, recipient, registry=_jwe_registry(max_bytes)).encode("ascii")
    if len(sealed) > max_bytes:  # the receiver reads no more than this; better said here than parked there
        raise PackageTooLarge(
            f"the sealed message is {len(sealed):,} bytes, over the {max_bytes:,} bytes hubs accept "
            "(HUB_TRANSFER_MAX_PACKAGE_BYTES, on both hubs)"
        )
    return sealed


def open_sealed(body: bytes, *, keys: KeySet, max_bytes: int) -> bytes:
    """The signed message inside; PackageRejected when it is not for this hub or was altered on the way."""
    try:
        plaintext = jwe.decrypt_compact(body, keys, registry=_jwe_registry(max_bytes)).plaintext
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise PackageRejected(
            f"the message could not be decrypted ({type(exc).__name__}): it was altered in transit or is not encrypted to this hub's keys"
        ) from None
    if plaintext is None:
        raise PackageRejected("the message decrypted to nothing")
    return plaintext


def peek(signed: bytes | str, *, max_bytes: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims WITHOUT verification: only to find out which peer's keys to verify with."""
    try:
        obj = jws.extract_compact(signed if isinstance(signed, bytes) else signed.encode("ascii"), registry=_jws_registry(max_bytes))
    except (JoseError, ValueError, TypeError) as exc:
        raise PackageRejected(f"the decrypted message is not a compact JWS ({type(exc).__name__})") from None
    claims = load_json(obj.payload, max_bytes=max_bytes, max_depth=MAX_JSON_DEPTH)
    if not isinstance(claims, dict):
        raise PackageRejected("the signed message is not a JSON object")
    return dict(obj.headers()), claims


def verify(signed: bytes | str, *, keys: KeySet, max_bytes: int, claims: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check the signature; returns the claims (`claims` from `peek` of the same message are reused, not re-parsed)."""
    try:
        obj = jws.deserialize_compact(signed, keys, registry=_jws_registry(max_bytes))
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise PackageRejected(f"the signature does not verify with the sending hub's published keys ({type(exc).__name__})") from None
    if claims is None:
        claims = load_json(obj.payload, max_bytes=max_bytes, max_depth=MAX_JSON_DEPTH)
    if not isinstance(claims, dict) or claims.get("protocol") != PROTOCOL:
        raise PackageRejected(f"the message does not speak {PROTOCOL}")
    return claims
