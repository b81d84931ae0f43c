"""What the hub must know of ks-bekymringsmelding: its identifier namespaces, which only child welfare assigns."""

from __future__ import annotations

from adapters.ks_bekymringsmelding.mapping import UNVALIDATED_NATIONAL_ID_SYSTEM, UNVALIDATED_ORGNR_SYSTEM
from hub.canonical import Category
from hub.canonical.declarations import AdapterDeclaration, IdentifierNamespace, NamespaceKind

DECLARATION = AdapterDeclaration(
    namespaces=(
        IdentifierNamespace(UNVALIDATED_NATIONAL_ID_SYSTEM, NamespaceKind.person, "a national id that failed its check",
                            category=Category.child_welfare),
        IdentifierNamespace(UNVALIDATED_ORGNR_SYSTEM, NamespaceKind.organisation, "an orgnr that failed its check",
                            category=Category.child_welfare),
    ),
)
