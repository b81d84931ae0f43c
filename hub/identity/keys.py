"""What the matcher compares of a child and of a record (`person_of_child`, `person_of_record`), the blocking keys a
child is filed under (kept in child_match_key as its shown demographics change), the candidates a record finds, and
the audit of a D-nummer child's new fødselsnummer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from hub.audit import service as audit
from hub.canonical.records import ChildRecord
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, NATIONAL_ID_SYSTEMS
from hub.cases.models import Case
from hub.children.models import Child
from hub.identity.matching import Person, blocking_keys
from hub.identity.models import ChildMatchKey
from hub.identity.numbers import national_id_problem
from hub.organizations.models import Organization

_CHUNK = 500


def _person(names: list[Any], *, national_ids: set[str], **fields: Any) -> Person:
    first = names[0] if names else {}
    given = first.get("given") if isinstance(first, dict) else first.given
    family = first.get("family") if isinstance(first, dict) else first.family
    return Person.of(given=given, family=family, national_ids=frozenset(national_ids),
                     ids_checked=all(national_id_problem(n) is None for n in national_ids), **fields)


def person_of_child(child: Child, *, known_in: Iterable[str] = ()) -> Person:
    """`known_in`: the municipalities of its cases and of the organisation that registered it."""
    address = child.address or {}
    return _person(
        child.names or [], birth_date=child.birth_date, sex=child.sex, street=" ".join(address.get("lines") or []),
        postal_code=address.get("postal_code"), city=address.get("city"),
        municipalities=frozenset({child.kommunenummer or "", address.get("kommunenummer") or "", *known_in}),
        national_ids={i.value for i in child.identifiers if i.system in NATIONAL_ID_SYSTEMS},
        guardian_ids=frozenset(g.national_id for g in child.guardians if g.national_id),
    )


def person_of_record(record: ChildRecord, *, municipality: str | None = None, guardian_ids: Iterable[str] = ()) -> Person:
    """`municipality`: the kommunenummer the record comes from (its sender's), when its address gives none."""
    address = record.address
    return _person(
        record.names, birth_date=record.birth_date, sex=record.sex,
        street=" ".join(address.lines) if address else None, postal_code=address.postal_code if address else None,
        city=address.city if address else None,
        municipalities=frozenset({(address.kommunenummer if address else None) or municipality or ""}),
        national_ids={i.value for i in record.identifiers if i.system in NATIONAL_ID_SYSTEMS},
        guardian_ids=frozenset(guardian_ids),
    )


def refresh_keys(session: Session, child: Child, *, new: bool = False) -> None:
    """File `child` under the blocking keys of what it shows now (`new`: it has none stored yet); a child merged into
    another is filed under none (it is no candidate)."""
    wanted = set() if child.merged_into_id is not None else blocking_keys(person_of_child(child))
    if not new:
        with session.no_autoflush:
            stored = list(session.scalars(select(ChildMatchKey).where(ChildMatchKey.child_id == child.id)))
        for row in stored:
            if row.key in wanted:
                wanted.discard(row.key)
            else:
                session.delete(row)
    for key in sorted(wanted):
        session.add(ChildMatchKey(id=uuid.uuid4(), child=child, key=key))


def candidates_by_key(session: Session, keys: set[str]) -> dict[str, set[uuid.UUID]]:
    """The children filed under each of `keys` (IN lists of 500)."""
    found: dict[str, set[uuid.UUID]] = {}
    ordered = sorted(keys)
    with session.no_autoflush:
        for start in range(0, len(ordered), _CHUNK):
            rows = session.execute(
                select(ChildMatchKey.key, ChildMatchKey.child_id).where(ChildMatchKey.key.in_(ordered[start : start + _CHUNK]))
            )
            for key, child_id in rows:
                found.setdefault(key, set()).add(child_id)
    return found


def load_children(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Child]:
    ordered = sorted(set(ids))
    found: dict[uuid.UUID, Child] = {}
    with session.no_autoflush:
        for start in range(0, len(ordered), _CHUNK):
            found.update((c.id, c) for c in session.scalars(select(Child).where(Child.id.in_(ordered[start : start + _CHUNK]))))
    return found


def known_in(session: Session, children: Iterable[Child]) -> dict[uuid.UUID, set[str]]:
    """Per child, the municipalities of its cases and of the organisation that registered it."""
    children = list(children)
    found: dict[uuid.UUID, set[str]] = {c.id: set() for c in children}
    ids = sorted(found)
    registrars = {c.registered_by_organization_id for c in children if c.registered_by_organization_id}
    with session.no_autoflush:
        for start in range(0, len(ids), _CHUNK):
            for child_id, municipality in session.execute(
                select(Case.child_id, Case.municipality).where(Case.child_id.in_(ids[start : start + _CHUNK]))
            ):
                found[child_id].add(municipality)
        kommune = dict(session.execute(
            select(Organization.id, Organization.kommunenummer).where(Organization.id.in_(sorted(registrars)))
        ).all()) if registrars else {}
    for child in children:
        registrar = child.registered_by_organization_id
        if registrar is not None and (number := kommune.get(registrar)) is not None:
            found[child.id].add(number)
    return found


def fodselsnummer_given(session: Session, *, child: Child, by: str) -> bool:
    """Whether `child`, known by a D-nummer, has just been given a fødselsnummer (an identifier not yet written):
    then the event goes in the audit trail (both are kept; the fødselsnummer is the primary national id)."""
    systems = {i.system for i in child.identifiers}
    if DNR_SYSTEM not in systems or not any(i.system == FNR_SYSTEM and inspect(i).pending for i in child.identifiers):
        return False
    audit.record(session, principal=None, action="identity.fodselsnummer", child_id=child.id,
                 reason=f"a child known by its D-nummer received a fødselsnummer ({by}); both kept, the fødselsnummer primary")
    return True
