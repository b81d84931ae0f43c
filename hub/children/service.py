"""Rules for children: an identifier belongs to one child only; lookups by system|value; a new child's demographics
are its creator's version (hub.children.demographics). Keyword-only arguments; typed hub errors.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.canonical.records import ChildRecord, GuardianRecord
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, NATIONAL_ID_SYSTEMS
from hub.children import repository
from hub.children.demographics import DemographicSource, record_demographics
from hub.children.models import Child, ChildIdentifier, Guardian
from hub.children.schemas import ChildCreate, GuardianCreate
from hub.core.errors import Conflict, InvalidInput
from hub.core.ownership import owner_key
from hub.identity.numbers import is_d_number
from hub.organizations.models import Organization


def parse_identifier_query(identifier: str) -> tuple[str, str]:
    """FHIR-style `system|value` token."""
    system, sep, value = identifier.partition("|")
    if not sep or not system or not value:
        raise InvalidInput(f"identifier must be given as system|value, got {identifier[:40]!r}", location="identifier")
    return system, value


def guardian_from(data: GuardianCreate) -> Guardian:
    """A guardian row; a national id is kept as an identifier too, so that exports and transfers carry it. Whether
    they may see the log is only asked for here (decide_log_access grants it)."""
    identifiers = []
    if data.national_id:
        system = DNR_SYSTEM if is_d_number(data.national_id) else FNR_SYSTEM
        identifiers.append({"system": system, "value": data.national_id})
    return Guardian(
        names=[n.model_dump(mode="json") for n in data.names],
        national_id=data.national_id,
        identifiers=identifiers,
        relation=data.relation,
        parental_responsibility=data.parental_responsibility,
        may_see_log=False,
        log_access_requested=True if data.may_see_log else None,
        contact=[c.model_dump(mode="json") for c in data.contact],
        address=data.address.model_dump(mode="json") if data.address else None,
    )


def create_child(session: Session, *, data: ChildCreate, source_organization: Organization | None = None) -> Child:
    """A new child; its demographics are the creating organisation's version (None: the hub itself, e.g. the demo),
    and that organisation is the one that registered it (it may open its own case for it)."""
    for ident in data.identifiers:
        if repository.by_identifier(session, ident.system, ident.value):
            raise Conflict(f"a child with identifier {ident.system}|… already exists", location="identifiers")
    child = Child(
        id=uuid.uuid4(),
        identifiers=[ChildIdentifier(system=i.system, value=i.value) for i in data.identifiers],
        guardians=[guardian_from(g) for g in data.guardians],
        registered_by_organization_id=source_organization.id if source_organization else None,
    )
    record = ChildRecord(
        source_id=f"child/{child.id}", names=data.names, birth_date=data.birth_date, sex=data.sex,
        preferred_language=data.preferred_language, languages=data.languages, address=data.address,
    )
    scope = str(source_organization.id) if source_organization else "hub"
    source = DemographicSource(organization=source_organization, source_system=owner_key(scope, "api"), source_format="api")
    record_demographics(session, child=child, record=record, source=source, services=frozenset(), new_child=True)
    return repository.add(session, child)



def find_children(session: Session, *, identifier: str) -> list[Child]:
    system, value = parse_identifier_query(identifier)
    child = repository.by_identifier(session, system, value)
    return [child] if child else []


def decide_log_access(session: Session, *, guardian: Guardian, granted: bool, by: str) -> Guardian:
    """Grant or withdraw a guardian's access to the log; `by` says who asserted it ("coordinator:<organisation id>",
    "registry:<name>"). The request, if any, is answered by this."""
    guardian.may_see_log = granted
    guardian.log_access_by, guardian.log_access_at = by, datetime.now(UTC)
    guardian.log_access_requested = None
    session.flush()
    return guardian


def source_says(*, guardian: Guardian, national_id: str | None, may_see_log: bool | None) -> None:
    """What a pushed payload says of a guardian: who it is and whether they may see the log. A payload only asks for
    log access (the coordinator decides); a new national id on the record withdraws access granted to the old one."""
    if guardian.national_id != national_id and guardian.may_see_log:
        guardian.may_see_log, guardian.log_access_by, guardian.log_access_at = False, None, None
    guardian.national_id = national_id
    guardian.may_see_log = bool(guardian.may_see_log)
    guardian.log_access_requested = may_see_log


def national_id_of(identifiers: Iterable[Any]) -> str | None:
    """The national id among a person's identifiers (records or JSON rows), if any."""
    for ident in identifiers:
        system, value = (ident.get("system"), ident.get("value")) if isinstance(ident, dict) else (ident.system, ident.value)
        if system in NATIONAL_ID_SYSTEMS:
            return value
    return None


def guardian_by_national_id(child: Child, national_id: str | None) -> Guardian | None:
    """The one way a guardian of a child is recognised across sources: by national id (ingest, transfer import)."""
    if not national_id:
        return None
    return next((g for g in child.guardians if g.national_id == national_id), None)


def apply_guardian_record(
    *, child: Child, guardian: Guardian | None, record: GuardianRecord, provenance: dict[str, str | None]
) -> tuple[Guardian, bool]:
    """Write a source's record of a guardian of `child` onto `guardian` (None: the one with its national id, else a
    new one); (guardian, created). A payload only asks for log access: the coordinator grants it."""
    national_id = national_id_of(record.identifiers)
    guardian = guardian or guardian_by_national_id(child, national_id)
    created = guardian is None
    if guardian is None:
        guardian = Guardian(id=uuid.uuid4(), child_id=child.id)
        child.guardians.append(guardian)
    guardian.names = [n.model_dump(mode="json", exclude_none=True) for n in record.names]
    guardian.identifiers = [i.model_dump(mode="json", exclude_none=True) for i in record.identifiers]
    source_says(guardian=guardian, national_id=national_id, may_see_log=record.may_see_log)
    guardian.relation = record.relation
    guardian.parental_responsibility = record.parental_responsibility
    guardian.contact = [c.model_dump(mode="json", exclude_none=True) for c in record.contact]
    guardian.address = record.address.model_dump(mode="json", exclude_none=True) if record.address else None
    guardian.extra = record.extra
    for column, value in provenance.items():
        setattr(guardian, column, value)
    return guardian, created


def add_guardian(session: Session, *, child: Child, data: GuardianCreate) -> Guardian:
    guardian = guardian_from(data)
    child.guardians.append(guardian)
    session.flush()
    return guardian
