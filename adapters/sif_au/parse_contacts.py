"""StudentContactPersonal + StudentContactRelationship -> GuardianRecord; ContactFlags set responsibility, log access.

A relationship alone gives a guardian with flags only; a person alone attaches to the document's single child.
"""

from __future__ import annotations

from lxml import etree

from adapters.sif_au.constants import KNOWN_348, LOCALID_CONTACT, REFID_CONTACT, RELATIONSHIPS
from adapters.sif_au.context import SifContext, kids, local, q, text
from adapters.sif_au.person_parts import contact_points, other_ids, parse_names
from hub.canonical.records import GuardianRecord, Identifier
from hub.canonical.vocab import ParentalResponsibility
from hub.core.errors import PayloadRejected

_PERSONAL_MAPPED = {"LocalId", "OtherIdList", "PersonInfo", "SIF_ExtendedElements"}
_RELATIONSHIP_MAPPED = {"StudentPersonalRefId", "StudentContactPersonalRefId", "Relationship", "ContactFlags",
                        "HouseholdList", "SIF_ExtendedElements"}


def parse_contact_personal(ctx: SifContext, obj: etree._Element) -> dict:
    """The person's fields as GuardianRecord keyword arguments (attached once relationships are known)."""
    refid = ctx.object_refid(obj)
    path = f"/StudentContactPersonal[@RefId='{refid}']"
    identifiers = [Identifier(system=REFID_CONTACT, value=refid)]
    if (local_id := text(obj, "LocalId")) is not None:
        identifiers.append(Identifier(system=LOCALID_CONTACT, value=local_id))
    identifiers.extend(other_ids(ctx, obj, path))
    person_info = obj.find(q("PersonInfo"))
    if person_info is None or person_info.find(q("Name")) is None:
        raise PayloadRejected(f"SIF {path} has no PersonInfo/Name (required by SIF AU 3.4)")
    names = parse_names(ctx, person_info, f"{path}/PersonInfo")
    contact = contact_points(ctx, person_info, f"{path}/PersonInfo")
    ctx.report_rest(person_info, {"Name", "OtherNames", "PhoneNumberList", "EmailList"}, f"{path}/PersonInfo",
                    kind="PersonInfo")
    ctx.report_rest(obj, _PERSONAL_MAPPED, path)
    return {"refid": refid, "path": path, "identifiers": identifiers, "names": names, "contact": contact}


def parse_contact_relationship(ctx: SifContext, obj: etree._Element, persons: dict[str, dict]) -> set[str]:
    """Append one guardian; returns the StudentContactPersonal RefIds it used."""
    refid = ctx.object_refid(obj)
    path = f"/StudentContactRelationship[@StudentContactRelationshipRefId='{refid}']"
    student = ctx.required(obj, "StudentPersonalRefId", path)
    person_refid = ctx.required(obj, "StudentContactPersonalRefId", path)
    code = text(obj, "Relationship", "Code")
    if code is None:
        raise PayloadRejected(f"SIF {path}/Relationship has no Code")
    for part in kids(obj.find(q("Relationship"))):
        if local(part) != "Code":
            ctx.not_mapped(f"{path}/Relationship/{local(part)}", "relationship detail not mapped")
    flags: dict[str, str] = {}
    container = obj.find(q("ContactFlags"))
    if container is not None:
        for flag in kids(container):
            flags[local(flag)] = (flag.text or "").strip()
        ctx.report_rest(container, set(flags) & _known_flags(), f"{path}/ContactFlags", kind="ContactFlags")
    households = [h.text.strip() for h in obj.findall(f"{q('HouseholdList')}/{q('Household')}") if h.text]
    extra: dict = {"sif_relationship_code": code, "sif_contact_flags": {k: v for k, v in flags.items()
                                                                         if k in _known_flags()}}
    if households:
        extra["sif_households"] = households
    if flags.get("InterventionOrder") == "Y":
        ctx.warn("sif-intervention-order", "an intervention order applies to this contact; check before "
                 "sharing anything with them", f"{path}/ContactFlags/InterventionOrder")
    person = persons.get(person_refid)
    record = GuardianRecord(
        source_id=f"StudentContactRelationship/{refid}",
        child_ref=ctx.child(student).source_id,
        identifiers=person["identifiers"] if person else [Identifier(system=REFID_CONTACT, value=person_refid)],
        names=person["names"] if person else [],
        contact=person["contact"] if person else [],
        relation=RELATIONSHIPS.get(code, code),
        parental_responsibility=_responsibility(flags),
        may_see_log=_yes_no(flags.get("AccessToRecords")),
        extra=extra,
    )
    ctx.batch.guardians.append(record)
    ctx.report_rest(obj, _RELATIONSHIP_MAPPED, path)
    return {person_refid}


def attach_lonely_persons(ctx: SifContext, persons: dict[str, dict], used: set[str]) -> None:
    """Persons without a relationship: guardian of the only child in the document, else not_mapped."""
    children = ctx.child_refids()
    for person_refid, person in persons.items():
        if person_refid in used:
            continue
        if len(children) != 1:
            ctx.not_mapped(person["path"], "StudentContactPersonal without a StudentContactRelationship and no "
                           "single child in the document: no child to attach the contact to")
            continue
        ctx.batch.guardians.append(GuardianRecord(
            source_id=f"StudentContactPersonal/{person_refid}", child_ref=ctx.child(children[0]).source_id,
            identifiers=person["identifiers"], names=person["names"], contact=person["contact"],
        ))


def _known_flags() -> set[str]:
    return set(KNOWN_348["ContactFlags"])


def _yes_no(value: str | None) -> bool | None:
    return {"Y": True, "N": False}.get(value or "")


def _responsibility(flags: dict[str, str]) -> ParentalResponsibility | None:
    """ParentLegalGuardian=Y -> felles (SIF cannot say "sole"; joint is the Norwegian default for parents);
    otherwise HasCustody=Y -> andre (custody without legal guardianship, e.g. a carer); PLG=U -> ukjent."""
    if flags.get("ParentLegalGuardian") == "Y":
        return ParentalResponsibility.felles
    if flags.get("HasCustody") == "Y":
        return ParentalResponsibility.andre
    if flags.get("ParentLegalGuardian") == "U":
        return ParentalResponsibility.ukjent
    return None
