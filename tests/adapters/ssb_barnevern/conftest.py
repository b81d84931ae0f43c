"""Shared helpers for the SSB barnevern adapter tests: the real examples (shared data) and our own fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.ssb_barnevern import adapter
from hub.canonical import ParsedBatch
from tests.shared_data import require_shared

FIXTURES = Path(__file__).parent / "fixtures"
TOTAL = "application/xml; extract=total"
CHANGES = "application/xml; extract=changes"


def example(name: str) -> bytes:
    return (require_shared("ssb-barnevern", "examples") / name).read_bytes()


def parse_example(name: str) -> ParsedBatch:
    media_type = TOTAL if name.endswith("_total.xml") else CHANGES
    return adapter.parse(example(name), media_type=media_type)


@pytest.fixture
def by_id():
    def index(records):
        return {r.source_id: r for r in records}

    return index
