"""Finds adapters through the `stafett.adapters` entry-point group, so third parties can add formats; gathers
their declarations into the hub's namespace registry and finds the adapter that serves the FHIR facade.

The group is read once per process; adapters are loaded lazily and once per format; an adapter that fails to import
is reported, not hidden.
"""

from __future__ import annotations

from collections import Counter
from functools import cache, lru_cache
from importlib.metadata import EntryPoint, entry_points

from adapters.base import Adapter, FhirFacade, ValidatesAside
from hub.canonical.declarations import AdapterDeclaration, NamespaceRegistry
from hub.canonical.national import NATIONAL
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


def declarations() -> dict[str, AdapterDeclaration]:
    """Every registered adapter's declaration by format id (this loads every adapter)."""
    return {f: get_adapter(f).declaration for f in available_formats()}


@lru_cache(maxsize=1)
def namespace_registry() -> NamespaceRegistry:
    """The hub's own national namespaces, then every registered adapter's; a system declared twice is an error."""
    registry = NamespaceRegistry((NATIONAL, *declarations().values()))
    doubles = sorted(s for s, n in Counter(ns.system for ns in registry.namespaces).items() if n > 1)
    if doubles:
        raise TypeError(f"identifier namespaces declared more than once: {', '.join(doubles)}")
    return registry


@lru_cache(maxsize=1)
def fhir_facade() -> FhirFacade:
    """The surface of the one registered adapter that serves the hub's FHIR facade (it declares `fhir_facade`)."""
    surfaces = (getattr(get_adapter(f), "fhir_facade", None) for f in available_formats())
    found = [surface for surface in surfaces if isinstance(surface, FhirFacade)]
    if len(found) != 1:
        raise TypeError(f"{len(found)} registered adapters serve the FHIR facade; exactly one must")
    return found[0]


def validation_state(workers: int) -> tuple[int, int]:
    """(started, busy) validation workers of every adapter that validates aside, summed."""
    started = busy = 0
    for f in available_formats():
        adapter = get_adapter(f)
        if isinstance(adapter, ValidatesAside):
            s, b = adapter.validation_state(workers)
            started, busy = started + s, busy + b
    return started, busy


def warm_up(workers: int) -> None:
    """Start the validation workers of every adapter that validates aside."""
    for f in available_formats():
        adapter = get_adapter(f)
        if isinstance(adapter, ValidatesAside):
            adapter.warm_up(workers)
