"""Shared pieces of SIF person objects: names, identifiers (incl. the Norwegian national id), phones, emails.

Used by the StudentPersonal and StudentContactPersonal parsers; pure functions over lxml elements.
"""

from __future__ import annotations

from lxml import etree

from adapters.sif_au.constants import (
    NAME_USE,
    NORWEGIAN_ID_ALIASES,
    NORWEGIAN_ID_TYPE,
    OTHER_ID_PREFIX,
)
from adapters.sif_au.context import SifContext, kids, local, q, text
from hub.canonical.records import ContactPoint, HumanName, Identifier
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM
from hub.identity.numbers import is_d_number, is_fodselsnummer, national_id_problem

_NAME_PARTS = {"FamilyName", "GivenName", "MiddleName", "FullName"}


def parse_name(ctx: SifContext, element: etree._Element, path: str) -> HumanName:
    typ = element.get("Type") or ""
    given = [v for v in (text(element, "GivenName"), text(element, "MiddleName")) if v]
    for part in kids(element):
        if local(part) not in _NAME_PARTS:
            ctx.not_mapped(f"{path}/{local(part)}", "name part not in the canonical name (kept in the raw archive)")
    return HumanName(
        given=given,
        family=text(element, "FamilyName"),
        text=text(element, "FullName"),
        use=NAME_USE.get(typ, typ or None),
    )


def parse_names(ctx: SifContext, person_info: etree._Element, path: str) -> list[HumanName]:
    names: list[HumanName] = []
    main = person_info.find(q("Name"))
    if main is not None:
        names.append(parse_name(ctx, main, f"{path}/Name"))
    for i, other in enumerate(person_info.findall(f"{q('OtherNames')}/{q('Name')}"), start=1):
        names.append(parse_name(ctx, other, f"{path}/OtherNames/Name[{i}]"))
    return names


def other_id(ctx: SifContext, element: etree._Element, path: str) -> Identifier | None:
    typ = (element.get("Type") or "").strip()
    value = (element.text or "").strip()
    if not value:
        ctx.not_mapped(path, "empty OtherId")
        return None
    if typ.lower() in NORWEGIAN_ID_ALIASES:
        digits = value.replace(" ", "")
        if is_fodselsnummer(digits):
            return Identifier(system=FNR_SYSTEM, value=digits)
        if is_d_number(digits):
            return Identifier(system=DNR_SYSTEM, value=digits)
        ctx.warn("invalid-norwegian-id", f"OtherId Type={typ!r} is not a valid fødselsnummer or D-nummer: "
                 f"{national_id_problem(digits)}; kept as a SIF other id", path)
        return Identifier(system=OTHER_ID_PREFIX + NORWEGIAN_ID_TYPE, value=value)
    return Identifier(system=OTHER_ID_PREFIX + (typ or "unspecified"), value=value)


def other_ids(ctx: SifContext, obj: etree._Element, path: str) -> list[Identifier]:
    found = []
    for i, element in enumerate(obj.findall(f"{q('OtherIdList')}/{q('OtherId')}"), start=1):
        identifier = other_id(ctx, element, f"{path}/OtherIdList/OtherId[{i}]")
        if identifier is not None:
            found.append(identifier)
    return found


def contact_points(ctx: SifContext, person_info: etree._Element, path: str) -> list[ContactPoint]:
    points: list[ContactPoint] = []
    for i, phone in enumerate(person_info.findall(f"{q('PhoneNumberList')}/{q('PhoneNumber')}"), start=1):
        number = text(phone, "Number")
        if number:
            points.append(ContactPoint(system="phone", value=number, use=phone.get("Type")))
        for part in kids(phone):
            if local(part) != "Number":
                ctx.not_mapped(f"{path}/PhoneNumberList/PhoneNumber[{i}]/{local(part)}", "phone detail not mapped")
    for email in person_info.findall(f"{q('EmailList')}/{q('Email')}"):
        if email.text and email.text.strip():
            points.append(ContactPoint(system="email", value=email.text.strip(), use=email.get("Type")))
    return points
