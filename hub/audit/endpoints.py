"""Route for exporting the audit trail of a child as FHIR AuditEvents (admin scope): only of a child the admin's
organisation may read (the read door, hub.access.reader, decides and audits). Guardians read their child's access log under /api/v1/me instead.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from hub.access import reader
from hub.api.deps import DbSession
from hub.audit import fhir
from hub.auth.deps import require
from hub.auth.principal import Principal

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("/children/{child_id}")
def audit_of_child(
    child_id: uuid.UUID, request: Request, session: DbSession, principal: Annotated[Principal, Depends(require("admin"), scope="function")]
) -> JSONResponse:
    events = reader.audit_trail_for_org(session, principal=principal, child_id=child_id, settings=request.app.state.settings)
    return JSONResponse(fhir.bundle(events), media_type="application/fhir+json")
