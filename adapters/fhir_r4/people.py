"""Patient -> ChildRecord, RelatedPerson / Patient.contact -> GuardianRecord, Organization -> OrganizationRecord.

Practitioners have no canonical record: their names become entry authors and the resource is listed as not mapped.
"""

from __future__ import annotations

from typing import Any

from adapters.fhir_r4.common import (
    PARENTAL_RESPONSIBILITY_SYSTEM,
    address_of,
    concept_text,
    day,
    identifiers_of,
    names_of,
    pick_address,
    telecom_of,
    when,
)
from adapters.fhir_r4.context import Context
from adapters.fhir_r4.reader import Item
from hub.canonical import ChildRecord, GuardianRecord, OrganizationRecord, ParentalResponsibility, Sector
from hub.canonical.vocab import NATIONAL_ID_SYSTEMS, ORGNR_SYSTEM
from hub.core.errors import PayloadRejected
from hub.identity.numbers import national_id_problem, orgnr_problem

_PATIENT_KEYS = {"identifier", "name", "birthDate", "gender", "communication", "address", "deceasedBoolean",
                 "deceasedDateTime", "contact"}
_RELATED_KEYS = {"identifier", "name", "relationship", "telecom", "address", "patient"}
_ORG_KEYS = {"identifier", "name", "type", "address"}
# Sector only from explicit type codes (http://terminology.hl7.org/CodeSystem/organization-type); anything
# else is health, because a FHIR R4 payload comes from a health system.
_SECTOR_BY_TYPE = {"edu": Sector.school, "govt": Sector.municipality}


def _reported(ctx: Context, item: Item, pairs: list[tuple[str, str]]) -> None:
    for path, reason in pairs:
        ctx.not_mapped(path, reason)


def _check_numbers(ctx: Context, item: Item, identifiers: list) -> None:
    """Business rule: national ids and org numbers must pass their mod-11 checks (kept, but warned)."""
    for ident in identifiers:
        problem = None
        if ident.system in NATIONAL_ID_SYSTEMS:
            problem = national_id_problem(ident.value)
        elif ident.system == ORGNR_SYSTEM:
            problem = orgnr_problem(ident.value)
        if problem:
            code = "orgnr-invalid" if ident.system == ORGNR_SYSTEM else "national-id-invalid"
            ctx.warn(code, f"identifier {ident.system} is not valid: {problem}", f"{item.source_id}.identifier")


def _report_name_extensions(ctx: Context, item: Item) -> None:
    """Name extensions (HL7 Norway middle name, own-name parts, …) have no canonical field: say so."""
    for index, name in enumerate(item.resource.get("name") or []):
        if any(key == "extension" or key.startswith("_") for key in name):
            ctx.not_mapped(f"{item.source_id}.name[{index}]", "name extensions have no canonical field")


def _meta_extra(resource: dict[str, Any]) -> dict[str, Any]:
    meta = resource.get("meta") or {}
    kept = {k: meta[k] for k in ("versionId", "lastUpdated") if k in meta}
    return {"meta": kept} if kept else {}


_GENDERS = {"male", "female", "other", "unknown"}  # required binding: administrative-gender


def map_patient(ctx: Context, item: Item) -> None:
    res, problems = item.resource, []
    path = item.source_id
    if res.get("gender") is not None and res["gender"] not in _GENDERS:
        raise PayloadRejected(f"{path}.gender {res['gender']!r} is not an administrative-gender code")
    languages = []
    preferred = None
    for comm in res.get("communication") or []:
        code = next((c.get("code") for c in (comm.get("language") or {}).get("coding") or [] if c.get("code")), None)
        code = code or (comm.get("language") or {}).get("text")
        if code:
            languages.append(code)
            if comm.get("preferred") and preferred is None:
                preferred = code
    extra = _meta_extra(res)
    if res.get("deceasedBoolean") is not None:
        extra["deceased"] = res["deceasedBoolean"]
    addresses = res.get("address") or []
    if len(addresses) > 1:
        problems.append((f"{path}.address", f"{len(addresses) - 1} address(es) beyond the home/first one"))
    child = ChildRecord(
        source_id=item.source_id,
        identifiers=identifiers_of(res.get("identifier"), path=path, not_mapped=problems),
        names=names_of(res.get("name")),
        birth_date=day(res.get("birthDate")),
        sex=res.get("gender"),
        preferred_language=preferred,
        languages=languages,
        address=address_of(pick_address(addresses)),
        deceased_at=when(res.get("deceasedDateTime"), path=f"{path}.deceasedDateTime"),
        extra=extra,
    )
    ctx.batch.children.append(child)
    _check_numbers(ctx, item, child.identifiers)
    ctx.mapped_ids.add(item.source_id)
    for ident in child.identifiers:
        ctx.children_by_identifier[ident.key()] = item.source_id
    for index, contact in enumerate(res.get("contact") or []):
        _map_contact(ctx, item, index, contact)
    _reported(ctx, item, problems)
    _report_name_extensions(ctx, item)
    ctx.unhandled_keys(item, _PATIENT_KEYS)


def _relationship(concepts: list[dict[str, Any]]) -> tuple[str | None, ParentalResponsibility | None]:
    relation = None
    responsibility = None
    for concept in concepts:
        codings = concept.get("coding") or []
        pr = next((c for c in codings if c.get("system") == PARENTAL_RESPONSIBILITY_SYSTEM), None)
        if pr is not None and pr.get("code") in ParentalResponsibility.__members__:
            responsibility = ParentalResponsibility(pr["code"])
            continue
        if relation is None:
            relation = concept_text(concept)
    return relation, responsibility


def _map_contact(ctx: Context, item: Item, index: int, contact: dict[str, Any]) -> None:
    source_id = f"{item.source_id}#contact[{index}]"
    relation, responsibility = _relationship(contact.get("relationship") or [])
    extra: dict[str, Any] = {"origin": "Patient.contact"}
    if contact.get("relationship"):
        extra["relationship"] = contact["relationship"]
    name = contact.get("name")
    ctx.batch.guardians.append(
        GuardianRecord(
            source_id=source_id,
            child_ref=item.source_id,
            names=names_of([name] if name else []),
            relation=relation,
            parental_responsibility=responsibility,
            contact=telecom_of(contact.get("telecom")),
            address=address_of(contact.get("address")),
            extra=extra,
        )
    )
    ctx.guardian_ids.add(source_id)
    ctx.mapped_ids.add(source_id)
    for key in contact:
        if key not in ("relationship", "name", "telecom", "address"):
            ctx.not_mapped(f"{source_id}.{key}", f"Patient.contact.{key} has no canonical field")


def map_related_person(ctx: Context, item: Item, child_ref: str) -> None:
    res, problems = item.resource, []
    relation, responsibility = _relationship(res.get("relationship") or [])
    extra = _meta_extra(res)
    if res.get("relationship"):
        extra["relationship"] = res["relationship"]
    addresses = res.get("address") or []
    if len(addresses) > 1:
        problems.append((f"{item.source_id}.address", f"{len(addresses) - 1} address(es) beyond the first"))
    ctx.batch.guardians.append(
        GuardianRecord(
            source_id=item.source_id,
            child_ref=child_ref,
            identifiers=identifiers_of(res.get("identifier"), path=item.source_id, not_mapped=problems),
            names=names_of(res.get("name")),
            relation=relation,
            parental_responsibility=responsibility,
            contact=telecom_of(res.get("telecom")),
            address=address_of(pick_address(addresses)),
            extra=extra,
        )
    )
    ctx.guardian_ids.add(item.source_id)
    ctx.mapped_ids.add(item.source_id)
    _check_numbers(ctx, item, ctx.batch.guardians[-1].identifiers)
    _reported(ctx, item, problems)
    _report_name_extensions(ctx, item)
    ctx.unhandled_keys(item, _RELATED_KEYS)


def map_organization(ctx: Context, item: Item) -> None:
    res, problems = item.resource, list[tuple[str, str]]()
    sector = Sector.health
    for concept in res.get("type") or []:
        for coding in concept.get("coding") or []:
            if coding.get("system") == "http://terminology.hl7.org/CodeSystem/organization-type":
                sector = _SECTOR_BY_TYPE.get(coding.get("code"), sector)
    address = address_of(pick_address(res.get("address")))
    ctx.batch.organizations.append(
        OrganizationRecord(
            source_id=item.source_id,
            name=res.get("name"),
            sector=sector,
            identifiers=identifiers_of(res.get("identifier"), path=item.source_id, not_mapped=problems),
            kommunenummer=address.kommunenummer if address else None,
        )
    )
    ctx.org_ids.add(item.source_id)
    _check_numbers(ctx, item, ctx.batch.organizations[-1].identifiers)
    ctx.mapped_ids.add(item.source_id)
    _reported(ctx, item, problems)
    ctx.unhandled_keys(item, _ORG_KEYS)
    if res.get("address"):
        ctx.not_mapped(f"{item.source_id}.address", "organisation address kept only as kommunenummer")


def note_practitioner(ctx: Context, item: Item) -> None:
    names = names_of(item.resource.get("name"))
    if names:
        first = names[0]
        ctx.names_by_id[item.source_id] = first.text or " ".join([*first.given, first.family or ""]).strip()
    ctx.not_mapped(item.source_id, "Practitioner has no canonical record (its name is used as entry author)")
