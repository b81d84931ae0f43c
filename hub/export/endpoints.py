"""Route for exporting a case in an external format: GET /api/v1/cases/{id}/export?format=<a format that renders>

Only what the caller may see goes into the export, and the export is recorded in the audit trail.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from hub.api.deps import DbSession
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.export import service

router = APIRouter(prefix="/api/v1/cases", tags=["export"])
FORMAT_HELP = "the id of a registered format that renders (an unknown one is answered with the list of formats)"


@router.get("/{case_id}/export", response_class=Response)
def export_case(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: Annotated[Principal, Depends(require("case.read"), scope="function")],
    format: str = Query(description=FORMAT_HELP),  # noqa: A002 - the API's word
) -> Response:
    body, media_type = service.export(
        session, principal=principal, case_id=case_id, format_id=format, settings=request.app.state.settings,
        media_type=request.headers.get("accept"),
    )
    return Response(body, media_type=media_type)
