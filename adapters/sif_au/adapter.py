"""The sif-au adapter object: format id, media types, sector, version; parse() and render() entry points.

Wraps the parser and renderer so that no KeyError/ValueError/ValidationError escapes: bad input -> PayloadRejected.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError

from adapters.base import ContractDeclaration
from adapters.sif_au.constants import FORMAT_ID, MAPPING_VERSION
from adapters.sif_au.contract import CONTRACT
from adapters.sif_au.declaration import DECLARATION
from adapters.sif_au.parser import parse_payload
from adapters.sif_au.render import render_batch
from hub.canonical.declarations import AdapterDeclaration
from hub.canonical.records import ParsedBatch
from hub.canonical.vocab import Sector
from hub.core.errors import PayloadRejected


class SifAuAdapter:
    format: ClassVar[str] = FORMAT_ID
    media_types: ClassVar[tuple[str, ...]] = ("application/xml", "text/xml")
    sector: ClassVar[Sector] = Sector.school
    version: ClassVar[str] = MAPPING_VERSION
    contract: ClassVar[ContractDeclaration] = CONTRACT  # samples, census, opt-outs (adapters.testing)
    declaration: ClassVar[AdapterDeclaration] = DECLARATION  # namespaces, open extra keys, retraction

    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
        try:
            return parse_payload(payload)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise PayloadRejected(f"SIF AU payload maps to an invalid record ({where}): {first.get('msg')}") from None

    def render(self, case_view: ParsedBatch, *, media_type: str | None = None) -> bytes:
        return render_batch(case_view)
