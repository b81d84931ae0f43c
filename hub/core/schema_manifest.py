"""The pinned list of external schema files, schemas/external-schemas.json: per format, each file's name, its place
under a schema folder, its sha256 and where its publisher publishes it; read once per process.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from hub.core.settings import PROJECT_ROOT

MANIFEST = PROJECT_ROOT / "schemas" / "external-schemas.json"


@dataclass(frozen=True)
class SchemaFile:
    format: str
    name: str
    path: PurePosixPath  # under a schema folder, as the adapters ask for it
    sha256: str
    published: str  # the publisher's URL at the pinned commit


@dataclass(frozen=True)
class SchemaFormat:
    id: str
    publisher: str
    repository: str
    licence: str
    files: tuple[SchemaFile, ...]


@lru_cache(maxsize=1)
def formats() -> tuple[SchemaFormat, ...]:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return tuple(
        SchemaFormat(
            id=format_id,
            publisher=spec["publisher"],
            repository=spec["repository"],
            licence=spec["licence"],
            files=tuple(
                SchemaFile(format=format_id, name=f["name"], path=PurePosixPath(f["path"]), sha256=f["sha256"],
                           published=f["published"])
                for f in spec["files"]
            ),
        )
        for format_id, spec in data["formats"].items()
    )


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
