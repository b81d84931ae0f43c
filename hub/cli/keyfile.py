"""A client's key file: its private JWK (and client_id once registered), as `stafett clients keygen` and the demo
write it (readable by the owner only) and `stafett token` reads it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey


def generate_key() -> ECKey:
    """A new P-256 signing key (ES256, what `stafett token` signs with); its kid is its RFC 7638 thumbprint."""
    key = ECKey.generate_key("P-256", parameters={"alg": "ES256", "use": "sig"}, private=True)
    return ECKey.import_key({**key.as_dict(private=True), "kid": key.thumbprint()})


def public_jwks(key: ECKey) -> dict[str, Any]:
    """The JWK set to register with `stafett clients add --jwks`: the public half only."""
    return {"keys": [key.as_dict(private=False)]}


def write_private(path: Path, content: dict[str, Any]) -> None:
    """Write a file that holds a private key: created with mode 0600, never left readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps(content, indent=2) + "\n")


def write_key_file(path: Path, *, private_jwk: dict[str, Any], client_id: str | None = None) -> None:
    write_private(path, {"client_id": client_id, "private_jwk": private_jwk})


def read_key_file(path: Path) -> tuple[str | None, dict[str, Any]]:
    """(client_id or None, private JWK); ValueError naming what is wrong with the file."""
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read key file {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("private_jwk"), dict):
        raise ValueError(f"{path} is not a key file (no private_jwk; `stafett clients keygen` writes one)")
    client_id = data.get("client_id")
    return (client_id if isinstance(client_id, str) and client_id else None), data["private_jwk"]
