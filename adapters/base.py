"""The adapter contract (DESIGN.md §4): a format id, media types, sector, version, a declaration, parse() and
optional render().

parse() raises hub.core.errors.PayloadRejected (4xx) naming the fault; `declaration` (hub.canonical.declarations)
says what the hub must know of the format; ContractDeclaration: how it is tested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from hub.canonical import OrganizationRecord, ParsedBatch, Sector
from hub.canonical.declarations import AdapterDeclaration


@runtime_checkable
class Adapter(Protocol):
    format: ClassVar[str]
    media_types: ClassVar[tuple[str, ...]]
    sector: ClassVar[Sector]
    version: ClassVar[str]
    declaration: ClassVar[AdapterDeclaration]  # identifier namespaces, open extra keys, retraction support

    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch: ...


class Verdict(Protocol):
    def wait(self) -> None:
        """Return when the payload proved valid; raise PayloadRejected naming the fault otherwise."""
        ...

    def overrules_faults(self) -> AbstractContextManager[None]:
        """A fault inside first waits for the verdict, so an invalid payload is reported as such."""
        ...


@runtime_checkable
class ValidatesAside(Protocol):
    """An adapter whose (costly) validation can run in a worker process while the pipeline maps and writes."""

    def parse_validating_aside(
        self, payload: bytes, *, media_type: str | None = None, workers: int
    ) -> tuple[ParsedBatch, Verdict]: ...

    def warm_up(self, workers: int) -> None:
        """Start the validation workers before the first payload (the API does at start-up)."""
        ...

    def validation_state(self, workers: int) -> tuple[int, int]:
        """(started, busy) of its validation workers, for the hub's metrics."""
        ...


@runtime_checkable
class Renderer(Protocol):
    def render(self, case_view: ParsedBatch, *, media_type: str | None = None) -> bytes:
        """Render one child's consent-filtered case (a ParsedBatch with one child) into the format."""
        ...


@runtime_checkable
class FhirFacade(Protocol):
    """What the hub's FHIR facade (hub/fhir) needs of the adapter that serves it, exposed as `fhir_facade`."""

    format: ClassVar[str]  # the format id the facade ingests transaction Bundles as
    entry_resource_types: ClassVar[tuple[str, ...]]  # the resource types entries render as

    def resource_id(self, hub_id: str) -> str:
        """The id render() gives the resource of a hub row (a case view's source ids are the rows' UUIDs)."""
        ...

    def render(self, view: ParsedBatch) -> dict[str, Any]: ...

    def organization(self, record: OrganizationRecord) -> dict[str, Any]: ...

    def decode(self, payload: bytes, *, media_type: str | None) -> dict[str, Any]: ...

    def source_id(self, resource: dict[str, Any], full_url: str | None) -> str: ...


SHARED: Literal["shared"] = "shared"
"""A sample root: the folder of real external data (../shared/data or HUB_SHARED_DATA), found by the suite's runner."""


@dataclass(frozen=True)
class SampleFiles:
    """Real payloads the adapter is tested on: `pattern` (a glob) under `root`, sent with `media_type`.

    `refused` says why these payloads are refused (PayloadRejected); None means they parse. A pattern that finds no
    file fails the contract test: a declared sample is never silently absent.
    """

    pattern: str
    root: Path | Literal["shared"] = SHARED
    media_type: str | None = None
    refused: str | None = None


Census = Callable[[bytes, "str | None"], Iterable["str | tuple[str, ...]"]]
"""The records a payload holds, one key each (or a tuple of alternative keys), found without the adapter's mapping:
each must be the source_id of a parsed record, or a not_mapped path (or its start, up to a separator)."""


@dataclass(frozen=True)
class ContractDeclaration:
    """What the contract suite (adapters.testing) needs of one adapter, declared by the adapter as `contract`.

    opt_outs name a check the adapter does not pass ("round_trip", "census") with the reason; they are reported.
    """

    samples: tuple[SampleFiles, ...]
    census: Census | None = None
    opt_outs: Mapping[str, str] = field(default_factory=dict)
