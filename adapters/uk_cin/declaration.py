"""What the hub must know of uk-cin: its identifier namespaces (a local authority's child id tells that children's
social care is involved; the pupil numbers are the school's)."""

from __future__ import annotations

from adapters.uk_cin.mapping import LA_CHILD_ID_PREFIX, LA_CODE_SYSTEM, UK_FORMER_UPN_SYSTEM, UK_UPN_SYSTEM
from hub.canonical import Category
from hub.canonical.declarations import AdapterDeclaration, IdentifierNamespace, NamespaceKind

DECLARATION = AdapterDeclaration(
    namespaces=(
        IdentifierNamespace(LA_CHILD_ID_PREFIX, NamespaceKind.person, "LAchildID, by local authority",
                            category=Category.child_welfare, prefix=True),
        IdentifierNamespace(UK_UPN_SYSTEM, NamespaceKind.person, "Unique Pupil Number", category=Category.education),
        IdentifierNamespace(UK_FORMER_UPN_SYSTEM, NamespaceKind.person, "former Unique Pupil Number",
                            category=Category.education),
        IdentifierNamespace(LA_CODE_SYSTEM, NamespaceKind.organisation, "DfE local authority code"),
    ),
)
