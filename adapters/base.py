"""The adapter contract (DESIGN.md §4): a format id, media types, sector, version, parse() and optional render().

parse() raises hub.core.errors.PayloadRejected (4xx) naming the fault; ContractDeclaration: how it is tested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal, Protocol, runtime_checkable

from hub.canonical import ParsedBatch, Sector


@runtime_checkable
class Adapter(Protocol):
    format: ClassVar[str]
    media_types: ClassVar[tuple[str, ...]]
    sector: ClassVar[Sector]
    version: ClassVar[str]

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


@runtime_checkable
class Renderer(Protocol):
    def render(self, case_view: ParsedBatch, *, media_type: str | None = None) -> bytes:
        """Render one child's consent-filtered case (a ParsedBatch with one child) into the format."""
        ...


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
