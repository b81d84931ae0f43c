"""Route for exporting a case in an external format: GET /api/v1/cases/{id}/export?format=<a format that renders>

Only what the caller may see goes into the export, and the export is recorded in the audit trail.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from hub.access import guard
from hub.api.deps import DbSession
from hub.audit import service as audit
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.export import service
from hub.export.case_view import build_case_view, shown_entry_versions

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
    case, visibility = guard.case_for_org(
        session, principal=principal, case_id=case_id, settings=request.app.state.settings, action="case.export"
    )
    view = build_case_view(session, case=case, visibility=visibility)
    body, media_type = service.render(view, format_id=format, media_type=request.headers.get("accept"))
    audit.record(
        session, principal=principal, action="case.export", reason=f"{format}; {visibility.reason}",
        child_id=case.child_id, case_id=case.id, entry_ids=shown_entry_versions(session, case=case, view=view), purpose="care",
    )
    return Response(body, media_type=media_type)
