"""Routes for the review list (scope admin): GET /api/v1/identity/review (every kind: possible duplicates and stranger
pushes), GET …/reviews (possible duplicates, both children side by side), POST …/reviews/{id}/merge and …/dismiss.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends

from hub.access import reader
from hub.api.deps import DbSession
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.identity import service
from hub.identity.schemas import DecisionRead, MergeRequest, PairRead, ReviewRead

router = APIRouter(prefix="/api/v1/identity", tags=["identity"])

Operator = Annotated[Principal, Depends(require("admin"), scope="function")]


@router.get("/review", response_model=list[ReviewRead])
def review_list(session: DbSession, principal: Operator) -> list[ReviewRead]:
    reviews = reader.reviews_for_operator(session, principal=principal)
    return [ReviewRead.model_validate(r) for r in reviews]


@router.get("/reviews", response_model=list[PairRead])
def possible_duplicates(session: DbSession, principal: Operator) -> list[PairRead]:
    return service.open_pairs(session, principal=principal)


@router.post("/reviews/{review_id}/merge", response_model=DecisionRead)
def merge(review_id: uuid.UUID, session: DbSession, principal: Operator,
          body: Annotated[MergeRequest | None, Body()] = None) -> DecisionRead:
    return service.merge(session, principal=principal, review_id=review_id, keep=body.keep if body else None)


@router.post("/reviews/{review_id}/dismiss", response_model=DecisionRead)
def dismiss(review_id: uuid.UUID, session: DbSession, principal: Operator) -> DecisionRead:
    return service.dismiss(session, principal=principal, review_id=review_id)
