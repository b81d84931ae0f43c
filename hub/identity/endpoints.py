"""Route for the review list: GET /api/v1/identity/review (children that may be one person, and stranger pushes with
the demographics they sent). Read-only for now; merging or taking a sender into a case is a person's decision.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from hub.access import reader
from hub.api.deps import DbSession
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.identity.schemas import ReviewRead

router = APIRouter(prefix="/api/v1/identity", tags=["identity"])


@router.get("/review", response_model=list[ReviewRead])
def review_list(session: DbSession, principal: Annotated[Principal, Depends(require("admin"), scope="function")]) -> list[ReviewRead]:
    reviews = reader.reviews_for_operator(session, principal=principal)
    return [ReviewRead.model_validate(r) for r in reviews]
