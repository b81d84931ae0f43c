"""The adapter contract (DESIGN.md §4): a format id, media types, sector, version, parse() and optional render().

parse() returns a ParsedBatch and raises hub.core.errors.PayloadRejected (4xx) naming the fault on bad input.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import ClassVar, Protocol, runtime_checkable

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
