"""Creates, loads, rotates and publishes the hub's keys (RS256 for signatures, RSA-OAEP-256 for encryption).

`ensure_keys` runs at start-up and is idempotent; `jwks` is what /.well-known/jwks.json serves. Keys are
imported once per process and key (importing an RSA private JWK costs ~0.1 s: the library validates it).
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.keys.models import HubKey

SIGNING_ALG = "RS256"
ENCRYPTION_ALG = "RSA-OAEP-256"
_ALG_FOR_USE = {"sig": SIGNING_ALG, "enc": ENCRYPTION_ALG}
_imported: dict[tuple[str, str, str], RSAKey] = {}
_imported_lock = threading.Lock()


def _imported_jwk(kid: str, part: str, jwk: dict[str, Any]) -> RSAKey:
    """The key `jwk` (the private or public part of key `kid`), imported once per process."""
    ident = (part, kid, jwk.get("n", "")[:64])  # the modulus tells keys apart across databases
    key = _imported.get(ident)
    if key is None:
        key = RSAKey.import_key(jwk)
        with _imported_lock:
            _imported[ident] = key
    return key


def _private_key(row: HubKey) -> RSAKey:
    return _imported_jwk(row.kid, "private", row.private_jwk)


def _generate(use: str) -> HubKey:
    kid = f"{use}-{uuid.uuid4().hex[:12]}"
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": use, "alg": _ALG_FOR_USE[use]}, private=True)
    return HubKey(
        kid=kid,
        use=use,
        alg=_ALG_FOR_USE[use],
        private_jwk=key.as_dict(private=True),
        public_jwk=key.as_dict(private=False),
    )


def _active(session: Session, use: str) -> HubKey | None:
    return session.scalar(
        select(HubKey).where(HubKey.use == use, HubKey.retired_at.is_(None)).order_by(HubKey.created_at.desc()).limit(1)
    )


def ensure_keys(session: Session) -> None:
    """Make sure an active signing and encryption key exist (safe to call from several processes)."""
    for use in ("sig", "enc"):
        if _active(session, use) is None:
            try:
                with session.begin_nested():
                    session.add(_generate(use))
            except IntegrityError:  # pragma: no cover - another process won the race
                pass


def rotate(session: Session, *, use: str) -> HubKey:
    """Retire the active key of `use` and make a new one; the old one stays in the JWKS for verification."""
    current = _active(session, use)
    if current is not None:
        current.retired_at = datetime.now(UTC)
    new = _generate(use)
    session.add(new)
    session.flush()
    return new


def signing_key(session: Session) -> RSAKey:
    row = _active(session, "sig")
    if row is None:
        ensure_keys(session)
        row = _active(session, "sig")
    return _private_key(row)


def decryption_keys(session: Session) -> KeySet:
    rows = session.scalars(select(HubKey).where(HubKey.use == "enc"))
    return KeySet([_private_key(r) for r in rows])


def verification_keys(session: Session) -> KeySet:
    """Every signing key's public part (retired ones too), imported once per process: verifying a token with a key
    costs far less than importing it, and every request verifies one."""
    rows = session.execute(select(HubKey.kid, HubKey.public_jwk).where(HubKey.use == "sig"))  # never the private parts
    return KeySet([_imported_jwk(kid, "public", jwk) for kid, jwk in rows])


def jwks(session: Session) -> dict[str, Any]:
    rows = session.scalars(select(HubKey).order_by(HubKey.created_at))
    return {"keys": [r.public_jwk for r in rows]}
