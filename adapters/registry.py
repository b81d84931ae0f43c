"""Finds adapters through the `stafett.adapters` entry-point group, so third parties can add formats.

Loaded lazily and once per format; an adapter that fails to import is reported, not hidden.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import entry_points

from adapters.base import Adapter
from hub.core.errors import UnknownFormat

GROUP = "stafett.adapters"


def available_formats() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=GROUP))


@lru_cache(maxsize=None)
def get_adapter(format_id: str) -> Adapter:
    matches = [ep for ep in entry_points(group=GROUP) if ep.name == format_id]
    if not matches:
        raise UnknownFormat(
            f"unknown format {format_id!r}; known formats: {', '.join(available_formats())}"
        )
    adapter = matches[0].load()
    if not isinstance(adapter, Adapter) or adapter.format != format_id:
        raise TypeError(f"entry point {format_id!r} does not provide an adapter for that format")
    return adapter
