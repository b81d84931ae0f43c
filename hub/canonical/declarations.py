"""What an adapter declares the hub must know of its format: identifier namespaces (kind, category, openness), the
open extra keys of child and guardian records, and whether it retracts entries or measures; and their registry.

Pure data, no database and no adapter import: adapters fill an AdapterDeclaration, adapters.registry gathers them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # vocab re-exports the national systems, which are declared with these types
    from hub.canonical.vocab import Category


class NamespaceKind(StrEnum):
    """What an identifier of a namespace names."""

    national_id = "national_id"  # a national person number the hub matches children and guardians on
    person = "person"  # another id of a person (a pupil number, a refid, an unvalidated national id): matched on
    organisation = "organisation"
    case = "case"  # a case, journal or file number
    local = "local"  # means nothing outside its issuer (a school system's LocalId): kept, never matched on


@dataclass(frozen=True)
class IdentifierNamespace:
    """One identifier system (or, with prefix=True, every system that starts with `system`).

    category: the service category an identifier of this namespace belongs to (an id only child welfare assigns tells
    that child welfare is involved); None when it tells of no service. open: the identifier may travel on child and
    guardian records to a receiver outside the case (the school pull).
    """

    system: str
    kind: NamespaceKind
    label: str
    category: Category | None = None
    open: bool = False
    prefix: bool = False

    def matches(self, system: str) -> bool:
        return system.startswith(self.system) if self.prefix else system == self.system


@dataclass(frozen=True)
class OpenExtraKeys:
    """Keys of ChildRecord.extra / GuardianRecord.extra that may travel to a receiver outside the case."""

    child: frozenset[str] = frozenset()
    guardian: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RetractionSupport:
    """Whether the format can withdraw a record it sent before (the writer's protocol says how)."""

    entries: bool = False
    measures: bool = False


@dataclass(frozen=True)
class AdapterDeclaration:
    """What the hub must know of one format, exposed by its adapter as `declaration`.

    foreign_systems: why identifiers of systems it does not declare occur (a format that carries its source's own
    systems, as FHIR does); None means every identifier system it emits is declared here or by the hub.
    """

    namespaces: tuple[IdentifierNamespace, ...] = ()
    open_extra_keys: OpenExtraKeys = OpenExtraKeys()
    retraction: RetractionSupport = RetractionSupport()
    foreign_systems: str | None = None


class NamespaceRegistry:
    """Every declared namespace, looked up by system: an exact system first, then the longest matching prefix."""

    def __init__(self, declarations: Iterable[AdapterDeclaration]) -> None:
        declared = tuple(declarations)
        self.namespaces: tuple[IdentifierNamespace, ...] = tuple(ns for d in declared for ns in d.namespaces)
        self._exact = {ns.system: ns for ns in self.namespaces if not ns.prefix}
        self._prefixes = sorted((ns for ns in self.namespaces if ns.prefix), key=lambda ns: -len(ns.system))
        self.open_child_extra: frozenset[str] = frozenset().union(*(d.open_extra_keys.child for d in declared))
        self.open_guardian_extra: frozenset[str] = frozenset().union(*(d.open_extra_keys.guardian for d in declared))
        self.national_id_systems: frozenset[str] = frozenset(
            ns.system for ns in self.namespaces if ns.kind == NamespaceKind.national_id and not ns.prefix
        )

    def lookup(self, system: str) -> IdentifierNamespace | None:
        found = self._exact.get(system)
        if found is not None:
            return found
        return next((ns for ns in self._prefixes if ns.matches(system)), None)

    def category_of(self, system: str) -> Category | None:
        ns = self.lookup(system)
        return ns.category if ns else None

    def is_open(self, system: str) -> bool:
        ns = self.lookup(system)
        return ns is not None and ns.open
