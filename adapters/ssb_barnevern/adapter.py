"""The SSB barnevern adapter: parse() validates the payload against the XSD of its version and maps it.

Orchestrates the mappers (identity, entries, measures, links); no database, no HTTP, no consent.
"""

from __future__ import annotations

from typing import ClassVar

from lxml import etree
from pydantic import ValidationError

from adapters.base import ContractDeclaration
from adapters.ssb_barnevern.context import MappingContext
from adapters.ssb_barnevern.contract import CONTRACT
from adapters.ssb_barnevern.declaration import DECLARATION
from adapters.ssb_barnevern.entries import ENTRY_MAPPERS
from adapters.ssb_barnevern.identity import map_avgiver, map_case, map_child
from adapters.ssb_barnevern.links import apply_deletions, apply_relations
from adapters.ssb_barnevern.measures import map_tiltak
from adapters.ssb_barnevern.schema import detect_version, validate
from hub.canonical import EntryRecord, MeasureRecord, ParsedBatch, Sector
from hub.canonical.declarations import AdapterDeclaration
from hub.core.errors import PayloadRejected
from hub.core.safe_xml import parse_xml
from hub.mappings import MappingSet, default_mappings

FORMAT = "ssb-barnevern"
MAPPING_VERSION = "ssb-barnevern/1"
FULL_EXTRACT_VALUES = {"total", "full"}
DELTA_EXTRACT_VALUES = {"changes", "delta"}
_SAK_CHILDREN = {"Personalia", "Tiltak", "Relasjon", "Slettet", *ENTRY_MAPPERS}


def extract_kind(media_type: str | None) -> str | None:
    """The `extract` media-type parameter ("total"/"full" or "changes"/"delta"), e.g. application/xml; extract=total."""
    if not media_type:
        return None
    for part in media_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "extract":
            value = value.strip().strip('"').lower()
            if value not in FULL_EXTRACT_VALUES | DELTA_EXTRACT_VALUES:
                raise PayloadRejected(f"media type parameter extract={value!r}: expected total or changes")
            return "total" if value in FULL_EXTRACT_VALUES else "changes"
    return None


class SsbBarnevernAdapter:
    format: ClassVar[str] = FORMAT
    media_types: ClassVar[tuple[str, ...]] = ("application/xml", "text/xml")
    sector: ClassVar[Sector] = Sector.child_welfare
    version: ClassVar[str] = "1"
    contract: ClassVar[ContractDeclaration] = CONTRACT  # samples, census, opt-outs (adapters.testing)
    declaration: ClassVar[AdapterDeclaration] = DECLARATION  # namespaces, open extra keys, retraction

    def __init__(self, mappings: MappingSet | None = None) -> None:
        self._mappings = mappings

    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
        kind = extract_kind(media_type)
        root = parse_xml(payload)
        if root.tag != "Barnevern":
            raise PayloadRejected(f"root element is {root.tag!r}; an SSB barnevern extract starts with <Barnevern>")
        version = detect_version(root)
        ctx = MappingContext(mappings=self._mappings or default_mappings(), format_version=version)
        for path, message in validate(root, version):
            ctx.warn("schema-code-deviation", f"the v{version} XSD does not accept this code value: {message}", path)
        previous = root.get("ForrigeId")
        # The first extract of a chain (no ForrigeId) has nothing before it, so it is full by definition.
        full = kind == "total" or (kind is None and previous is None)
        try:
            return self._map(root, ctx, full=full, previous=previous)
        except ValidationError as exc:  # a value the XSD let through but a canonical record refuses
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise PayloadRejected(f"SSB barnevern v{version}: {exc.title}.{where}: {first.get('msg')}") from None

    def _map(self, root: etree._Element, ctx: MappingContext, *, full: bool, previous: str | None) -> ParsedBatch:
        fagsystem, avgiver, sak = root.find("Fagsystem"), root.find("Avgiver"), root.find("Sak")
        ctx.kommunenummer = avgiver.get("Kommunenummer")
        organization = map_avgiver(avgiver, ctx)
        ctx.org_ref = organization.source_id
        child = map_child(sak, ctx)
        ctx.child_ref = child.source_id
        case = map_case(sak, ctx)
        entries: dict[str, EntryRecord] = {}
        measures: dict[str, MeasureRecord] = {}
        for element in sak:
            if not isinstance(element.tag, str):
                continue
            if element.tag in ENTRY_MAPPERS:
                _add(entries, ENTRY_MAPPERS[element.tag](element, ctx, "/Barnevern/Sak"))
            elif element.tag == "Tiltak":
                _add(measures, map_tiltak(element, ctx, "/Barnevern/Sak"))
        apply_relations(sak, ctx, entries=entries, measures=measures, full_extract=full)
        apply_deletions(sak, ctx, entries=entries, measures=measures)
        self._report_envelope(root, sak, ctx)
        return ParsedBatch(
            format=FORMAT,
            format_version=ctx.format_version,
            mapping_version=MAPPING_VERSION,
            source_system=f"{fagsystem.get('Leverandor')}/{fagsystem.get('Navn')}",
            municipality=ctx.kommunenummer,
            organizations=[organization],
            children=[child],
            case_facts=[case],
            entries=list(entries.values()),
            measures=list(measures.values()),
            not_mapped=ctx.not_mapped,
            warnings=ctx.warnings,
            is_full_extract=full,
            previous_extract_id=previous,
            extract_id=root.get("Id"),
        )

    @staticmethod
    def _report_envelope(root: etree._Element, sak: etree._Element, ctx: MappingContext) -> None:
        """What the canonical batch has no field for: reported, kept in the raw archive."""
        ctx.skip("/Barnevern/@DatoUttrekk", f"extract time {root.get('DatoUttrekk')}: ParsedBatch has no field for it")
        ctx.skip("/Barnevern/Fagsystem/@Versjon",
                 f"sending system version {root.find('Fagsystem').get('Versjon')}: not part of the source system key")
        if sak.get("MigrertId"):
            ctx.skip("/Barnevern/Sak/@MigrertId", "the case's id in a migrated-from system: CaseFact has no identifiers")
        identity = set() if ctx.format_version != "1.2" else {"Fodselsnummer", "Fodseldato", "Kjonn", "DUFnummer"}
        ctx.report_leftovers(sak, "/Barnevern/Sak", attributes={"StartDato", "SluttDato", "Journalnummer", "Avsluttet",
                                                               "MigrertId", *identity}, children=_SAK_CHILDREN)


def _add(records: dict, record: EntryRecord | MeasureRecord) -> None:
    if record.source_id in records:
        raise PayloadRejected(f"/Barnevern/Sak: two {record.source_id.split('/')[0]} elements have the Id "
                              f"{record.source_id.split('/', 1)[1]}; Ids must be unique per element type")
    records[record.source_id] = record
