"""The hub's own identifier namespaces: the Norwegian national standards it relies on itself (identity matching on
fødselsnummer and D-nummer, the organisation registry's orgnr, HPR, kommunenummer), declared like an adapter's.

The single module of hub/ that spells identifier systems; everything else asks the registry or names these constants.
"""

from __future__ import annotations

from hub.canonical.declarations import AdapterDeclaration, IdentifierNamespace, NamespaceKind

FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"  # fødselsnummer
DNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.2"  # D-nummer
ORGNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.101"  # organisasjonsnummer (Enhetsregisteret)
HPR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.4"  # helsepersonellnummer
KOMMUNENUMMER_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.3402"  # kommunenummer code system

NATIONAL = AdapterDeclaration(
    namespaces=(
        IdentifierNamespace(FNR_SYSTEM, NamespaceKind.national_id, "fødselsnummer", open=True),
        IdentifierNamespace(DNR_SYSTEM, NamespaceKind.national_id, "D-nummer", open=True),
        IdentifierNamespace(ORGNR_SYSTEM, NamespaceKind.organisation, "organisasjonsnummer (Enhetsregisteret)"),
        IdentifierNamespace(HPR_SYSTEM, NamespaceKind.person, "helsepersonellnummer (HPR)"),
        IdentifierNamespace(KOMMUNENUMMER_SYSTEM, NamespaceKind.organisation, "kommunenummer"),
    ),
)
"""The hub-owned declaration, registered before every adapter's."""

NATIONAL_ID_SYSTEMS = frozenset(ns.system for ns in NATIONAL.namespaces if ns.kind == NamespaceKind.national_id)
