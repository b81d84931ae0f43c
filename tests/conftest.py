"""Shared test fixtures: real shared data, the database under test (SQLite file or PostgreSQL), API clients."""

from __future__ import annotations

import os

import pytest

from tests.shared_data import shared_data_dir


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("HUB_REQUIRE_SHARED_DATA") == "1" and shared_data_dir() is None:
        raise pytest.UsageError("HUB_REQUIRE_SHARED_DATA=1 but ../shared/data (or HUB_SHARED_DATA) is missing")
