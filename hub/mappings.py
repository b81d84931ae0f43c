"""Code-system translations: loads every FHIR R4B ConceptMap JSON in a folder (mappings/) and answers look-ups.

Pure: no database. An invalid file fails loudly naming the file; per-code validity dates come from an extension.

Conventions of the project's ConceptMaps (see mappings/*.json):
  - one group per source code system (`group.source`), elements keyed by source code;
  - a target with equivalence "unmatched" (or a group with `unmapped`) is an explicit "no canonical equivalent"
    rule: the code is known and kept as it is, `translate()` returns None for it;
  - validity of a source code: element extension VALIDITY_EXTENSION with valuePeriod start/end (plain dates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from fhir.resources.R4B.conceptmap import ConceptMap, ConceptMapGroup, ConceptMapGroupElement
from pydantic import ValidationError

from hub.core.errors import HubError
from hub.core.safe_json import load_json

VALIDITY_EXTENSION = "urn:stafett:fhir:extension:code-validity"
DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / "mappings"
# fhir.resources checks structure and types, not code values: these two bindings are required, so checked here.
EQUIVALENCES = frozenset({"relatedto", "equivalent", "equal", "wider", "subsumes", "narrower", "specializes",
                          "inexact", "unmatched", "disjoint"})
STATUSES = frozenset({"draft", "active", "retired", "unknown"})


class MappingError(HubError):
    """A ConceptMap file in mappings/ is unreadable, invalid or conflicts with another one."""

    status = 500
    title = "Invalid code mapping"
    slug = "invalid-mapping"
    fhir_code = "exception"


@dataclass(frozen=True)
class MappedConcept:
    """One source code as a ConceptMap knows it: its display, validity and (optional) canonical target."""

    source_system: str
    code: str
    display: str | None
    target_system: str | None
    target_code: str | None  # None: explicitly unmatched (no canonical equivalent)
    target_display: str | None
    equivalence: str | None
    valid_from: date | None
    valid_to: date | None
    file: str

    def valid_on(self, day: date) -> bool:
        """True when `day` lies inside the code's validity period (open ends count as valid)."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to


@dataclass(frozen=True)
class UnmappedRule:
    """A group's `unmapped` rule: what to do with codes the group does not list."""

    mode: str
    code: str | None
    display: str | None
    file: str


class MappingSet:
    """All loaded ConceptMaps, indexed by (source system, code)."""

    def __init__(self) -> None:
        self.maps: dict[str, ConceptMap] = {}
        self._concepts: dict[tuple[str, str], MappedConcept] = {}
        self._unmapped: dict[str, UnmappedRule] = {}

    def concept(self, source_system: str, code: str) -> MappedConcept | None:
        return self._concepts.get((source_system, code))

    def translate(self, source_system: str, code: str) -> tuple[str, str | None] | None:
        """(target code, target display) for a mapped code; None for unknown or explicitly unmatched codes."""
        found = self.concept(source_system, code)
        if found is not None and found.target_code is not None:
            return found.target_code, found.target_display
        rule = self._unmapped.get(source_system)
        if found is None and rule is not None and rule.mode == "fixed" and rule.code:
            return rule.code, rule.display
        return None

    def has_rule(self, source_system: str, code: str) -> bool:
        """True when the code is mapped, explicitly unmatched, or covered by the group's `unmapped` rule."""
        return (source_system, code) in self._concepts or source_system in self._unmapped

    def systems(self) -> set[str]:
        return {system for system, _ in self._concepts} | set(self._unmapped)

    def codes(self, source_system: str) -> list[str]:
        return [code for system, code in self._concepts if system == source_system]

    def add(self, conceptmap: ConceptMap, *, file: str) -> None:
        if conceptmap.status not in STATUSES:
            raise MappingError(f"{file}: status {conceptmap.status!r} is not one of {', '.join(sorted(STATUSES))}")
        self.maps[file] = conceptmap
        for group in conceptmap.group or []:
            if not group.source:
                raise MappingError(f"{file}: a ConceptMap group has no source system")
            if group.unmapped is not None:
                u = group.unmapped
                if not u.mode:  # R4 makes `mode` required; fhir.resources types it optional
                    raise MappingError(f"{file}: the unmapped rule of group {group.source} has no mode")
                self._unmapped[group.source] = UnmappedRule(mode=u.mode, code=u.code, display=u.display, file=file)
            for element in group.element or []:
                self._add_element(group, element, file=file)

    def _add_element(self, group: ConceptMapGroup, element: ConceptMapGroupElement, *, file: str) -> None:
        if not element.code:
            raise MappingError(f"{file}: an element of group {group.source} has no code")
        assert group.source  # add() refused a group without one
        key = (group.source, element.code)
        if key in self._concepts:
            other = self._concepts[key].file
            raise MappingError(f"{file}: code {element.code!r} of {group.source} is already mapped in {other}")
        targets = element.target or []
        if len(targets) > 1:
            raise MappingError(f"{file}: code {element.code!r} of {group.source} has more than one target")
        target = targets[0] if targets else None
        if target is not None and target.equivalence not in EQUIVALENCES:
            raise MappingError(
                f"{file}: code {element.code!r} of {group.source}: equivalence {target.equivalence!r} is not one of "
                f"{', '.join(sorted(EQUIVALENCES))}"
            )
        unmatched = target is None or target.equivalence == "unmatched"
        valid_from, valid_to = _validity(element, file=file)
        self._concepts[key] = MappedConcept(
            source_system=group.source,
            code=element.code,
            display=element.display,
            target_system=None if unmatched else group.target,
            target_code=None if unmatched or target is None else target.code,
            target_display=None if unmatched or target is None else target.display,
            equivalence=None if target is None else target.equivalence,
            valid_from=valid_from,
            valid_to=valid_to,
            file=file,
        )


def _validity(element: ConceptMapGroupElement, *, file: str) -> tuple[date | None, date | None]:
    for extension in element.extension or []:
        if extension.url != VALIDITY_EXTENSION:
            continue
        period = extension.valuePeriod
        if period is None:
            raise MappingError(f"{file}: validity extension on code {element.code!r} has no valuePeriod")
        return _as_date(period.start), _as_date(period.end)
    return None, None


def _as_date(value: object) -> date | None:
    if value is None:
        return None
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def load_conceptmap(path: Path) -> ConceptMap:
    """Read and validate one ConceptMap JSON file; any problem raises MappingError naming the file."""
    try:
        data = load_json(path.read_bytes())
    except (OSError, HubError) as exc:
        raise MappingError(f"{path.name}: cannot read ConceptMap JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("resourceType") != "ConceptMap":
        raise MappingError(f"{path.name}: not a FHIR ConceptMap (resourceType must be 'ConceptMap')")
    try:
        return ConceptMap.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise MappingError(f"{path.name}: invalid ConceptMap at {where or '(root)'}: {first.get('msg')}") from None


def load_mappings(folder: Path | str = DEFAULT_FOLDER) -> MappingSet:
    """Load and validate every *.json ConceptMap in `folder` (sorted by name)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MappingError(f"mappings folder not found: {folder}")
    mapping_set = MappingSet()
    for path in sorted(folder.glob("*.json")):
        mapping_set.add(load_conceptmap(path), file=path.name)
    return mapping_set


@lru_cache(maxsize=1)
def default_mappings() -> MappingSet:
    """The project's mappings/ folder, loaded once per process."""
    return load_mappings(DEFAULT_FOLDER)


def translate(source_system: str, code: str) -> tuple[str, str | None] | None:
    """(target code, target display) from the project's mappings, or None when there is no canonical target."""
    return default_mappings().translate(source_system, code)
