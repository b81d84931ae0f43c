"""Renders a visible case view with a format's adapter; a format without a renderer is a clear 415.

Returns the bytes and the media type to answer with.
"""

from __future__ import annotations

from adapters.base import Renderer
from adapters.registry import get_adapter
from hub.canonical.records import ParsedBatch
from hub.core.errors import UnsupportedMediaType


def render(view: ParsedBatch, *, format_id: str, media_type: str | None = None) -> tuple[bytes, str]:
    adapter = get_adapter(format_id)
    if not isinstance(adapter, Renderer):
        raise UnsupportedMediaType(f"format {format_id} can be pushed to the hub but not exported")
    chosen = media_type if media_type in adapter.media_types else adapter.media_types[0]
    return adapter.render(view, media_type=chosen), chosen
