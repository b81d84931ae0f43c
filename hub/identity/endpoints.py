"""Route for the identity review list: GET /api/v1/identity/review (children that may be the same person).

Read-only for now; merging is a person's decision and not automated.
"""

from __future__ import annotations

from fastapi import APIRouter

from hub.api.deps import DbSession
from hub.identity.resolver import open_reviews
from hub.identity.schemas import ReviewRead

router = APIRouter(prefix="/api/v1/identity", tags=["identity"])


@router.get("/review", response_model=list[ReviewRead])
def review_list(session: DbSession) -> list[ReviewRead]:
    return [ReviewRead.model_validate(r) for r in open_reviews(session)]
