"""What the hub must know of sif-au: its identifier namespaces (school ids, open to a receiving school) and the
attributes of students and contacts that travel with them."""

from __future__ import annotations

from adapters.sif_au.constants import (
    ELECTRONIC_ID_PREFIX,
    LOCALID_CONTACT,
    LOCALID_STUDENT,
    NUSI_SYSTEM,
    OTHER_ID_PREFIX,
    REFID_CONTACT,
    REFID_SCHOOL,
    REFID_STUDENT,
    STATE_PROVINCE_ID,
)
from hub.canonical import Category
from hub.canonical.declarations import AdapterDeclaration, IdentifierNamespace, NamespaceKind, OpenExtraKeys


def _school(system: str, kind: NamespaceKind, label: str, *, prefix: bool = False) -> IdentifierNamespace:
    return IdentifierNamespace(system, kind, label, category=Category.education, open=True, prefix=prefix)


DECLARATION = AdapterDeclaration(
    namespaces=(
        _school(REFID_STUDENT, NamespaceKind.person, "SIF RefId (a GUID) of a StudentPersonal"),
        _school(REFID_CONTACT, NamespaceKind.person, "SIF RefId (a GUID) of a StudentContactPersonal"),
        _school(REFID_SCHOOL, NamespaceKind.organisation, "SIF RefId (a GUID) of a SchoolInfo"),
        _school(LOCALID_STUDENT, NamespaceKind.local, "the school system's LocalId of a student"),
        _school(LOCALID_CONTACT, NamespaceKind.local, "the school system's LocalId of a contact"),
        _school(STATE_PROVINCE_ID, NamespaceKind.person, "StateProvinceId of a student"),
        _school(NUSI_SYSTEM, NamespaceKind.person, "NationalUniqueStudentIdentifier"),
        _school(ELECTRONIC_ID_PREFIX, NamespaceKind.person, "ElectronicId, by its Type", prefix=True),
        _school(OTHER_ID_PREFIX, NamespaceKind.person, "OtherId, by its Type", prefix=True),
    ),
    open_extra_keys=OpenExtraKeys(
        child=frozenset({"sif_language_types"}),
        guardian=frozenset({"sif_relationship_code", "sif_contact_flags", "sif_households"}),
    ),
)
