"""Rules of the review queue: the open possible duplicates with both children side by side (read through the door),
and a person's decision on one (dismiss: not the same child, never suggested again; merge and unmerge:
hub.identity.merge); an operator's fødselsnummer for a D-nummer child. Audited for the children with the decider.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from hub.access import reader
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.records import HumanName, PostalAddress
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM
from hub.children import repository as children_repository
from hub.children.models import Child, ChildIdentifier, DemographicVersion
from hub.core.errors import Conflict, InvalidInput, NotFound
from hub.identity import merge as merging
from hub.identity.keys import refresh_keys
from hub.identity.models import IdentityReview, ReviewKind, ReviewStatus
from hub.identity.numbers import is_fodselsnummer, national_id_problem
from hub.identity.schemas import ChildSide, DecisionRead, PairRead, SourceRead


def _side(child: Child, versions: list[DemographicVersion]) -> ChildSide:
    return ChildSide(
        id=child.id, names=[HumanName.model_validate(n) for n in child.names or []], birth_date=child.birth_date,
        sex=child.sex, identifiers=[{"system": i.system, "value": i.value} for i in child.identifiers],
        address=PostalAddress.model_validate(child.address) if child.address else None, kommunenummer=child.kommunenummer,
        sources=[SourceRead.model_validate(v) for v in sorted(versions, key=lambda v: v.received_at)],
    )


def open_pairs(session: Session, *, principal: Principal) -> list[PairRead]:
    """The open possible duplicates, oldest first, each with both children (the operator sees every child)."""
    reviews = reader.reviews_for_operator(session, principal=principal)
    return [
        PairRead(
            id=r.id, reason=r.reason, score=r.score, agreed=list(r.agreed or []), held_back=r.held_back,
            created_at=r.created_at, child=_side(r.child, r.child_versions),
            candidate=_side(r.candidate, r.candidate_versions),
        )
        for r in reviews
        if r.kind == ReviewKind.possible_duplicate and r.candidate is not None
    ]


def _open_pair(session: Session, review_id: uuid.UUID) -> IdentityReview:
    review = session.get(IdentityReview, review_id, with_for_update=True)
    if review is None or review.kind != ReviewKind.possible_duplicate or review.candidate_child_id is None:
        raise NotFound(f"no possible duplicate {review_id} on the review list")
    if review.status != ReviewStatus.open:
        raise Conflict(f"review {review_id} was decided already ({review.status})")
    return review


def _decided(review: IdentityReview, principal: Principal, status: ReviewStatus) -> None:
    review.status = status
    review.decided_by = principal.label()
    review.decided_at = datetime.now(UTC)


def dismiss(session: Session, *, principal: Principal, review_id: uuid.UUID) -> DecisionRead:
    """Not the same child: the pair is closed and never suggested again."""
    review = _open_pair(session, review_id)
    _decided(review, principal, ReviewStatus.dismissed)
    audit.record_for_children(
        session, principal=principal, action="identity.review.dismiss", child_ids=[review.child_id, review.candidate_child_id],
        reason=f"review {review.id}: not the same child",
    )
    session.flush()
    return DecisionRead(id=review.id, status=review.status, decided_by=review.decided_by, decided_at=review.decided_at)


def merge(session: Session, *, principal: Principal, review_id: uuid.UUID, keep: uuid.UUID | None) -> DecisionRead:
    """One child: `keep` (either of the pair; default the one held before) survives, the other's records move to it."""
    review = _open_pair(session, review_id)
    assert review.candidate_child_id is not None
    pair = (review.child_id, review.candidate_child_id)
    keep = keep or review.candidate_child_id
    if keep not in pair:
        raise InvalidInput("keep must be one of the two children of the review", location="keep")
    other = pair[0] if keep == pair[1] else pair[1]
    survivor, merged = session.get(Child, keep), session.get(Child, other)
    if survivor is None or merged is None or survivor.merged_into_id or merged.merged_into_id:
        raise Conflict("one of the two children was merged into another already")
    record = merging.merge_children(session, survivor=survivor, merged=merged, by=principal.label(), review=review)
    _decided(review, principal, ReviewStatus.merged)
    audit.record_for_children(
        session, principal=principal, action="identity.merge", child_ids=[survivor.id, merged.id],
        reason=f"review {review.id}: child {merged.id} merged into {survivor.id} (merge {record.id})",
    )
    session.flush()
    return DecisionRead(id=review.id, status=review.status, decided_by=review.decided_by, decided_at=review.decided_at,
                        kept_child_id=survivor.id, merge_id=record.id)


def unmerge(session: Session, *, principal: Principal, child_id: uuid.UUID) -> uuid.UUID:
    """Undo the last merge into (or of) this child; the merged child's id, restored."""
    record = merging.unmerge_child(session, child_id=child_id, by=principal.label())
    audit.record_for_children(
        session, principal=principal, action="identity.unmerge", child_ids=[record.survivor_id, record.merged_id],
        reason=f"merge {record.id} undone: child {record.merged_id} restored from {record.survivor_id}",
    )
    session.flush()
    return record.merged_id


def assign_fodselsnummer(session: Session, *, principal: Principal, child_id: uuid.UUID, value: str) -> Child:
    """An operator says the child known by a D-nummer has this fødselsnummer: both are kept, the fødselsnummer is the
    primary national id; audited with the decider."""
    problem = national_id_problem(value)
    if problem is not None or not is_fodselsnummer(value):
        raise InvalidInput(problem or "not a fødselsnummer (a D-nummer has 4 added to its first digit)", location="fodselsnummer")
    child = session.get(Child, child_id)
    if child is None or child.merged_into_id is not None:
        raise NotFound(f"no child {child_id}")
    if not any(i.system == DNR_SYSTEM for i in child.identifiers):
        raise Conflict("the child has no D-nummer: its fødselsnummer is given as any identifier", location="fodselsnummer")
    if any(i.system == FNR_SYSTEM for i in child.identifiers):
        raise Conflict("the child has a fødselsnummer already", location="fodselsnummer")
    if children_repository.by_identifier(session, FNR_SYSTEM, value) is not None:
        raise Conflict("another child holds this fødselsnummer: merge the two through the review list", location="fodselsnummer")
    child.identifiers.append(ChildIdentifier(system=FNR_SYSTEM, value=value))
    audit.record(session, principal=principal, action="identity.fodselsnummer", child_id=child.id,
                 reason="a child known by its D-nummer received a fødselsnummer (an operator); both kept, the fødselsnummer primary")
    refresh_keys(session, child)
    session.flush()
    return child
