"""Parse state for one SIF AU payload: XML helpers, the batch under construction, children and schools by RefId.

Object parsers call into it so that refs, not_mapped reports and 3.4.8 checks work the same for every object.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from adapters.sif_au.constants import (
    FORMAT_ID,
    FORMAT_VERSION,
    KNOWN_348,
    MAPPING_VERSION,
    NS,
    REFID_ATTRIBUTE,
    REFID_SCHOOL,
    REFID_STUDENT,
)
from hub.canonical.records import (
    CaseFact,
    ChildRecord,
    Identifier,
    NotMapped,
    OrganizationRecord,
    ParsedBatch,
    Participant,
    ReportWarning,
)
from hub.canonical.vocab import Sector
from hub.core.errors import PayloadRejected

_Q = "{" + NS + "}"


def q(name: str) -> str:
    return _Q + name


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def kids(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def text(element: etree._Element | None, *path: str) -> str | None:
    node = element
    for name in path:
        if node is None:
            return None
        node = node.find(q(name))
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value or None


class SifContext:
    """Accumulates one ParsedBatch; owns child/school lookup by RefId and the unmapped-element report."""

    def __init__(self) -> None:
        self.batch = ParsedBatch(format=FORMAT_ID, format_version=FORMAT_VERSION, mapping_version=MAPPING_VERSION)
        self._children: dict[str, ChildRecord] = {}
        self._schools: dict[str, OrganizationRecord] = {}
        self._school_facts: dict[str, CaseFact] = {}

    # --- ids ---------------------------------------------------------------------------------------------
    @staticmethod
    def object_refid(element: etree._Element) -> str:
        name = local(element)
        attribute = REFID_ATTRIBUTE.get(name, "RefId")
        value = (element.get(attribute) or "").strip()
        if not value:
            raise PayloadRejected(f"SIF {name} has no {attribute} attribute; every object needs its GUID")
        return value

    def required(self, element: etree._Element, name: str, path: str) -> str:
        value = text(element, name)
        if value is None:
            raise PayloadRejected(f"SIF {path} is missing the required element {name}")
        return value

    def date_of(self, element: etree._Element, name: str, path: str) -> date | None:
        value = text(element, name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PayloadRejected(f"SIF {path}/{name} is not a date (YYYY-MM-DD): {value!r}") from None

    def required_date(self, element: etree._Element, name: str, path: str) -> date:
        found = self.date_of(element, name, path)
        if found is None:
            raise PayloadRejected(f"SIF {path} is missing the required element {name}")
        return found

    def datetime_of(self, element: etree._Element, name: str, path: str) -> datetime | None:
        value = text(element, name)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise PayloadRejected(f"SIF {path}/{name} is not a dateTime: {value!r}") from None

    def number_of(self, element: etree._Element, name: str, path: str) -> int | float | None:
        value = text(element, name)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise PayloadRejected(f"SIF {path}/{name} is not a number: {value!r}") from None
        if not number.is_finite():
            raise PayloadRejected(f"SIF {path}/{name} is not a finite number: {value!r}")
        return int(number) if number == number.to_integral_value() else float(number)

    # --- children and schools ----------------------------------------------------------------------------
    @staticmethod
    def child_source_id(refid: str) -> str:
        return f"StudentPersonal/{refid}"

    def child(self, refid: str) -> ChildRecord:
        """The child with this StudentPersonal RefId; a minimal one (RefId identifier only) until filled in."""
        found = self._children.get(refid)
        if found is None:
            found = ChildRecord(
                source_id=self.child_source_id(refid),
                identifiers=[Identifier(system=REFID_STUDENT, value=refid)],
            )
            self._children[refid] = found
            self.batch.children.append(found)
        return found

    def replace_child(self, refid: str, record: ChildRecord) -> None:
        old = self._children.get(refid)
        self._children[refid] = record
        if old is None:
            self.batch.children.append(record)
        else:
            self.batch.children[self.batch.children.index(old)] = record

    def child_refids(self) -> list[str]:
        return list(self._children)

    def school(self, refid: str | None, *, participant_for: str | None = None) -> str | None:
        """The school's OrganizationRecord source id; with participant_for (a child RefId) it joins the case."""
        if refid is None:
            return None
        org = self._schools.get(refid)
        if org is None:
            org = OrganizationRecord(
                source_id=f"SchoolInfo/{refid}",
                sector=Sector.school,
                identifiers=[Identifier(system=REFID_SCHOOL, value=refid)],
            )
            self._schools[refid] = org
            self.batch.organizations.append(org)
        if participant_for is not None:
            fact = self._school_facts.get(participant_for)
            if fact is None:
                fact = CaseFact(source_id=f"StudentPersonal/{participant_for}/schools",
                                child_ref=self.child_source_id(participant_for))
                self._school_facts[participant_for] = fact
                self.batch.case_facts.append(fact)
            if not any(p.org_ref == org.source_id for p in fact.participants):
                fact.participants.append(Participant(org_ref=org.source_id, role="school"))
        return org.source_id

    # --- reports -----------------------------------------------------------------------------------------
    def not_mapped(self, path: str, reason: str) -> None:
        self.batch.not_mapped.append(NotMapped(path=path, reason=reason))

    def warn(self, code: str, message: str, path: str | None = None) -> None:
        self.batch.warnings.append(ReportWarning(code=code, message=message, path=path))

    def report_rest(self, element: etree._Element, mapped: set[str], path: str, *, kind: str | None = None) -> None:
        """Report every child element not in `mapped`; elements newer than 3.4.8 also get a warning."""
        known = KNOWN_348.get(kind or local(element), frozenset())
        for child in kids(element):
            name = local(child)
            if name in mapped:
                continue
            if etree.QName(child).namespace != NS:
                self.not_mapped(f"{path}/{child.tag}", "element outside the SIF AU 3.4 namespace")
            elif name not in known:
                self.newer_than_348(name, f"{path}/{name}")
            else:
                self.not_mapped(f"{path}/{name}", "not part of the stafett case model (kept in the raw archive)")

    def newer_than_348(self, name: str, path: str, *, mapped: bool = False) -> None:
        if not mapped:
            self.not_mapped(path, f"element {name} is newer than SIF AU 3.4.8; kept in the raw archive")
        self.warn("sif-newer-than-3.4.8", f"element {name} is not in SIF AU 3.4.8"
                  + (" (mapped anyway)" if mapped else " (not mapped)"), path)
