"""Reads a SIF AU 3.4 payload: one object, a collection (StudentPersonals, …) or an object carrying related objects.

Related objects travel in SIF_ExtendedElement Name="urn:stafett:sif-au:related-objects" (see render.py).
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from adapters.sif_au.constants import EXT_NUSI, NS, RELATED_OBJECTS
from adapters.sif_au.context import SifContext, kids, local, q
from adapters.sif_au.parse_contacts import (
    attach_lonely_persons,
    parse_contact_personal,
    parse_contact_relationship,
)
from adapters.sif_au.parse_school import parse_attendance_summary, parse_enrollment, parse_personalised_plan
from adapters.sif_au.parse_student import nusi_from_extensions, parse_student_personal
from adapters.sif_au.parse_wellbeing import (
    parse_alert,
    parse_appeal,
    parse_characteristic,
    parse_event,
    parse_person_link,
    parse_response,
)
from hub.canonical.records import ParsedBatch
from hub.core.errors import PayloadRejected
from hub.core.safe_xml import parse_xml

_SIMPLE: dict[str, Callable[[SifContext, etree._Element], None]] = {
    "StudentSchoolEnrollment": parse_enrollment,
    "StudentAttendanceSummary": parse_attendance_summary,
    "PersonalisedPlan": parse_personalised_plan,
    "WellbeingCharacteristic": parse_characteristic,
    "WellbeingAlert": parse_alert,
    "WellbeingEvent": parse_event,
    "WellbeingResponse": parse_response,
    "WellbeingAppeal": parse_appeal,
    "WellbeingPersonLink": parse_person_link,
}
OBJECTS = ("StudentPersonal", "StudentContactPersonal", "StudentContactRelationship", *_SIMPLE)
# Collection element names as the 3.4.8 XSD declares them (StudentAttendanceSummarys is spelt that way).
COLLECTIONS = {f"{name}s": name for name in OBJECTS}


def parse_payload(payload: bytes) -> ParsedBatch:
    root = parse_xml(payload)
    if etree.QName(root).namespace != NS:
        raise PayloadRejected(f"root element {root.tag!r} is not in the SIF AU 3.4 namespace {NS}")
    objects = _flatten(root, f"/{local(root)}")
    if not objects:
        raise PayloadRejected(f"SIF document {local(root)} contains no objects")
    ctx = SifContext()
    # Students first, so contacts and other objects attach to the full child record.
    objects.sort(key=lambda item: 0 if local(item[0]) == "StudentPersonal" else 1)
    persons: dict[str, dict] = {}
    relationships: list[etree._Element] = []
    for obj, _path in objects:
        name = local(obj)
        if name == "StudentPersonal":
            parse_student_personal(ctx, obj, nusi_from_extensions(obj))
        elif name == "StudentContactPersonal":
            person = parse_contact_personal(ctx, obj)
            persons[person["refid"]] = person
        elif name == "StudentContactRelationship":
            relationships.append(obj)
        else:
            _SIMPLE[name](ctx, obj)
    used: set[str] = set()
    for obj in relationships:
        used |= parse_contact_relationship(ctx, obj, persons)
    attach_lonely_persons(ctx, persons, used)
    _report_extensions(ctx, objects)
    return ctx.batch


def _flatten(element: etree._Element, path: str) -> list[tuple[etree._Element, str]]:
    """Objects in document order: the element itself or a collection's members, plus their related objects."""
    name = local(element)
    if etree.QName(element).namespace != NS:
        raise PayloadRejected(f"element {element.tag!r} at {path} is not in the SIF AU 3.4 namespace")
    if name in COLLECTIONS:
        found: list[tuple[etree._Element, str]] = []
        for i, member in enumerate(kids(element), start=1):
            if local(member) != COLLECTIONS[name]:
                raise PayloadRejected(f"{path} may only hold {COLLECTIONS[name]} objects, found {local(member)}")
            found.extend(_flatten(member, f"{path}/{local(member)}[{i}]"))
        return found
    if name not in OBJECTS:
        raise PayloadRejected(f"SIF object {name} is not supported by the sif-au adapter; supported: "
                              f"{', '.join(OBJECTS)} and their collections")
    found = [(element, path)]
    for ext in element.findall(f"{q('SIF_ExtendedElements')}/{q('SIF_ExtendedElement')}"):
        if ext.get("Name") == RELATED_OBJECTS:
            for j, related in enumerate(kids(ext), start=1):
                found.extend(_flatten(related, f"{path}/SIF_ExtendedElements/{local(related)}[{j}]"))
    return found


def _report_extensions(ctx: SifContext, objects: list[tuple[etree._Element, str]]) -> None:
    """SIF_ExtendedElements the adapter does not read go to not_mapped (names kept)."""
    for obj, path in objects:
        for ext in obj.findall(f"{q('SIF_ExtendedElements')}/{q('SIF_ExtendedElement')}"):
            name = ext.get("Name") or ""
            if name == RELATED_OBJECTS or (name == EXT_NUSI and local(obj) == "StudentPersonal"):
                continue
            ctx.not_mapped(f"{path}/SIF_ExtendedElements/SIF_ExtendedElement[@Name='{name}']",
                           "extended element not known to the hub (kept in the raw archive)")
