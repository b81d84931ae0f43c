"""The kindergarten-v1 adapter object: format id, media type, sector, version; parse() and render().

Wraps parser and renderer so that no KeyError/ValueError/ValidationError escapes: bad input -> PayloadRejected.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError

from adapters.base import ContractDeclaration
from adapters.kindergarten.constants import FORMAT_ID, MAPPING_VERSION
from adapters.kindergarten.contract import CONTRACT
from adapters.kindergarten.declaration import DECLARATION
from adapters.kindergarten.parser import parse_report
from adapters.kindergarten.render import render_report
from hub.canonical.declarations import AdapterDeclaration
from hub.canonical.records import ParsedBatch
from hub.canonical.vocab import Sector
from hub.core.errors import PayloadRejected


class KindergartenAdapter:
    format: ClassVar[str] = FORMAT_ID
    media_types: ClassVar[tuple[str, ...]] = ("application/xml",)
    sector: ClassVar[Sector] = Sector.kindergarten
    version: ClassVar[str] = MAPPING_VERSION
    contract: ClassVar[ContractDeclaration] = CONTRACT  # samples, census, opt-outs (adapters.testing)
    declaration: ClassVar[AdapterDeclaration] = DECLARATION  # namespaces, open extra keys, retraction

    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
        try:
            return parse_report(payload)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise PayloadRejected(f"kindergarten-v1 report maps to an invalid record ({where}): "
                                  f"{first.get('msg')}") from None

    def render(self, case_view: ParsedBatch, *, media_type: str | None = None) -> bytes:
        return render_report(case_view)
