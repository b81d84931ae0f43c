"""Finds adapters through the `stafett.adapters` entry-point group, so third parties can add formats.

The group is read once per process; adapters are loaded lazily and once per format; an adapter that fails to import
is reported, not hidden.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib.metadata import EntryPoint, entry_points

from adapters.base import Adapter
from hub.core.errors import UnknownFormat

GROUP = "stafett.adapters"


@lru_cache(maxsize=1)
def _entry_points() -> dict[str, EntryPoint]:
    """The group's entry points by name, read once per process (reading them scans every installed package: ~1.5 ms,
    which an unknown format id would otherwise cost on every request)."""
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep)
    return found


def available_formats() -> list[str]:
    return sorted(_entry_points())


@cache
def get_adapter(format_id: str) -> Adapter:
    ep = _entry_points().get(format_id)
    if ep is None:
        raise UnknownFormat(
            f"unknown format {format_id!r}; known formats: {', '.join(available_formats())}"
        )
    adapter = ep.load()
    if not isinstance(adapter, Adapter) or adapter.format != format_id:
        raise TypeError(f"entry point {format_id!r} does not provide an adapter for that format")
    return adapter
