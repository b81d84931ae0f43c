"""Route for the handover pull: GET /api/v1/handover?identifier=system|value&format=<a format that renders>
(scope handover.read). An unknown child and one no consent or legal basis lets the caller receive answer the same 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from hub.api.deps import DbSession
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.canonical.vocab import FNR_SYSTEM
from hub.school_pull import service

router = APIRouter(prefix="/api/v1", tags=["handover"])
FORMAT_HELP = "the id of a registered format that renders (an unknown one is answered with the list of formats)"


@router.get("/handover", response_class=Response)
def pull_handover(
    request: Request,
    session: DbSession,
    principal: Annotated[Principal, Depends(require("handover.read"), scope="function")],
    identifier: str = Query(description=f"the child's identifier as system|value, e.g. {FNR_SYSTEM}|<fnr>"),
    format: str = Query(description=FORMAT_HELP),  # noqa: A002 - the API's word
) -> Response:
    package = service.pull(
        session, principal=principal, identifier=identifier, format_id=format,
        settings=request.app.state.settings, media_type=request.headers.get("accept"),
    )
    return Response(package.body, media_type=package.media_type, headers={"Stafett-Case-Id": str(package.case_id)})
