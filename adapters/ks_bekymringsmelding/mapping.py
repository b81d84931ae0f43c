"""Maps one validated KS bekymringsmelding (public or private reporter) to canonical records.

Children, guardians (and whether they were told), reporter and organisations, one confidential referral per child.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from adapters.ks_bekymringsmelding.schemas import SchemaKey
from hub.canonical import (
    CaseFact,
    ChildRecord,
    ContactPoint,
    EntryRecord,
    GuardianRecord,
    HumanName,
    Identifier,
    NotMapped,
    OrganizationRecord,
    ParsedBatch,
    Participant,
    PostalAddress,
    ReportWarning,
)
from hub.canonical.time import OSLO, to_utc
from hub.canonical.vocab import (
    DNR_SYSTEM,
    FNR_SYSTEM,
    KOMMUNENUMMER_SYSTEM,
    ORGNR_SYSTEM,
    AuthorKind,
    CaseStatus,
    Category,
    EntryKind,
    Sector,
    Sensitivity,
)
from hub.core.errors import PayloadRejected
from hub.identity.numbers import is_d_number, is_fodselsnummer, national_id_problem, orgnr_problem

FORMAT = "ks-bekymringsmelding"
MAPPING_VERSION = "ks-bekymringsmelding/1"
UNVALIDATED_NATIONAL_ID_SYSTEM = "urn:stafett:ks-bekymringsmelding:fnr-unvalidated"
UNVALIDATED_ORGNR_SYSTEM = "urn:stafett:ks-bekymringsmelding:orgnr-unvalidated"

_TOP_KEYS = {
    "kommunenummer", "kommunenavn", "bydelsnummer", "bydelsnavn", "offentligMelder", "offentligBarn",
    "foresatte", "privatMelder", "privatBarn", "behovForTolk", "andreHjelpeinstanser", "melding",
    "sendingstidspunkt", "leveringskanal",
}  # fmt: skip
_ADDRESS_KEYS = {"adresselinje1", "adresselinje2", "adresselinje3", "postnummer", "poststed"}


def report_id(report: dict[str, Any]) -> str:
    """The report carries no id: a sha256 of its canonical JSON, the same for every re-send of the same report."""
    canonical = json.dumps(report, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "ks-bekymring:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def map_report(report: dict[str, Any], *, key: SchemaKey) -> ParsedBatch:
    rid = report_id(report)
    batch = ParsedBatch(
        format=FORMAT,
        format_version=key.label,
        mapping_version=MAPPING_VERSION,
        municipality=report["kommunenummer"],
    )
    _note_unknown_keys(report, _TOP_KEYS, "", batch)
    receiver = _receiver(report)
    batch.organizations.append(receiver)
    sent_at = _sent_at(report["sendingstidspunkt"])
    if key.kind == "offentlig":
        reporter_org, reporter, author = _public_reporter(report["offentligMelder"], rid, batch)
        batch.organizations.append(reporter_org)
        children = _public_children(report["offentligBarn"], rid, batch)
        reporter_ref: str | None = reporter_org.source_id
    else:
        reporter, author = _private_reporter(report["privatMelder"], batch)
        children = _private_children(report["privatBarn"], rid, batch)
        reporter_ref = None
    text, message = _message(report["melding"], batch)
    common = {
        "report_id": rid,
        "message_type": f"no.ks.fiks.bekymringsmelding.{key.label}",
        "reporter_type": key.kind,
        "reporter": reporter,
        "municipality": {"number": report["kommunenummer"], "name": report["kommunenavn"]},
        "district": {"number": report["bydelsnummer"], "name": report["bydelsnavn"]},
        **message,
        "interpreter_need": report.get("behovForTolk"),
        "other_agencies": report.get("andreHjelpeinstanser"),
        "sent_at_local": report["sendingstidspunkt"],
        "delivery_channel": report["leveringskanal"],
        "children_in_report": len(children),
    }
    for child, child_payload in children:
        batch.children.append(child)
        # The reporter is not made a participant: reporting a concern gives no access to the child's case, and who
        # reported stays inside the confidential referral entry.
        participants = [Participant(org_ref=receiver.source_id, role="receiver")]
        batch.case_facts.append(
            CaseFact(
                source_id=f"{child.source_id}/sak",
                child_ref=child.source_id,
                municipality=report["kommunenummer"],
                status=CaseStatus.open,
                opened_at=sent_at,
                participants=participants,
            )
        )
        batch.entries.append(
            EntryRecord(
                source_id=f"{child.source_id}/melding",
                child_ref=child.source_id,
                kind=EntryKind.referral,
                category=Category.child_welfare,
                sensitivity=Sensitivity.confidential,
                occurred_at=sent_at,
                text=text,
                payload={**common, **child_payload},
                author_kind=AuthorKind.person,
                author_org_ref=reporter_ref,
                author_name=author,
            )
        )
    if key.kind == "offentlig":
        known = {"personnavn", "telefonnummer", "orientert", "orientertGrunn"}
        for index, item in enumerate(report["foresatte"]):
            _note_unknown_keys(item, known, f"/foresatte/{index}", batch)
        for child, _ in children:
            _guardians(report["foresatte"], child.source_id, batch)
    if not children:
        warning = ReportWarning(code="no-children", message="the report names no child", path="/privatBarn")
        batch.warnings.append(warning)
        batch.not_mapped.append(NotMapped(path="/melding", reason="the report names no child to attach it to"))
    return batch


def _receiver(report: dict[str, Any]) -> OrganizationRecord:
    """The receiving child welfare service: the municipality, or its district (bydel) when one is named."""
    number, name = report["kommunenummer"], report["kommunenavn"]
    district, district_name = report["bydelsnummer"], report["bydelsnavn"].strip()
    source_id = f"kommune:{number}" + (f"/bydel:{district}" if district_name else "")
    return OrganizationRecord(
        source_id=source_id,
        name=f"{name}, bydel {district_name}" if district_name else name,
        sector=Sector.child_welfare,
        identifiers=[Identifier(system=KOMMUNENUMMER_SYSTEM, value=number)],
        kommunenummer=number,
    )


def _sent_at(value: str) -> datetime:
    """sendingstidspunkt; the official examples carry no UTC offset, so a local time is read as Europe/Oslo."""
    try:
        moment = to_utc(value, assume=OSLO)
    except ValueError:
        raise PayloadRejected(
            f"sendingstidspunkt {value!r} is not an ISO 8601 date-time", location="/sendingstidspunkt"
        ) from None
    if moment is None:
        raise PayloadRejected("sendingstidspunkt is empty", location="/sendingstidspunkt")
    return moment


def _public_reporter(
    melder: dict[str, Any], rid: str, batch: ParsedBatch
) -> tuple[OrganizationRecord, dict[str, Any], str]:
    path = "/offentligMelder"
    _note_unknown_keys(melder, {"personnavn", "rolle", "telefonnummer", "epost", "virksomhet"}, path, batch)
    virksomhet = melder["virksomhet"]
    _note_unknown_keys(virksomhet, {"navn", "orgnr", "adresse"}, f"{path}/virksomhet", batch)
    _note_unknown_keys(virksomhet["adresse"], _ADDRESS_KEYS, f"{path}/virksomhet/adresse", batch)
    orgnr = (virksomhet.get("orgnr") or "").strip()
    identifiers: list[Identifier] = []
    source_id = f"{rid}/virksomhet"
    if orgnr and orgnr_problem(orgnr) is None:
        identifiers.append(Identifier(system=ORGNR_SYSTEM, value=orgnr))
        source_id = f"orgnr:{orgnr}"
    elif orgnr:
        identifiers.append(Identifier(system=UNVALIDATED_ORGNR_SYSTEM, value=orgnr))
        batch.warnings.append(
            ReportWarning(
                code="orgnr-invalid",
                message=f"reporter organisation number is not valid ({orgnr_problem(orgnr)}); kept unvalidated",
                path=f"{path}/virksomhet/orgnr",
            )
        )
    org = OrganizationRecord(source_id=source_id, name=virksomhet["navn"], sector=Sector.other, identifiers=identifiers)
    reporter = {
        "name": melder["personnavn"],
        "role": melder["rolle"],
        "phone": melder["telefonnummer"],
        "email": melder["epost"],
        "organization": {"name": virksomhet["navn"], "orgnr": orgnr or None, "address": virksomhet["adresse"]},
    }
    return org, reporter, melder["personnavn"]


def _private_reporter(melder: dict[str, Any], batch: ParsedBatch) -> tuple[dict[str, Any], str]:
    path = "/privatMelder"
    _note_unknown_keys(melder, {"personnavn", "telefonnummer", "adresse"}, path, batch)
    if "adresse" in melder:
        _note_unknown_keys(melder["adresse"], _ADDRESS_KEYS, f"{path}/adresse", batch)
    reporter = {"name": melder["personnavn"], "phone": melder.get("telefonnummer"), "address": melder.get("adresse")}
    return reporter, melder["personnavn"]


def _public_children(
    barn: list[dict[str, Any]], rid: str, batch: ParsedBatch
) -> list[tuple[ChildRecord, dict[str, Any]]]:
    known = {"fnr", "ufoedt", "personnavn", "telefonnummer", "adresse", "orientert", "orientertGrunn"}
    result = []
    for index, item in enumerate(barn):
        path = f"/offentligBarn/{index}"
        _note_unknown_keys(item, known, path, batch)
        _note_unknown_keys(item["adresse"], _ADDRESS_KEYS, f"{path}/adresse", batch)
        unborn = item["ufoedt"]
        extra: dict[str, Any] = {"informed": item["orientert"], "informed_reason": item.get("orientertGrunn") or None}
        if item.get("telefonnummer"):
            extra["phone"] = item["telefonnummer"]
        identifiers: list[Identifier] = []
        fnr = item["fnr"].strip()
        if fnr and unborn:
            extra["reported_fnr"] = fnr
            batch.warnings.append(
                ReportWarning(
                    code="unborn-child-with-national-id",
                    message="an unborn child cannot have a national id; the reported fnr is kept in the child's "
                    "extra (reported_fnr), not as its identifier",
                    path=f"{path}/fnr",
                )
            )
        elif fnr:
            identifiers.append(_national_id(fnr, f"{path}/fnr", batch))
        child = ChildRecord(
            source_id=f"{rid}/barn:{index}",
            identifiers=identifiers,
            names=[HumanName(text=item["personnavn"])],
            address=_address(item["adresse"]),
            unborn=unborn,
            extra=extra,
        )
        result.append((child, {"child_informed": item["orientert"], "child_informed_reason": extra["informed_reason"]}))
    return result


def _private_children(
    barn: list[dict[str, Any]], rid: str, batch: ParsedBatch
) -> list[tuple[ChildRecord, dict[str, Any]]]:
    result = []
    for index, item in enumerate(barn):
        path = f"/privatBarn/{index}"
        _note_unknown_keys(item, {"personnavn", "antattAlder", "relasjon", "adresse"}, path, batch)
        _note_unknown_keys(item["adresse"], _ADDRESS_KEYS, f"{path}/adresse", batch)
        pairs = (("assumed_age", item.get("antattAlder")), ("reporter_relation", item.get("relasjon")))
        extra = {name: value for name, value in pairs if value}
        child = ChildRecord(
            source_id=f"{rid}/barn:{index}",
            names=[HumanName(text=item["personnavn"])],
            address=_address(item["adresse"]),
            extra=extra,
        )
        result.append((child, {"reporter_relation": item.get("relasjon"), "assumed_age": item.get("antattAlder")}))
    return result


def _guardians(foresatte: list[dict[str, Any]], child_ref: str, batch: ParsedBatch) -> None:
    """The report lists guardians once for all children: one GuardianRecord per guardian and child."""
    for index, item in enumerate(foresatte):
        phone = item.get("telefonnummer")
        batch.guardians.append(
            GuardianRecord(
                source_id=f"{child_ref}/foresatt:{index}",
                child_ref=child_ref,
                names=[HumanName(text=item["personnavn"])],
                contact=[ContactPoint(system="phone", value=phone)] if phone else [],
                extra={"informed": item["orientert"], "informed_reason": item.get("orientertGrunn") or None},
            )
        )


def _message(melding: Any, batch: ParsedBatch) -> tuple[str, dict[str, Any]]:
    """The report text (v1/v2 public: melding + historie + andreSynspunkter; private: one string)."""
    if isinstance(melding, str):
        return melding, {"message": melding}
    _note_unknown_keys(melding, {"melding", "historie", "andreSynspunkter"}, "/melding", batch)
    parts = [melding["melding"]]
    if melding.get("historie"):
        parts.append(f"Historikk:\n{melding['historie']}")
    if melding.get("andreSynspunkter"):
        parts.append(f"Andre synspunkter:\n{melding['andreSynspunkter']}")
    fields = {
        "message": melding["melding"],
        "history": melding["historie"],
        "other_views": melding.get("andreSynspunkter"),
    }
    return "\n\n".join(parts), fields


def _national_id(value: str, path: str, batch: ParsedBatch) -> Identifier:
    if is_fodselsnummer(value):
        return Identifier(system=FNR_SYSTEM, value=value)
    if is_d_number(value):
        return Identifier(system=DNR_SYSTEM, value=value)
    batch.warnings.append(
        ReportWarning(
            code="national-id-invalid",
            message=f"child's fnr is not a valid fødselsnummer or D-nummer ({national_id_problem(value)}); "
            f"kept with system {UNVALIDATED_NATIONAL_ID_SYSTEM}",
            path=path,
        )
    )
    return Identifier(system=UNVALIDATED_NATIONAL_ID_SYSTEM, value=value)


def _address(raw: dict[str, Any]) -> PostalAddress:
    lines = [raw[k] for k in ("adresselinje1", "adresselinje2", "adresselinje3") if (raw.get(k) or "").strip()]
    return PostalAddress(lines=lines, postal_code=raw.get("postnummer") or None, city=raw.get("poststed") or None)


def _note_unknown_keys(obj: dict[str, Any], known: set[str], path: str, batch: ParsedBatch) -> None:
    """The schemas allow extra properties; whatever this mapping does not know is reported, never dropped."""
    for name in sorted(obj.keys() - known):
        batch.not_mapped.append(NotMapped(path=f"{path}/{name}", reason="property not in the KS schema; not mapped"))
