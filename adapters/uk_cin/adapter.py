"""The UK Children in Need census adapter (DfE CIN XML, 2022 and 2024 XSDs).

parse(): hardened XML parse -> detect XSD year -> validate (first error rejects) -> map -> business-rule warnings.
"""

from __future__ import annotations

from typing import ClassVar

from adapters.base import ContractDeclaration
from adapters.uk_cin.contract import CONTRACT
from adapters.uk_cin.declaration import DECLARATION
from adapters.uk_cin.mapping import FORMAT, CinMapper
from adapters.uk_cin.schema import detect_version, validate
from hub.canonical import ParsedBatch, Sector
from hub.canonical.declarations import AdapterDeclaration
from hub.core.errors import PayloadRejected
from hub.core.safe_xml import parse_xml


class UkCinAdapter:
    format: ClassVar[str] = FORMAT
    media_types: ClassVar[tuple[str, ...]] = ("application/xml", "text/xml")
    sector: ClassVar[Sector] = Sector.social
    version: ClassVar[str] = "1"
    contract: ClassVar[ContractDeclaration] = CONTRACT  # samples, census, opt-outs (adapters.testing)
    declaration: ClassVar[AdapterDeclaration] = DECLARATION  # namespaces, open extra keys, retraction

    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
        root = parse_xml(payload)
        version = detect_version(root)
        validate(root, version)
        try:
            return CinMapper(root, version=version).map()
        except (KeyError, ValueError, OverflowError) as exc:  # schema-valid but beyond what the mapping can hold
            raise PayloadRejected(f"CIN census could not be mapped: {type(exc).__name__}: {exc}") from None


adapter = UkCinAdapter()
