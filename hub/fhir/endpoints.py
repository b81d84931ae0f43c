"""Routes of the FHIR facade under /fhir: metadata (public), POST transaction/batch (scope ingest), Patient search,
read by type and id, Patient/$everything (scope case.read). Thin: parse, call hub.fhir services, answer FHIR JSON or XML.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response

from hub.api.deps import DbSession
from hub.auth.deps import issuer_of, require
from hub.auth.principal import Principal
from hub.core.errors import InvalidInput
from hub.fhir import reads, transaction
from hub.fhir.capability import capability_statement
from hub.fhir.media import FhirResponse, fhir_answer, require_fhir_answer
from hub.ingest.endpoints import raw_body

router = APIRouter(prefix="/fhir", tags=["fhir"], dependencies=[Depends(require_fhir_answer)])

Reader = Annotated[Principal, Depends(require("case.read"), scope="function")]
Ingester = Annotated[Principal, Depends(require("ingest"), scope="function")]
_SEARCH_CONTROL = {"_format", "_count", "_sort", "_total", "_summary", "_elements", "_pretty"}


def _base(request: Request) -> str:
    return issuer_of(request) + "/fhir"


@router.get("/metadata", response_class=FhirResponse)
def metadata(request: Request) -> Response:
    return fhir_answer(request, capability_statement(_base(request), request.app.version))


@router.post("", response_class=FhirResponse)
def transaction_or_batch(
    request: Request,
    session: DbSession,
    body: Annotated[bytes, Depends(raw_body)],
    principal: Ingester,
    content_type: Annotated[str | None, Header()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    municipality: Annotated[str | None, Query(description="kommunenummer; default: the payload's, else the sender's")] = None,
) -> Response:
    answer = transaction.process_bundle(
        session, settings=request.app.state.settings, principal=principal, payload=body, content_type=content_type,
        municipality=municipality, idempotency_key=idempotency_key,
    )
    return fhir_answer(request, answer)


@router.get("/Patient", response_class=FhirResponse)
def search_patient(request: Request, session: DbSession, principal: Reader) -> Response:
    unknown = sorted(k for k in request.query_params if k != "identifier" and k not in _SEARCH_CONTROL)
    if unknown:
        raise InvalidInput(f"search parameter(s) {', '.join(unknown)} not supported; Patient supports identifier")
    tokens = request.query_params.getlist("identifier")
    if len(tokens) != 1:
        raise InvalidInput("Patient search needs exactly one identifier=system|value", location="identifier")
    answer = reads.search_patients(
        session, principal=principal, identifier=reads.parse_identifier(tokens[0]),
        settings=request.app.state.settings, base=_base(request), self_url=str(request.url),
    )
    return fhir_answer(request, answer)


@router.get("/Patient/{patient_id}/$everything", response_class=FhirResponse)
def patient_everything(patient_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    answer = reads.everything(
        session, principal=principal, patient_id=patient_id, settings=request.app.state.settings,
        base=_base(request), self_url=str(request.url),
    )
    return fhir_answer(request, answer)


@router.get("/{resource_type}/{resource_id}", response_class=FhirResponse)
def read(resource_type: str, resource_id: str, request: Request, session: DbSession, principal: Reader) -> Response:
    answer = reads.read_resource(
        session, principal=principal, resource_type=resource_type, resource_id=resource_id,
        settings=request.app.state.settings, base=_base(request),
    )
    return fhir_answer(request, answer)
