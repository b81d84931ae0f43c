"""Per-payload mapping state for the SSB barnevern adapter: refs, code look-ups, warnings and not-mapped reports.

Also the small XML helpers every mapper uses (dates, paths, reporting attributes and children nobody mapped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from hub.canonical import Code, NotMapped, ReportWarning
from hub.canonical.time import to_utc
from hub.core.errors import PayloadRejected
from hub.mappings import MappedConcept, MappingSet

CODE_SYSTEM_PREFIX = "urn:ssb:barnevern:"
# Attributes every mapper treats as handled: ErSlettet is read by the deletion rules, MigrertId kept in payload.
COMMON_ATTRIBUTES = frozenset({"Id", "ErSlettet", "MigrertId"})


def code_system(list_name: str) -> str:
    """The code system URI of an SSB code list, e.g. urn:ssb:barnevern:melder."""
    return CODE_SYSTEM_PREFIX + list_name


def element_path(parent_path: str, element: etree._Element) -> str:
    """An XPath-like location, with the element's Id when it has one."""
    ident = element.get("Id")
    return f"{parent_path}/{element.tag}[@Id='{ident}']" if ident else f"{parent_path}/{element.tag}"


@dataclass
class MappingContext:
    mappings: MappingSet
    format_version: str
    org_ref: str = ""
    child_ref: str = ""
    kommunenummer: str | None = None
    warnings: list[ReportWarning] = field(default_factory=list)
    not_mapped: list[NotMapped] = field(default_factory=list)

    def warn(self, code: str, message: str, path: str | None = None) -> None:
        self.warnings.append(ReportWarning(code=code, message=message, path=path))

    def skip(self, path: str, reason: str) -> None:
        self.not_mapped.append(NotMapped(path=path, reason=reason))

    def report_leftovers(
        self, element: etree._Element, path: str, *, attributes: set[str], children: set[str]
    ) -> None:
        """Report every attribute and child element the mapper did not read (never drop data silently)."""
        for name in element.attrib:
            if name not in attributes and name not in COMMON_ATTRIBUTES:
                self.skip(f"{path}/@{name}", f"attribute {name} of {element.tag} has no canonical mapping")
        for child in element:
            if isinstance(child.tag, str) and child.tag not in children:
                self.skip(element_path(path, child), f"element {child.tag} of {element.tag} has no canonical mapping")

    def code(self, list_name: str, value: str, *, on: date | None, path: str) -> tuple[Code, MappedConcept | None]:
        """A Code for an SSB code value; warns on unknown codes and on codes used outside their validity."""
        system = code_system(list_name)
        concept = self.mappings.concept(system, value)
        if concept is None and not self.mappings.has_rule(system, value):
            self.warn(
                "unknown-code",
                f"code {value!r} is not in the SSB code list {list_name} (kept with system {system}, not translated)",
                path,
            )
        elif concept is not None and on is not None and not concept.valid_on(on):
            self.warn(
                "code-outside-validity",
                f"code {value!r} of {list_name} is valid {concept.valid_from or '…'} to {concept.valid_to or '…'}, "
                f"but is used on {on.isoformat()}",
                path,
            )
        return Code(system=system, code=value, display=concept.display if concept else None), concept

    def translate(self, list_name: str, value: str) -> str | None:
        """The canonical target code of an SSB code (None when unknown or explicitly unmatched)."""
        found = self.mappings.translate(code_system(list_name), value)
        return found[0] if found else None


def plain_date(element: etree._Element, name: str, path: str) -> date | None:
    """An xs:date attribute (the schema has checked it) as a date; a stray timezone suffix is ignored."""
    raw = element.get(name)
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        raise PayloadRejected(f"{path}/@{name}: {raw!r} is not a date (YYYY-MM-DD)") from None


def child_date(element: etree._Element, tag: str, path: str) -> date | None:
    """An xs:date child element's text as a date."""
    found = element.find(tag)
    if found is None or not (found.text or "").strip():
        return None
    try:
        return date.fromisoformat(found.text.strip()[:10])
    except ValueError:
        raise PayloadRejected(f"{path}/{tag}: {found.text!r} is not a date (YYYY-MM-DD)") from None


def utc(day: date | None) -> datetime | None:
    """A plain Norwegian date as an aware UTC datetime (midnight Europe/Oslo)."""
    return to_utc(day) if day is not None else None


def iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def is_true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in {"true", "1"}
