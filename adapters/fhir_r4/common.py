"""Small FHIR datatype -> canonical helpers: codings, names, addresses, identifiers, telecom, times.

Pure functions over FHIR JSON dicts (already validated by fhir.resources R4B).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hub.canonical import Code, ContactPoint, HumanName, Identifier, PostalAddress, Sensitivity
from hub.canonical.time import to_utc
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, KOMMUNENUMMER_SYSTEM
from hub.core.errors import PayloadRejected
from hub.identity.numbers import is_d_number, is_fodselsnummer

MUNICIPALITY_EXT = "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode"
PROPERTY_EXT = "http://hl7.no/fhir/StructureDefinition/no-basis-propertyinformation"
PARENTAL_RESPONSIBILITY_SYSTEM = "http://hl7.no/fhir/CodeSystem/no-basis-parental-responsibility"
CONFIDENTIAL_CODES = {"R", "V", "restricted", "confidential", "very restricted"}


def codes_of(concept: dict[str, Any] | None) -> list[Code]:
    """The codings of a CodeableConcept that carry both system and code."""
    result = []
    for coding in (concept or {}).get("coding") or []:
        if coding.get("system") and coding.get("code"):
            result.append(Code(system=coding["system"], code=coding["code"], display=coding.get("display")))
    return result


def concept_text(concept: dict[str, Any] | None) -> str | None:
    if not concept:
        return None
    if concept.get("text"):
        return concept["text"]
    for coding in concept.get("coding") or []:
        if coding.get("display"):
            return coding["display"]
    for coding in concept.get("coding") or []:
        if coding.get("code"):
            return coding["code"]
    return None


def identifiers_of(values: list[dict[str, Any]] | None, *, path: str, not_mapped: list) -> list[Identifier]:
    """Every identifier with system and value; national ids keep the FNR/D-nummer system they truly are."""
    result: list[Identifier] = []
    for i, raw in enumerate(values or []):
        system, value = raw.get("system"), raw.get("value")
        if not system or not value:
            not_mapped.append((f"{path}.identifier[{i}]", "identifier without system or value"))
            continue
        if system in (FNR_SYSTEM, DNR_SYSTEM):
            if system == FNR_SYSTEM and is_d_number(value):
                system = DNR_SYSTEM
            elif system == DNR_SYSTEM and is_fodselsnummer(value):
                system = FNR_SYSTEM
        ident = Identifier(system=system, value=value)
        if ident not in result:  # the same identifier twice (as in patient-example-f201-roel) is one identifier
            result.append(ident)
    return result


def names_of(values: list[dict[str, Any]] | None) -> list[HumanName]:
    return [
        HumanName(given=[g for g in n.get("given") or [] if g is not None], family=n.get("family"),
                  text=n.get("text"), use=n.get("use"))
        for n in values or []
    ]


def _municipality(address: dict[str, Any]) -> str | None:
    holders = [address, address.get("_district") or {}, address.get("_city") or {}]
    for holder in holders:
        for ext in holder.get("extension") or []:
            if ext.get("url") == MUNICIPALITY_EXT and ext.get("valueCoding"):
                return ext["valueCoding"].get("code")
            if ext.get("url") == PROPERTY_EXT:
                for part in ext.get("extension") or []:
                    if part.get("url") == "municipality" and part.get("valueCoding"):
                        return part["valueCoding"].get("code")
    return None


def pick_address(values: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The home address if one is marked so, else the first."""
    if not values:
        return None
    for address in values:
        if address.get("use") == "home":
            return address
    return values[0]


def address_of(address: dict[str, Any] | None) -> PostalAddress | None:
    if not address:
        return None
    return PostalAddress(
        lines=[line for line in address.get("line") or [] if line is not None],
        postal_code=address.get("postalCode"),
        city=address.get("city"),
        kommunenummer=_municipality(address),
        country=address.get("country"),
    )


def address_to_fhir(address: PostalAddress | None) -> dict[str, Any] | None:
    if address is None:
        return None
    result: dict[str, Any] = {}
    if address.kommunenummer:
        result["extension"] = [
            {"url": MUNICIPALITY_EXT, "valueCoding": {"system": KOMMUNENUMMER_SYSTEM, "code": address.kommunenummer}}
        ]
    if address.lines:
        result["line"] = address.lines
    if address.city:
        result["city"] = address.city
    if address.postal_code:
        result["postalCode"] = address.postal_code
    if address.country:
        result["country"] = address.country
    return result or None


def telecom_of(values: list[dict[str, Any]] | None) -> list[ContactPoint]:
    return [
        ContactPoint(system=t.get("system") or "other", value=t["value"], use=t.get("use"))
        for t in values or []
        if t.get("value")
    ]


def names_to_fhir(names: list[HumanName]) -> list[dict[str, Any]]:
    result = []
    for name in names:
        item = {"use": name.use, "text": name.text, "family": name.family, "given": name.given or None}
        result.append({k: v for k, v in item.items() if v})
    return result


def sensitivity_of(resource: dict[str, Any], *, default: Sensitivity = Sensitivity.normal) -> Sensitivity:
    for label in (resource.get("meta") or {}).get("security") or []:
        if label.get("code") in CONFIDENTIAL_CODES:
            return Sensitivity.confidential
    return default


def when(value: str | None, *, path: str) -> datetime | None:
    """A FHIR date/dateTime/instant as aware UTC (local times are Europe/Oslo); partial dates pad to the 1st."""
    if not value:
        return None
    text = value
    if len(text) == 4:
        text += "-01-01"
    elif len(text) == 7:
        text += "-01"
    try:
        return to_utc(text)
    except ValueError:
        raise PayloadRejected(f"{path}: {value!r} is not a valid FHIR date/time") from None


def day(value: str | None) -> date | None:
    if not value:
        return None
    text = value[:10]
    if len(text) == 4:
        text += "-01-01"
    elif len(text) == 7:
        text += "-01"
    return date.fromisoformat(text)
