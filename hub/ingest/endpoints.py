"""Route for pushing a payload: POST /api/v1/ingest/{format} with the raw body, its Content-Type and an optional
Idempotency-Key; answers with the ingest report.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request

from hub.api.deps import DbSession, read_capped_body
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.ingest import service
from hub.ingest.report import IngestReport

router = APIRouter(prefix="/api/v1/ingest", tags=["ingest"])


async def raw_body(request: Request) -> bytes:
    return await read_capped_body(request, limit=request.app.state.settings.max_payload_bytes)


@router.post("/{format_id}", response_model=IngestReport)
def ingest(
    format_id: str,
    request: Request,
    session: DbSession,
    body: Annotated[bytes, Depends(raw_body)],
    principal: Annotated[Principal, Depends(require("ingest"), scope="function")],
    content_type: Annotated[str | None, Header()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    municipality: Annotated[str | None, Query(description="kommunenummer; default: the payload's, else the sender's")] = None,
) -> IngestReport:
    return service.ingest_for(
        session,
        settings=request.app.state.settings,
        principal=principal,
        format_id=format_id,
        payload=body,
        content_type=content_type,
        municipality=municipality,
        idempotency_key=idempotency_key,
    )
