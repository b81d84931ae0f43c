"""Identity resolution, first version: match a record to a child on any shared identifier (national ids included,
so a D-nummer child who later gets a fødselsnummer stays one child); name + birth date alone only flags a review.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.registry import namespace_registry
from hub.canonical.declarations import NamespaceKind
from hub.canonical.records import ChildRecord, Identifier
from hub.children.models import Child, ChildIdentifier
from hub.identity.models import IdentityReview, ReviewStatus


@dataclass
class Resolution:
    child: Child
    created: bool
    reviews: list[IdentityReview] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: list[ChildIdentifier] = field(default_factory=list)  # identifiers this record gave the child (unflushed)

    def unlink(self) -> None:
        """Take back the identifiers this record gave an existing child (a stranger's claim links nothing)."""
        for ident in self.added:
            self.child.identifiers.remove(ident)
        self.added = []


def normalise_name(names: list[dict[str, Any]]) -> str | None:
    """Lower-case "given family" of the first name, accents and punctuation folded, spaces collapsed."""
    if not names:
        return None
    first = names[0]
    raw = " ".join([*first.get("given", []), first.get("family") or ""]) or first.get("text") or ""
    folded = unicodedata.normalize("NFKD", raw.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "AE"))
    letters = "".join(c for c in folded if not unicodedata.combining(c))
    words = "".join(c.lower() if c.isalnum() else " " for c in letters).split()
    return " ".join(words) or None


_CHUNK = 500  # values per IN list


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def children_with_identifiers(session: Session, identifiers: list[Identifier]) -> dict[tuple[str, str], Child]:
    """The children holding any of `identifiers`, by (system, value). Looked up by IN lists of systems and values
    (one cached statement whatever their number, and the (system, value) index serves it); pairs matched here."""
    wanted = {(i.system, i.value) for i in identifiers}
    systems = sorted({system for system, _ in wanted})
    found: dict[tuple[str, str], Child] = {}
    for values in _chunks(sorted({value for _, value in wanted})):
        rows = session.execute(
            select(ChildIdentifier.system, ChildIdentifier.value, Child).join(Child)
            .where(ChildIdentifier.system.in_(systems), ChildIdentifier.value.in_(values))
        )
        found.update({(system, value): child for system, value, child in rows if (system, value) in wanted})
    return found


def _choose(matches: dict[tuple[str, str], Child]) -> Child:
    national = namespace_registry().national_id_systems
    by_national_id = [c for (system, _), c in matches.items() if system in national]
    return (by_national_id or list(matches.values()))[0]


def is_local_identifier(system: str) -> bool:
    """An id of a namespace declared local (e.g. SIF LocalId) means nothing outside its issuer: kept, never used to
    match."""
    namespace = namespace_registry().lookup(system)
    return namespace is not None and namespace.kind == NamespaceKind.local


@dataclass
class Claim:
    """One child record to resolve, with the child its source key already points to and how to fill a new child."""

    record: ChildRecord
    known_child_id: uuid.UUID | None = None
    prepare_new: Callable[[Child], None] | None = None


def resolve_children(session: Session, claims: list[Claim]) -> list[Resolution]:
    """The child each record is about, in order: found by a shared identifier (held in the hub, or given to a child by
    an earlier record of the same list) or by the known id, else created (and first filled by `prepare_new`, so it is
    written once). All identifiers are looked up in one query; nothing is flushed here."""
    holders = children_with_identifiers(session, [i for claim in claims for i in claim.record.identifiers])
    return [_resolve(session, claim, holders) for claim in claims]


def _resolve(session: Session, claim: Claim, holders: dict[tuple[str, str], Child]) -> Resolution:
    record = claim.record
    shared = [i for i in record.identifiers if not is_local_identifier(i.system)]
    local = [i for i in record.identifiers if is_local_identifier(i.system)]
    matches = {(i.system, i.value): holders[(i.system, i.value)] for i in shared if (i.system, i.value) in holders}
    distinct = {c.id: c for c in matches.values()}
    warnings: list[str] = []
    if len(distinct) > 1:
        warnings.append(
            f"child record {record.source_id}: its identifiers belong to {len(distinct)} different children in the hub; "
            "attached to one of them and not merged: review needed"
        )
    if distinct:
        child, created = _choose(matches), False
    elif claim.known_child_id is not None and (known := session.get(Child, claim.known_child_id)) is not None:
        child, created = known, False
    else:
        child, created = Child(id=uuid.uuid4(), identifiers=[]), True
        if claim.prepare_new is not None:
            claim.prepare_new(child)
        session.add(child)
    added: list[ChildIdentifier] = []
    for ident in shared:
        if (ident.system, ident.value) not in holders:
            added.append(ChildIdentifier(system=ident.system, value=ident.value))
            holders[(ident.system, ident.value)] = child
    for ident in local:
        owner = holders.get((ident.system, ident.value))
        if owner is None:
            added.append(ChildIdentifier(system=ident.system, value=ident.value))
            holders[(ident.system, ident.value)] = child
        elif owner is not child:
            warnings.append(f"child record {record.source_id}: local identifier {ident.system} is already held by another child; not used to link")
    child.identifiers.extend(added)
    resolution = Resolution(child=child, created=created, warnings=warnings, added=added if not created else [])
    if len(distinct) > 1:
        resolution.reviews += [
            _review(session, child, other.id, "the same record carries identifiers of both children")
            for other in distinct.values()
            if other.id != child.id
        ]
    return resolution


def resolve_child(
    session: Session,
    *,
    record: ChildRecord,
    known_child_id: uuid.UUID | None,
    prepare_new: Callable[[Child], None] | None = None,
) -> Resolution:
    """resolve_children() for one record, flushed."""
    [resolution] = resolve_children(session, [Claim(record, known_child_id, prepare_new)])
    session.flush()
    return resolution


def flag_name_and_birth_date_twins(session: Session, *, children: list[Child]) -> dict[uuid.UUID, list[IdentityReview]]:
    """Put each new child on the review list when another child has the same normalised name and birth date: one held
    before, or one earlier in `children` (the new children, in the order they were made). One query for all."""
    keyed = [c for c in children if c.name_key is not None and c.birth_date is not None]
    if not keyed:
        return {}
    candidates: list[tuple[uuid.UUID, str, date]] = []  # columns only: loading whole children costs 3x as much
    for names in _chunks(sorted({c.name_key for c in keyed})):
        candidates += session.execute(select(Child.id, Child.name_key, Child.birth_date).where(Child.name_key.in_(names)))
    order = {c.id: index for index, c in enumerate(children)}
    reviews: dict[uuid.UUID, list[IdentityReview]] = {}
    for child in keyed:
        reviews[child.id] = [
            _review(session, child, other_id, "same normalised name and birth date, no shared identifier")
            for other_id, name_key, birth_date in candidates
            if other_id != child.id and (name_key, birth_date) == (child.name_key, child.birth_date)
            and order.get(other_id, -1) < order[child.id]
        ]
    return reviews


def _review(session: Session, child: Child, candidate_id: uuid.UUID, reason: str) -> IdentityReview:
    review = IdentityReview(id=uuid.uuid4(), child_id=child.id, candidate_child_id=candidate_id, reason=reason)
    session.add(review)
    return review


def open_reviews(session: Session, *, limit: int = 500) -> list[IdentityReview]:
    return list(
        session.scalars(
            select(IdentityReview).where(IdentityReview.status == ReviewStatus.open).order_by(IdentityReview.created_at).limit(limit)
        )
    )
