"""Creates, loads, rotates and publishes the hub's keys (RS256 for signatures, RSA-OAEP-256 for encryption); their
private parts are stored encrypted under the key-encryption key (hub.keys.wrapping) and decrypted only in memory.

`ensure_keys` runs at start-up and is idempotent: it encrypts private keys still stored in plain (rows from before
revision 0010) and refuses to go on with a key-encryption key that does not open them. `jwks` is what
/.well-known/jwks.json serves. Keys are imported once per process and key (importing an RSA private JWK costs ~0.1 s:
the library validates it).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.core.settings import Settings
from hub.keys import secrets
from hub.keys.models import HubKey
from hub.keys.wrapping import KeyWrapper, WrongKeyEncryptionKey, key_wrapper

log = logging.getLogger("hub.keys")

SIGNING_ALG = "RS256"
ENCRYPTION_ALG = "RSA-OAEP-256"
_ALG_FOR_USE = {"sig": SIGNING_ALG, "enc": ENCRYPTION_ALG}
_imported: dict[tuple[str, ...], RSAKey] = {}
_imported_lock = threading.Lock()


def _aad(row: HubKey) -> bytes:
    """What a wrapped private key is bound to: its own row."""
    return f"stafett-hub-key:{row.kid}:{row.use}:{row.alg}".encode()


def _remember(ident: tuple[str, ...], load) -> RSAKey:  # load: a thunk
    key = _imported.get(ident)
    if key is None:
        key = load()
        with _imported_lock:
            _imported[ident] = key
    return key


def _public_key(kid: str, jwk: dict[str, Any]) -> RSAKey:
    return _remember(("public", kid, jwk.get("n", "")[:64]), lambda: RSAKey.import_key(jwk))  # n tells databases apart


def _private_jwk(row: HubKey, wrapper: KeyWrapper) -> dict[str, Any]:
    if row.private_encrypted is not None:
        return json.loads(wrapper.unwrap(row.private_encrypted, aad=_aad(row)))
    if row.private_jwk is None:
        raise WrongKeyEncryptionKey(f"hub key {row.kid} has no private part stored")
    return row.private_jwk  # a row from before revision 0010, not yet encrypted


def _private_key(row: HubKey, wrapper: KeyWrapper) -> RSAKey:
    # The wrapper's key id is part of the cache key: a process asked with another key-encryption key decrypts anew.
    ident = ("private", row.kid, row.public_jwk.get("n", "")[:64], wrapper.key_id)
    return _remember(ident, lambda: RSAKey.import_key(_private_jwk(row, wrapper)))


def _wrapper(settings: Settings) -> KeyWrapper:
    wrapper = key_wrapper(settings, create=False)
    if wrapper is None:
        raise WrongKeyEncryptionKey(
            "the hub's private keys are encrypted, and no key-encryption key was found: set HUB_KEY_ENCRYPTION_KEY, or "
            f"put the key back at {secrets.where(settings, secrets.KEY_ENCRYPTION)}"
        )
    return wrapper


def _wrap(row: HubKey, jwk: dict[str, Any], wrapper: KeyWrapper) -> None:
    row.private_encrypted = wrapper.wrap(json.dumps(jwk, sort_keys=True).encode(), aad=_aad(row))
    row.private_jwk = None


def _generate(use: str, wrapper: KeyWrapper) -> HubKey:
    kid = f"{use}-{uuid.uuid4().hex[:12]}"
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": use, "alg": _ALG_FOR_USE[use]}, private=True)
    row = HubKey(kid=kid, use=use, alg=_ALG_FOR_USE[use], public_jwk=key.as_dict(private=False))
    _wrap(row, key.as_dict(private=True), wrapper)
    return row


def _active(session: Session, use: str) -> HubKey | None:
    return session.scalar(
        select(HubKey).where(HubKey.use == use, HubKey.retired_at.is_(None)).order_by(HubKey.created_at.desc()).limit(1)
    )


def ensure_keys(session: Session, *, settings: Settings) -> None:
    """Make sure an active signing and encryption key exist, every private key is stored encrypted, and the configured
    key-encryption key opens them all (WrongKeyEncryptionKey otherwise). Safe to call from several processes."""
    rows = list(session.scalars(select(HubKey)))
    encrypted = [r for r in rows if r.private_encrypted is not None]
    # A missing key-encryption key is generated (secrets folder) only while no stored key needs the old one.
    wrapper = key_wrapper(settings, create=not encrypted) or _wrapper(settings)
    for row in encrypted:
        assert row.private_encrypted is not None  # as filtered
        wrapper.unwrap(row.private_encrypted, aad=_aad(row))  # AES only: cheap, and it proves the key before use
    plain = [r for r in rows if r.private_encrypted is None and r.private_jwk is not None]
    for row in plain:
        assert row.private_jwk is not None  # as filtered
        _wrap(row, row.private_jwk, wrapper)
    if plain:
        session.flush()
        log.info("hub private keys encrypted at rest", extra={"keys": len(plain), "kek": wrapper.key_id})
    for use in ("sig", "enc"):
        if _active(session, use) is None:
            try:
                with session.begin_nested():
                    session.add(_generate(use, wrapper))
            except IntegrityError:  # pragma: no cover - another process won the race
                pass


def rotate(session: Session, *, use: str, settings: Settings) -> HubKey:
    """Retire the active key of `use` and make a new one; the old one stays in the JWKS for verification."""
    current = _active(session, use)
    if current is not None:
        current.retired_at = datetime.now(UTC)
    new = _generate(use, _wrapper(settings))
    session.add(new)
    session.flush()
    return new


def signing_key(session: Session, *, settings: Settings) -> RSAKey:
    row = _active(session, "sig")
    if row is None:
        ensure_keys(session, settings=settings)
        row = _active(session, "sig")
        assert row is not None  # ensure_keys made one
    return _private_key(row, _wrapper(settings))


def decryption_keys(session: Session, *, settings: Settings) -> KeySet:
    wrapper = _wrapper(settings)
    rows = session.scalars(select(HubKey).where(HubKey.use == "enc"))
    return KeySet([_private_key(r, wrapper) for r in rows])


def verification_keys(session: Session) -> KeySet:
    """Every signing key's public part (retired ones too), imported once per process: verifying a token with a key
    costs far less than importing it, and every request verifies one."""
    rows = session.execute(select(HubKey.kid, HubKey.public_jwk).where(HubKey.use == "sig"))  # never the private parts
    return KeySet([_public_key(kid, jwk) for kid, jwk in rows])


def jwks(session: Session) -> dict[str, Any]:
    rows = session.execute(select(HubKey.public_jwk).order_by(HubKey.created_at))
    return {"keys": [jwk for (jwk,) in rows]}
