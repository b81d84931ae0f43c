"""Records held back from a child's case: a sender's records of a child whose case it takes no part in are not written
(their payload stays in the raw archive); each payload leaves one review row per such child, saying what it held.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.children.models import DemographicVersion
from hub.identity.models import IdentityReview, ReviewKind, ReviewStatus


class HeldRecords:
    """One payload's held records, by child: the review rows it adds to the identity review list."""

    def __init__(self, session: Session, *, organization_id: uuid.UUID | None, raw_checksum: str, source_format: str):
        self.session = session
        self.organization_id = organization_id
        self.raw_checksum = raw_checksum
        self.source_format = source_format
        self.reviews: dict[uuid.UUID, IdentityReview | None] = {}  # None: a re-send of a payload already listed

    def hold(self, child_id: uuid.UUID) -> None:
        """One record for the child's case held."""
        review = self.review_for(child_id)
        if review is not None:
            review.held_records += 1

    def demographics_kept(self, child_id: uuid.UUID, version: DemographicVersion) -> None:
        """The sender's demographics of the child kept as its version, shown to no one."""
        review = self.review_for(child_id)
        if review is not None:
            review.demographics_id = version.id

    def review_for(self, child_id: uuid.UUID) -> IdentityReview | None:
        if child_id not in self.reviews:
            with self.session.no_autoflush:
                listed = self.session.scalar(
                    select(IdentityReview.id).where(
                        IdentityReview.child_id == child_id,
                        IdentityReview.kind == ReviewKind.stranger_push,
                        IdentityReview.organization_id == self.organization_id,
                        IdentityReview.raw_checksum == self.raw_checksum,
                    ).limit(1)
                )
            review = None
            if listed is None:
                review = IdentityReview(
                    id=uuid.uuid4(), kind=ReviewKind.stranger_push, child_id=child_id, status=ReviewStatus.open,
                    organization_id=self.organization_id, raw_checksum=self.raw_checksum,
                    source_format=self.source_format, held_records=0, reason="",
                )
                self.session.add(review)
            self.reviews[child_id] = review
        return self.reviews[child_id]

    def finish(self, outsiders: set[uuid.UUID]) -> None:
        """Each review's reason, once the payload is through: what was kept and where the sender takes part."""
        for child_id, review in self.reviews.items():
            if review is None:
                continue
            said = []
            if review.demographics_id is not None:
                said.append("its demographics of the child (kept as its version, shown to no one)")
            if review.held_records:
                said.append(f"{review.held_records} record(s) for the child's case (kept in the raw archive, not written)")
            where = ("none of this child's cases" if child_id in outsiders
                     else "another case of this child, not its open case")
            review.reason = f"an organisation taking part in {where} sent " + " and ".join(said)
