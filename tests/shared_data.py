"""Finds ../shared/data (or HUB_SHARED_DATA) for tests on real files written by others.

Skips when the folder is absent, fails instead when HUB_REQUIRE_SHARED_DATA=1 (as CI sets it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path | None:
    configured = os.environ.get("HUB_SHARED_DATA")
    candidate = Path(configured) if configured else _ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def require_shared(*parts: str) -> Path:
    """The path under shared data, or skip (fail in CI) when it is missing."""
    base = shared_data_dir()
    path = base.joinpath(*parts) if base else None
    if path is None or not path.exists():
        message = f"shared data not found: {'/'.join(parts) or '.'} (set HUB_SHARED_DATA)"
        if os.environ.get("HUB_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def shared_files(*parts: str, pattern: str = "*") -> list[Path]:
    """Files matching `pattern` in a shared folder, for parametrised tests (empty list when absent)."""
    base = shared_data_dir()
    if base is None:
        return []
    folder = base.joinpath(*parts)
    return sorted(p for p in folder.glob(pattern) if p.is_file())
