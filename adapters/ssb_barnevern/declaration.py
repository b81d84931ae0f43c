"""What the hub must know of ssb-barnevern: its identifier namespaces (only child welfare assigns them) and that a
delta retracts entries and measures."""

from __future__ import annotations

from adapters.ssb_barnevern.identity import (
    BYDEL_SYSTEM_PREFIX,
    DUF_SYSTEM,
    JOURNAL_SYSTEM_PREFIX,
    UNVALIDATED_ID_SYSTEM,
    UNVALIDATED_ORGNR_SYSTEM,
)
from hub.canonical import Category
from hub.canonical.declarations import AdapterDeclaration, IdentifierNamespace, NamespaceKind, RetractionSupport


def _welfare(system: str, kind: NamespaceKind, label: str, *, prefix: bool = False) -> IdentifierNamespace:
    return IdentifierNamespace(system, kind, label, category=Category.child_welfare, prefix=prefix)


DECLARATION = AdapterDeclaration(
    namespaces=(
        _welfare(UNVALIDATED_ID_SYSTEM, NamespaceKind.person, "a fødselsnummer that failed its check"),
        _welfare(UNVALIDATED_ORGNR_SYSTEM, NamespaceKind.organisation, "an orgnr that failed its check"),
        _welfare(DUF_SYSTEM, NamespaceKind.person, "DUF-nummer"),
        _welfare(JOURNAL_SYSTEM_PREFIX, NamespaceKind.case, "journalnummer, by kommunenummer", prefix=True),
        _welfare(BYDEL_SYSTEM_PREFIX, NamespaceKind.organisation, "bydelsnummer, by kommunenummer", prefix=True),
    ),
    retraction=RetractionSupport(entries=True, measures=True),
)
