"""Installs the external schema files from a folder (each found by its name anywhere below it) into the hub's data
folder after checking its pinned sha256, and tells per file what is installed, missing or different, and where read.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hub.core.external_schemas import find_schema, installed_root
from hub.core.schema_manifest import SchemaFile, SchemaFormat, file_sha256, formats, sha256_of
from hub.core.settings import Settings


@dataclass
class Found:
    """One manifest file looked for in a folder: the copy whose checksum matches (with its bytes), or what was there."""

    file: SchemaFile
    source: Path | None = None
    data: bytes | None = None
    others: list[tuple[Path, str]] = field(default_factory=list)  # same name, other sha256

    @property
    def state(self) -> str:
        return "ok" if self.data is not None else "differs" if self.others else "missing"


@dataclass
class FormatResult:
    format: SchemaFormat
    found: list[Found]
    outcome: str  # installed | absent | incomplete | refused


def _by_name(folder: Path, names: set[str]) -> dict[str, list[Path]]:
    """Every file below `folder` whose name is one of `names` (one walk of the tree)."""
    hits: dict[str, list[Path]] = {}
    for directory, _dirs, files in os.walk(folder):
        for name in files:
            if name in names:
                hits.setdefault(name, []).append(Path(directory) / name)
    return {name: sorted(paths) for name, paths in hits.items()}


def _find(file: SchemaFile, candidates: list[Path]) -> Found:
    found = Found(file)
    for path in candidates:
        data = path.read_bytes()
        digest = sha256_of(data)
        if digest == file.sha256:
            found.source, found.data = path, data
            return found
        found.others.append((path, digest))
    return found


def _write(destination: Path, data: bytes) -> None:
    """Write atomically: a reader sees the old file or the whole new one, never a part."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def install(folder: Path, settings: Settings) -> list[FormatResult]:
    """Per format: install its files if every one is found with its pinned checksum; refuse the format if a file of
    that name is there with another checksum; leave it alone when its files are not (all) in `folder`."""
    hits = _by_name(folder, {f.name for fmt in formats() for f in fmt.files})
    root = installed_root(settings)
    results = []
    for fmt in formats():
        found = [_find(f, hits.get(f.name, [])) for f in fmt.files]
        states = {f.state for f in found}
        if "differs" in states:
            outcome = "refused"
        elif states == {"missing"}:
            outcome = "absent"
        elif "missing" in states:
            outcome = "incomplete"
        else:
            for f in found:
                assert f.data is not None  # every state is "ok"
                _write(root / f.file.path, f.data)
            outcome = "installed"
        results.append(FormatResult(fmt, found, outcome))
    return results


@dataclass
class FileStatus:
    file: SchemaFile
    installed: str  # installed | missing | differs (in the installed folder)
    read_from: tuple[str, Path] | None  # (root name, path) the hub reads, or None: the format answers 503
    read_ok: bool  # the file read has the pinned checksum


def status(settings: Settings) -> list[tuple[SchemaFormat, list[FileStatus]]]:
    root = installed_root(settings)
    report = []
    for fmt in formats():
        rows = []
        for f in fmt.files:
            local = root / f.path
            installed = "missing" if not local.is_file() else "installed" if file_sha256(local) == f.sha256 else "differs"
            read_from = find_schema(str(f.path), settings)
            read_ok = read_from is not None and read_from[1].is_file() and file_sha256(read_from[1]) == f.sha256
            rows.append(FileStatus(f, installed, read_from, read_ok))
        report.append((fmt, rows))
    return report
