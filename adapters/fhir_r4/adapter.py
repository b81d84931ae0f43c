"""The FHIR R4 adapter object: format id, media types, sector, parse() and render().

parse() reads JSON or XML with fhir.resources R4B; render() exports one child's case as a collection Bundle.
parse_validating_aside() is parse() with validation in a worker process, for the ingest pipeline.
"""

from __future__ import annotations

from typing import ClassVar

from adapters.base import ContractDeclaration, FhirFacade
from adapters.fhir_r4 import validation
from adapters.fhir_r4.contract import CONTRACT
from adapters.fhir_r4.declaration import DECLARATION
from adapters.fhir_r4.facade import FACADE
from adapters.fhir_r4.mapper import FORMAT_ID, map_payload
from adapters.fhir_r4.reader import read, read_validating_aside
from adapters.fhir_r4.validation import Verdict
from hub.canonical import ParsedBatch, Sector
from hub.canonical.declarations import AdapterDeclaration


class FhirR4Adapter:
    format: ClassVar[str] = FORMAT_ID
    media_types: ClassVar[tuple[str, ...]] = (
        "application/fhir+json",
        "application/fhir+xml",
        "application/json",
        "application/xml",
    )
    sector: ClassVar[Sector] = Sector.health
    version: ClassVar[str] = "4.0.1"
    contract: ClassVar[ContractDeclaration] = CONTRACT  # samples, census, opt-outs (adapters.testing)
    declaration: ClassVar[AdapterDeclaration] = DECLARATION  # namespaces, open extra keys, retraction
    fhir_facade: ClassVar[FhirFacade] = FACADE  # what the hub's FHIR facade uses (adapters.base.FhirFacade)

    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
        return map_payload(read(payload, media_type=media_type))

    def parse_validating_aside(self, payload: bytes, *, media_type: str | None = None, workers: int) -> tuple[ParsedBatch, Verdict]:
        """parse() while a worker process validates; the caller waits on the verdict before it commits anything."""
        read_payload, verdict = read_validating_aside(payload, media_type=media_type, workers=workers)
        with verdict.overrules_faults():
            return map_payload(read_payload), verdict

    def warm_up(self, workers: int) -> None:
        validation.warm_up(workers)

    def validation_state(self, workers: int) -> tuple[int, int]:
        return validation.pool_state(workers)

    def render(self, case_view: ParsedBatch, *, media_type: str | None = None) -> bytes:
        from adapters.fhir_r4.render import render_bundle

        return render_bundle(case_view, media_type=media_type)
