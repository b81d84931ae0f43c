"""Maps Avgiver (the reporting child welfare service), Sak (the case) and the child's identity.

v1.2 carries the identity as attributes of Sak; v4.0.1 in Sak/Personalia (history: the newest valid one wins).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from adapters.ssb_barnevern.context import MappingContext, element_path, is_true, plain_date, utc
from hub.canonical import CaseFact, CaseStatus, ChildRecord, Identifier, OrganizationRecord, Participant, Sector
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, ORGNR_SYSTEM
from hub.identity.numbers import is_d_number, is_fodselsnummer, national_id_problem, orgnr_problem

UNVALIDATED_ID_SYSTEM = "urn:ssb:barnevern:fodselsnummer-unvalidated"
UNVALIDATED_ORGNR_SYSTEM = "urn:ssb:barnevern:organisasjonsnummer-unvalidated"
DUF_SYSTEM = "urn:ssb:barnevern:dufnummer"
JOURNAL_SYSTEM_PREFIX = "urn:ssb:barnevern:journalnummer:"  # + kommunenummer
BYDEL_SYSTEM_PREFIX = "urn:ssb:barnevern:bydelsnummer:"  # + kommunenummer
PARTICIPANT_ROLE = "child_welfare_service"


def journal_system(kommunenummer: str | None) -> str:
    """Journalnummer is unique only inside one municipality's case system, so the system names the municipality."""
    return f"{JOURNAL_SYSTEM_PREFIX}{kommunenummer or 'unknown'}"


def map_avgiver(avgiver: etree._Element, ctx: MappingContext) -> OrganizationRecord:
    path = "/Barnevern/Avgiver"
    orgnr = avgiver.get("Organisasjonsnummer", "")
    kommunenummer = avgiver.get("Kommunenummer")
    problem = orgnr_problem(orgnr)
    if problem:
        ctx.warn("orgnr-invalid", f"Avgiver Organisasjonsnummer {orgnr!r} is not valid: {problem}", path)
    identifiers = [Identifier(system=UNVALIDATED_ORGNR_SYSTEM if problem else ORGNR_SYSTEM, value=orgnr)]
    name = f"Barneverntjenesten, {avgiver.get('Kommunenavn')}"
    bydel = avgiver.get("Bydelsnummer")
    if bydel:
        identifiers.append(Identifier(system=f"{BYDEL_SYSTEM_PREFIX}{kommunenummer}", value=bydel))
        name += f", {avgiver.get('Bydelsnavn') or 'bydel ' + bydel}"
    ctx.report_leftovers(
        avgiver, path, attributes={"Organisasjonsnummer", "Kommunenummer", "Kommunenavn", "Bydelsnummer", "Bydelsnavn"},
        children=set(),
    )
    return OrganizationRecord(
        source_id=f"Avgiver/{orgnr}{'/' + bydel if bydel else ''}",
        name=name,
        sector=Sector.child_welfare,
        identifiers=identifiers,
        kommunenummer=kommunenummer,
    )


def _identity_source(sak: etree._Element, ctx: MappingContext, path: str) -> etree._Element | None:
    """The element holding Fodselsnummer/Fodseldato/Kjonn: Sak itself (v1.2) or its newest Personalia (v4)."""
    if sak.get("Fodselsnummer") is not None:
        return sak
    candidates = [p for p in sak.findall("Personalia") if not is_true(p.get("ErSlettet"))]
    for personalia in sak.findall("Personalia"):
        if is_true(personalia.get("ErSlettet")):
            ctx.skip(element_path(path, personalia), "Personalia marked ErSlettet: not used for the child's identity")
    if not candidates:
        ctx.warn("child-identity-missing", "Sak has no (undeleted) Personalia: the child has no identity", path)
        return None
    candidates.sort(key=lambda p: (p.get("StartDato") or "", p.get("Id") or ""))
    for older in candidates[:-1]:
        ctx.skip(element_path(path, older), "older Personalia (identity history); the newest by StartDato is used")
    return candidates[-1]


def map_child(sak: etree._Element, ctx: MappingContext) -> ChildRecord:
    path = "/Barnevern/Sak"
    source = _identity_source(sak, ctx, path)
    identifiers: list[Identifier] = []
    fields: dict[str, Any] = {}
    if source is not None:
        source_path = path if source is sak else element_path(path, source)
        number = source.get("Fodselsnummer")
        if number:
            identifiers.append(_national_id(number, ctx, f"{source_path}/@Fodselsnummer"))
        if source.get("DUFnummer"):
            identifiers.append(Identifier(system=DUF_SYSTEM, value=source.get("DUFnummer")))
        born = plain_date(source, "Fodseldato", source_path)
        kjonn = source.get("Kjonn")
        fields["sex"] = {"1": "male", "2": "female"}.get(kjonn or "")
        if kjonn == "0":
            fields.update(unborn=True, expected_birth_date=born)
        else:
            fields["birth_date"] = born
        if source is not sak:
            ctx.report_leftovers(
                source, source_path, attributes={"StartDato", "Fodselsnummer", "Fodseldato", "Kjonn", "DUFnummer"},
                children=set(),
            )
    journal = sak.get("Journalnummer")
    if journal:
        identifiers.append(Identifier(system=journal_system(ctx.kommunenummer), value=journal))
    return ChildRecord(source_id=f"Sak/{sak.get('Id')}/barn", identifiers=identifiers, **fields)


def _national_id(number: str, ctx: MappingContext, path: str) -> Identifier:
    if is_fodselsnummer(number):
        return Identifier(system=FNR_SYSTEM, value=number)
    if is_d_number(number):
        return Identifier(system=DNR_SYSTEM, value=number)
    ctx.warn(
        "national-id-unvalidated",
        f"Fodselsnummer is not a valid fødselsnummer or D-nummer ({national_id_problem(number)}); SSB allows "
        f"birth date + 00100/00200/55555/99999 for unknown ids: kept as {UNVALIDATED_ID_SYSTEM}",
        path,
    )
    return Identifier(system=UNVALIDATED_ID_SYSTEM, value=number)


def map_case(sak: etree._Element, ctx: MappingContext) -> CaseFact:
    path = "/Barnevern/Sak"
    opened = plain_date(sak, "StartDato", path)
    closed = plain_date(sak, "SluttDato", path)
    ended = closed is not None or is_true(sak.get("Avsluttet"))
    if is_true(sak.get("ErSlettet")):
        ctx.warn(
            "case-deleted",
            "Sak is marked ErSlettet: the source deleted the whole case; its entries and measures must be retracted",
            path,
        )
    return CaseFact(
        source_id=f"Sak/{sak.get('Id')}",
        child_ref=ctx.child_ref,
        municipality=ctx.kommunenummer,
        status=CaseStatus.closed if ended else CaseStatus.open,
        opened_at=utc(opened),
        closed_at=utc(closed),
        participants=[Participant(org_ref=ctx.org_ref, role=PARTICIPANT_ROLE)],
    )
