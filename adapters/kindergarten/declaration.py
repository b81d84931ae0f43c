"""What the hub must know of kindergarten-v1: its identifier namespaces (open to a receiving school) and the child
attribute that travels with them."""

from __future__ import annotations

from adapters.kindergarten.constants import CHILD_LOCAL_ID_PREFIX, UNVERIFIED_NATIONAL_ID, UNVERIFIED_ORGNR
from hub.canonical import Category
from hub.canonical.declarations import AdapterDeclaration, IdentifierNamespace, NamespaceKind, OpenExtraKeys

DECLARATION = AdapterDeclaration(
    namespaces=(
        IdentifierNamespace(CHILD_LOCAL_ID_PREFIX, NamespaceKind.person, "a kindergarten's own child id, by its orgnr",
                            category=Category.early_childhood, open=True, prefix=True),
        IdentifierNamespace(UNVERIFIED_NATIONAL_ID, NamespaceKind.person, "a national id that failed its check",
                            category=Category.early_childhood, open=True),
        IdentifierNamespace(UNVERIFIED_ORGNR, NamespaceKind.organisation, "an orgnr that failed its check",
                            category=Category.early_childhood, open=True),
    ),
    open_extra_keys=OpenExtraKeys(child=frozenset({"language_note"})),
)
