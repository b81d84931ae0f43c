"""Where the hub's secrets come from, never the database they protect: the key-encryption key of its private keys and
the HMAC key of the audit trail's person references, each from its setting or else from a file in the secrets folder.

Resolution, per secret: the setting (HUB_KEY_ENCRYPTION_KEY, HUB_AUDIT_HMAC_KEY; base64) if given; else the file in
HUB_SECRETS_DIR, generated there once (mode 0600) when missing; a SQLite hub's default folder is `<database
name>-secrets` beside its database file; a PostgreSQL hub has none, so without the settings it refuses to start (its
processes may run on several machines, and a key generated on one of them would not be known to the others).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets as random
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.engine import make_url

from hub.core.errors import HubError
from hub.core.settings import Settings
from hub.db.engine import normalise_url

log = logging.getLogger("hub.keys")

KEY_ENCRYPTION_FILE = "key-encryption.key"
AUDIT_HMAC_FILE = "audit-hmac.key"
GENERATED_BYTES = 32


class SecretsProblem(HubError):
    """A secret the hub needs is not configured, cannot be read, or is not a usable key (a start-up error)."""

    status = 500
    title = "Hub secrets not usable"
    slug = "hub-secrets"
    fhir_code = "exception"


@dataclass(frozen=True)
class Secret:
    value: bytes
    origin: str  # the setting's name or the file's path: for messages, never the value itself


@dataclass(frozen=True)
class _Spec:
    setting: str  # the environment variable
    field: str  # the Settings attribute
    file: str
    exact: int | None  # AES-256 wants exactly 32 bytes
    minimum: int


KEY_ENCRYPTION = _Spec("HUB_KEY_ENCRYPTION_KEY", "key_encryption_key", KEY_ENCRYPTION_FILE, exact=32, minimum=32)
AUDIT_HMAC = _Spec("HUB_AUDIT_HMAC_KEY", "audit_hmac_key", AUDIT_HMAC_FILE, exact=None, minimum=32)

_cache: dict[tuple[str, str], Secret] = {}
_lock = threading.Lock()


def secrets_dir(settings: Settings) -> Path | None:
    """HUB_SECRETS_DIR, else for a SQLite database file the folder `<name>-secrets` beside it, else None."""
    if settings.secrets_dir is not None:
        return settings.secrets_dir.resolve()
    url = make_url(normalise_url(settings.database_url))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        database = Path(url.database).resolve()
        return database.with_name(f"{database.stem}-secrets")
    return None


def _decode(text: str, *, spec: _Spec, origin: str) -> bytes:
    cleaned = "".join(text.split()).replace("-", "+").replace("_", "/")
    try:
        value = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise SecretsProblem(f"{origin} is not base64 (make one with: openssl rand -base64 32)") from None
    if spec.exact is not None and len(value) != spec.exact:
        raise SecretsProblem(f"{origin} decodes to {len(value)} bytes; it must be exactly {spec.exact} (openssl rand -base64 32)")
    if len(value) < spec.minimum:
        raise SecretsProblem(f"{origin} decodes to {len(value)} bytes; it must be at least {spec.minimum} (openssl rand -base64 32)")
    return value


def _read_file(path: Path, spec: _Spec) -> Secret:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretsProblem(f"the secret file {path} cannot be read ({type(exc).__name__})") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("secret file readable by others", extra={"file": str(path)})
    return Secret(_decode(text, spec=spec, origin=str(path)), str(path))


def _generate(path: Path, spec: _Spec) -> Secret:
    """Write a new random key to `path` unless another process got there first (then read theirs)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{random.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, base64.b64encode(random.token_bytes(GENERATED_BYTES)) + b"\n")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temporary, path)  # fails if the file exists: a key once written is never replaced
        log.info("secret generated", extra={"file": str(path)})
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return _read_file(path, spec)


def _resolve(settings: Settings, spec: _Spec, *, create: bool) -> Secret | None:
    configured: SecretStr | None = getattr(settings, spec.field)
    if configured is not None:
        text = configured.get_secret_value()
        ident = ("value", spec.field + ":" + text)
        if (found := _cache.get(ident)) is None:
            found = Secret(_decode(text, spec=spec, origin=spec.setting), spec.setting)
            with _lock:
                _cache[ident] = found
        return found
    folder = secrets_dir(settings)
    if folder is None:
        raise SecretsProblem(
            f"{spec.setting} is not set, and this hub has no secrets folder (HUB_SECRETS_DIR; only a SQLite hub has a "
            f"default one): set {spec.setting} (openssl rand -base64 32), or HUB_SECRETS_DIR to a folder kept outside the database"
        )
    path = folder / spec.file
    ident = ("file", str(path))
    if (found := _cache.get(ident)) is not None:
        return found
    if path.exists():
        found = _read_file(path, spec)
    elif create:
        found = _generate(path, spec)
    else:
        return None
    with _lock:
        _cache[ident] = found
    return found


def key_encryption_key(settings: Settings, *, create: bool) -> Secret | None:
    """The key-encryption key; None only when it would have to be generated and `create` is false."""
    return _resolve(settings, KEY_ENCRYPTION, create=create)


def audit_hmac_key(settings: Settings) -> Secret:
    secret = _resolve(settings, AUDIT_HMAC, create=True)
    assert secret is not None
    return secret


def where(settings: Settings, spec: _Spec) -> str:
    """Where this hub looks for a secret (for messages): its setting, or the file it would read."""
    if getattr(settings, spec.field) is not None:
        return spec.setting
    folder = secrets_dir(settings)
    return f"{folder / spec.file}" if folder else spec.setting


def check(settings: Settings) -> None:
    """Fail (SecretsProblem) unless both secrets are configured or have a folder to live in, and parse as keys."""
    for spec in (KEY_ENCRYPTION, AUDIT_HMAC):
        _resolve(settings, spec, create=False)
