"""The KS bekymringsmelding adapter (report of concern to child welfare, Fiks IO JSON, v1/v2, public/private).

parse(): safe JSON load -> detect schema -> validate offline -> map; bad input raises PayloadRejected naming why.
"""

from __future__ import annotations

from typing import ClassVar

from adapters.base import ContractDeclaration
from adapters.ks_bekymringsmelding.contract import CONTRACT
from adapters.ks_bekymringsmelding.declaration import DECLARATION
from adapters.ks_bekymringsmelding.detect import detect
from adapters.ks_bekymringsmelding.mapping import FORMAT, map_report
from adapters.ks_bekymringsmelding.schemas import validate_report
from hub.canonical import ParsedBatch, Sector
from hub.canonical.declarations import AdapterDeclaration
from hub.core.errors import PayloadRejected
from hub.core.safe_json import load_json


class KsBekymringsmeldingAdapter:
    format: ClassVar[str] = FORMAT
    media_types: ClassVar[tuple[str, ...]] = ("application/json",)
    sector: ClassVar[Sector] = Sector.child_welfare
    version: ClassVar[str] = "1"
    contract: ClassVar[ContractDeclaration] = CONTRACT  # samples, census, opt-outs (adapters.testing)
    declaration: ClassVar[AdapterDeclaration] = DECLARATION  # namespaces, open extra keys, retraction

    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
        """Parse one report; `media_type` may carry the Fiks IO message type (meldingstype=...) to fix v1/v2."""
        report = load_json(payload)
        key = detect(report, media_type=media_type)
        validate_report(report, key)
        try:
            return map_report(report, key=key)
        except (KeyError, ValueError, OverflowError) as exc:  # schema-valid but beyond what the mapping can hold
            raise PayloadRejected(f"KS bekymringsmelding could not be mapped: {type(exc).__name__}: {exc}") from None


adapter = KsBekymringsmeldingAdapter()
