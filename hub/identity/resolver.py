"""Identity resolution: a record is the child of a shared identifier (national ids included, so a D-nummer child who
later gets a fødselsnummer stays one child), else of its source key, else the matcher's (hub.identity.decision): a
confident match links, a possible one makes the record's own child and a review, anything else a new child.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.registry import namespace_registry
from hub.canonical.declarations import NamespaceKind
from hub.canonical.records import ChildRecord, Identifier
from hub.children.models import Child, ChildIdentifier
from hub.core.settings import get_settings
from hub.identity.decision import Outcome, Scored, Thresholds, Verdict, decide
from hub.identity.keys import candidates_by_key, known_in, load_children, person_of_child, person_of_record
from hub.identity.matching import Person, blocking_keys
from hub.identity.models import IdentityReview, ReviewKind, ReviewStatus
from hub.identity.weights import Weights, current_weights


@dataclass
class Resolution:
    child: Child
    created: bool
    reviews: list[IdentityReview] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: list[ChildIdentifier] = field(default_factory=list)  # identifiers this record gave the child (unflushed)
    matched: Scored[Child] | None = None  # the matcher's comparison, when it linked the record to a child it held

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


class _Matcher:
    """The candidates of the batch's records that no identifier or source key resolves, looked up at once; the
    children made earlier in the batch are candidates of the later records too."""

    def __init__(
        self, session: Session, claims: list[Claim], holders: dict[tuple[str, str], Child], municipality: str | None
    ) -> None:
        self.settings = get_settings()
        self.session = session
        self.thresholds = Thresholds(link=self.settings.identity_link_threshold, review=self.settings.identity_review_threshold)
        self._weights: Weights | None = None
        self.persons: dict[int, Person] = {}
        self.made: list[tuple[Child, Person, set[str]]] = []
        wanted: set[str] = set()
        for index, claim in enumerate(claims):
            if _needs_matching(claim, holders):
                self.persons[index] = person_of_record(claim.record, municipality=municipality)
                wanted |= blocking_keys(self.persons[index], query=True)
        self.by_key = candidates_by_key(session, wanted) if wanted else {}
        ids = {child_id for found in self.by_key.values() for child_id in found}
        self.children = load_children(session, ids) if ids else {}
        where = known_in(session, self.children.values()) if self.children else {}
        self.child_persons = {
            child_id: person_of_child(child, known_in=where.get(child_id, ())) for child_id, child in self.children.items()
        }

    @property
    def weights(self) -> Weights:
        """Read when a record needs the matcher (a batch resolved by identifiers alone never opens the file)."""
        if self._weights is None:
            self._weights = current_weights(self.settings.mappings_dir)
        return self._weights

    def verdict(self, index: int) -> tuple[Person, Verdict[Child]]:
        person = self.persons[index]
        keys = blocking_keys(person, query=True)
        ids = {child_id for key in keys for child_id in self.by_key.get(key, ())}
        candidates = [(self.children[i], self.child_persons[i]) for i in sorted(ids) if i in self.children]
        candidates += [(child, made) for child, made, filed in self.made if filed & keys]
        return person, decide(person, candidates, weights=self.weights, thresholds=self.thresholds)

    def made_child(self, child: Child, person: Person) -> None:
        self.made.append((child, person, blocking_keys(person)))


def _needs_matching(claim: Claim, holders: dict[tuple[str, str], Child]) -> bool:
    shared = [i for i in claim.record.identifiers if not is_local_identifier(i.system)]
    return claim.known_child_id is None and not any((i.system, i.value) in holders for i in shared)


def resolve_children(session: Session, claims: list[Claim], *, municipality: str | None = None) -> list[Resolution]:
    """The child each record is about, in order: found by a shared identifier (held in the hub, or given to a child by
    an earlier record of the same list) or by the known id, else by the matcher (which may link the record to a child
    it holds, or to one made for an earlier record of the list), else created (and first filled by `prepare_new`, so
    it is written once). `municipality`: the kommunenummer the records come from (the sender's), which the matcher
    compares with where a candidate child is known. Identifiers and blocking keys are each looked up in one query;
    nothing is flushed here."""
    holders = children_with_identifiers(session, [i for claim in claims for i in claim.record.identifiers])
    matcher = _Matcher(session, claims, holders, municipality)
    return [_resolve(session, claim, holders, matcher, index) for index, claim in enumerate(claims)]


def _resolve(session: Session, claim: Claim, holders: dict[tuple[str, str], Child], matcher: _Matcher, index: int) -> Resolution:
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
    matched: Scored[Child] | None = None
    possible: list[Scored[Child]] = []
    verdict: Verdict[Child] | None = None
    if distinct:
        child, created = _choose(matches), False
    elif claim.known_child_id is not None and (known := session.get(Child, claim.known_child_id)) is not None:
        child, created = known, False
    else:
        person: Person | None = None
        if index in matcher.persons:
            person, verdict = matcher.verdict(index)
        if verdict is not None and verdict.outcome == Outcome.link and verdict.best is not None:
            matched = verdict.best
            child, created = matched.candidate, False
        else:
            possible = verdict.reviewed() if verdict is not None and verdict.outcome == Outcome.review else []
            child, created = Child(id=uuid.uuid4(), identifiers=[]), True
            if claim.prepare_new is not None:
                claim.prepare_new(child)
            session.add(child)
            if person is not None:
                matcher.made_child(child, person)
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
    resolution = Resolution(child=child, created=created, warnings=warnings, added=added if not created else [], matched=matched)
    for other in distinct.values():
        if other.id != child.id and (
            review := _review(session, child, other.id, "the same record carries identifiers of both children")
        ) is not None:
            resolution.reviews.append(review)
    held_back = verdict.held_back if verdict is not None else None
    for scored in possible:
        if (review := _review(session, child, scored.candidate.id, _reason(scored), scored=scored, held_back=held_back)) is not None:
            resolution.reviews.append(review)
    return resolution


def _reason(scored: Scored[Child]) -> str:
    agreed = scored.agreed()
    said = ", ".join(agreed[:-1]) + f" and {agreed[-1]}" if len(agreed) > 1 else "".join(agreed)
    return f"possible match (score {scored.score:.1f}): {said or 'nothing'} agree; no shared identifier"


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


def is_dismissed(session: Session, first: uuid.UUID, second: uuid.UUID) -> bool:
    """Whether a person has said these two children are not the same (either way round)."""
    with session.no_autoflush:
        return session.scalar(
            select(IdentityReview.id).where(
                IdentityReview.kind == ReviewKind.possible_duplicate, IdentityReview.status == ReviewStatus.dismissed,
                ((IdentityReview.child_id == first) & (IdentityReview.candidate_child_id == second))
                | ((IdentityReview.child_id == second) & (IdentityReview.candidate_child_id == first)),
            ).limit(1)
        ) is not None


def _review(
    session: Session, child: Child, candidate_id: uuid.UUID, reason: str, *, scored: Scored[Child] | None = None,
    held_back: str | None = None,
) -> IdentityReview | None:
    """A possible duplicate on the review list; none for a pair a person has dismissed (never suggested again)."""
    if is_dismissed(session, child.id, candidate_id):
        return None
    review = IdentityReview(
        id=uuid.uuid4(), child_id=child.id, candidate_child_id=candidate_id, reason=reason,
        score=scored.score if scored else None, agreed=scored.agreed() if scored else [], held_back=held_back,
    )
    session.add(review)
    return review


def open_reviews(session: Session, *, limit: int = 500) -> list[IdentityReview]:
    return list(
        session.scalars(
            select(IdentityReview).where(IdentityReview.status == ReviewStatus.open).order_by(IdentityReview.created_at).limit(limit)
        )
    )
