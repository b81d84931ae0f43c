"""Encryption of the hub's private keys at rest: the KeyWrapper seam (wrap and unwrap bytes bound to their row) and its
local implementation, AES-256-GCM (`cryptography`) under the key-encryption key that hub.keys.secrets finds.

A KMS or HSM would be another KeyWrapper (wrap/unwrap calls to the service, its key name as `key_id`); `key_wrapper`
is the one place that chooses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.core.settings import Settings
from hub.keys import secrets
from hub.keys.secrets import Secret, SecretsProblem

LOCAL = "local-a256gcm"


class KeyWrapper(Protocol):
    name: str
    key_id: str  # names the key-encryption key (not secret): stored with each wrapped key
    origin: str  # where that key comes from, for messages

    def wrap(self, plaintext: bytes, *, aad: bytes) -> dict[str, str]: ...

    def unwrap(self, wrapped: Mapping[str, str], *, aad: bytes) -> bytes: ...


class WrongKeyEncryptionKey(SecretsProblem):
    """The stored private keys were encrypted with another key-encryption key, or do not decrypt with this one."""

    title = "Wrong key-encryption key"
    slug = "wrong-key-encryption-key"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(key: bytes) -> str:
    """A name for a key-encryption key that gives nothing of it away (an HMAC of a constant under the key)."""
    return hmac.new(key, b"stafett key-encryption key id", hashlib.sha256).hexdigest()[:16]


class LocalKeyWrapper:
    """AES-256-GCM with a fresh 96-bit nonce per wrap; the row's identity is the associated data, so a wrapped key
    moved to another row does not decrypt."""

    name = LOCAL

    def __init__(self, secret: Secret):
        self._aead = AESGCM(secret.value)
        self.key_id = key_id(secret.value)
        self.origin = secret.origin

    def wrap(self, plaintext: bytes, *, aad: bytes) -> dict[str, str]:
        nonce = os.urandom(12)
        return {"wrapper": self.name, "kek": self.key_id, "nonce": _b64(nonce), "ciphertext": _b64(self._aead.encrypt(nonce, plaintext, aad))}

    def unwrap(self, wrapped: Mapping[str, str], *, aad: bytes) -> bytes:
        if wrapped.get("wrapper") != self.name:
            raise WrongKeyEncryptionKey(f"a private key of this hub is wrapped by {wrapped.get('wrapper')!r}; this hub is configured for {self.name}")
        if wrapped.get("kek") != self.key_id:
            raise WrongKeyEncryptionKey(
                f"the hub's private keys are encrypted with key-encryption key {wrapped.get('kek')}, but the one configured "
                f"({self.origin}) is {self.key_id}: give the hub the key it used (a new key cannot read them)"
            )
        try:
            return self._aead.decrypt(_unb64(wrapped["nonce"]), _unb64(wrapped["ciphertext"]), aad)
        except (InvalidTag, KeyError, ValueError):
            raise WrongKeyEncryptionKey(
                f"a private key of this hub does not decrypt with key-encryption key {self.key_id} ({self.origin}): "
                "its row in hub_key was altered"
            ) from None


@lru_cache(maxsize=16)
def _local(secret: Secret) -> LocalKeyWrapper:
    return LocalKeyWrapper(secret)


def key_wrapper(settings: Settings, *, create: bool = True) -> LocalKeyWrapper | None:
    """The wrapper of this hub's private keys; None when its key would have to be generated and `create` is false."""
    secret = secrets.key_encryption_key(settings, create=create)
    return _local(secret) if secret is not None else None
