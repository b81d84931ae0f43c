"""Identity resolution, first version: match a record to a child on any shared identifier (national ids included,
so a D-nummer child who later gets a fødselsnummer stays one child); name + birth date alone only flags a review.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from hub.canonical.records import ChildRecord, Identifier
from hub.canonical.vocab import NATIONAL_ID_SYSTEMS
from hub.children.models import Child, ChildIdentifier
from hub.identity.models import IdentityReview


@dataclass
class Resolution:
    child: Child
    created: bool
    reviews: list[IdentityReview] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


def children_with_identifiers(session: Session, identifiers: list[Identifier]) -> dict[tuple[str, str], Child]:
    if not identifiers:
        return {}
    clauses = [and_(ChildIdentifier.system == i.system, ChildIdentifier.value == i.value) for i in identifiers]
    rows = session.execute(select(ChildIdentifier.system, ChildIdentifier.value, Child).join(Child).where(or_(*clauses)))
    return {(system, value): child for system, value, child in rows}


def _choose(matches: dict[tuple[str, str], Child]) -> Child:
    by_national_id = [c for (system, _), c in matches.items() if system in NATIONAL_ID_SYSTEMS]
    return (by_national_id or list(matches.values()))[0]


def is_local_identifier(system: str) -> bool:
    """A school-local id (e.g. SIF LocalId) means nothing outside its issuer: kept, never used to match."""
    return ":localid:" in system


def resolve_child(
    session: Session,
    *,
    record: ChildRecord,
    known_child_id: uuid.UUID | None,
    prepare_new: Callable[[Child], None] | None = None,
) -> Resolution:
    """The child `record` is about: found by a shared identifier or the known id, else created (and first given
    its data by `prepare_new`, so it is written once)."""
    shared = [i for i in record.identifiers if not is_local_identifier(i.system)]
    local = [i for i in record.identifiers if is_local_identifier(i.system)]
    matches = children_with_identifiers(session, shared)
    distinct = {c.id: c for c in matches.values()}
    warnings: list[str] = []
    if len(distinct) > 1:
        warnings.append(
            f"child record {record.source_id}: its identifiers belong to {len(distinct)} different children in the hub; "
            "attached to one of them and not merged: review needed"
        )
    if distinct:
        child, created = _choose(matches), False
    elif known_child_id is not None and (known := session.get(Child, known_child_id)) is not None:
        child, created = known, False
    else:
        child, created = Child(id=uuid.uuid4(), identifiers=[]), True
        if prepare_new is not None:
            prepare_new(child)
        session.add(child)
    for ident in shared:
        if (ident.system, ident.value) not in matches:
            child.identifiers.append(ChildIdentifier(system=ident.system, value=ident.value))
    for ident, owner in ((i, children_with_identifiers(session, [i]).get((i.system, i.value))) for i in local):
        if owner is None:
            child.identifiers.append(ChildIdentifier(system=ident.system, value=ident.value))
        elif owner is not child:
            warnings.append(f"child record {record.source_id}: local identifier {ident.system} is already held by another child; not used to link")
    session.flush()
    resolution = Resolution(child=child, created=created, warnings=warnings)
    if len(distinct) > 1:
        resolution.reviews += [
            _review(session, child, other, "the same record carries identifiers of both children")
            for other in distinct.values()
            if other.id != child.id
        ]
    return resolution


def flag_name_and_birth_date_twins(session: Session, *, child: Child) -> list[IdentityReview]:
    """Put a new child on the review list when another child has the same normalised name and birth date."""
    if child.name_key is None or child.birth_date is None:
        return []
    twins = session.scalars(
        select(Child).where(Child.name_key == child.name_key, Child.birth_date == child.birth_date, Child.id != child.id)
    )
    return [
        _review(session, child, other, "same normalised name and birth date, no shared identifier")
        for other in twins
    ]


def _review(session: Session, child: Child, candidate: Child, reason: str) -> IdentityReview:
    review = IdentityReview(id=uuid.uuid4(), child_id=child.id, candidate_child_id=candidate.id, reason=reason)
    session.add(review)
    return review


def open_reviews(session: Session, *, limit: int = 500) -> list[IdentityReview]:
    return list(
        session.scalars(
            select(IdentityReview).where(IdentityReview.status == "open").order_by(IdentityReview.created_at).limit(limit)
        )
    )
