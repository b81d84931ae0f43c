"""The one contract every adapter passes: parse a real sample, render it, re-parse, same canonical content.

Adapter test modules call `assert_contract(format_id, payload)` on their real samples.
"""

from __future__ import annotations

from adapters.base import Adapter, Renderer
from adapters.registry import get_adapter
from hub.canonical import ParsedBatch
from hub.canonical.compare import content_view


def assert_contract(format_id: str, payload: bytes, *, parts: tuple[str, ...] | None = None) -> ParsedBatch:
    adapter = get_adapter(format_id)
    assert isinstance(adapter, Adapter)
    first = adapter.parse(payload)
    assert first.format == format_id
    assert first.mapping_version
    if isinstance(adapter, Renderer) and len(first.children) == 1:
        rendered = adapter.render(first)
        second = adapter.parse(rendered)
        assert content_view(second, parts=parts) == content_view(first, parts=parts)
    return first
