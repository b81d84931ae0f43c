"""Routes for consents recorded by participating services (a signed paper consent, a legal basis): record, list,
revoke. Guardians and young people give and revoke their own under /api/v1/me.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from hub.access import writes
from hub.api.deps import DbSession
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.consent import service
from hub.consent.schemas import ConsentCreate, ConsentRead

router = APIRouter(prefix="/api/v1", tags=["consent"])

Reader = Annotated[Principal, Depends(require("case.read"), scope="function")]
Writer = Annotated[Principal, Depends(require("case.write"), scope="function")]


@router.post("/children/{child_id}/consents", status_code=201, response_model=ConsentRead)
def record_consent(child_id: uuid.UUID, body: ConsentCreate, response: Response, session: DbSession, principal: Writer) -> ConsentRead:
    consent = service.record_for_organization(session, principal=principal, child_id=child_id, data=body)
    response.headers["ETag"] = writes.etag(consent.row_version)
    return ConsentRead.model_validate(consent)


@router.get("/children/{child_id}/consents", response_model=list[ConsentRead])
def list_consents(child_id: uuid.UUID, session: DbSession, request: Request, principal: Reader) -> list[ConsentRead]:
    shown = service.consents_seen(session, principal=principal, child_id=child_id, settings=request.app.state.settings)
    return [ConsentRead.model_validate(c) for c in shown]


@router.post("/consents/{consent_id}/revoke", response_model=ConsentRead)
def revoke_consent(
    consent_id: uuid.UUID, request: Request, response: Response, session: DbSession, principal: Writer,
    if_match: Annotated[str | None, Header()] = None,
) -> ConsentRead:
    revoked = service.revoke_for_organization(
        session, principal=principal, consent_id=consent_id, settings=request.app.state.settings, if_match=if_match
    )
    response.headers["ETag"] = writes.etag(revoked.row_version)
    return ConsentRead.model_validate(revoked)
