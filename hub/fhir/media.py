"""Content negotiation for the facade: answers are FHIR JSON (application/fhir+json) or, when the request asks for
it (Accept or _format), FHIR XML rendered by fhir.resources R4B; any other format gets 406 as an OperationOutcome.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fhir.resources.R4B import get_fhir_model_class

from hub.core.errors import HubError

FHIR_JSON = "application/fhir+json"
FHIR_XML = "application/fhir+xml"
_JSON_ACCEPTABLE = ("application/fhir+json", "application/json", "application/*", "*/*", "json", "text/json")
_XML_ACCEPTABLE = ("application/fhir+xml", "application/xml", "text/xml", "xml")


class NotAcceptable(HubError):
    status = 406
    title = "Not acceptable"
    slug = "not-acceptable"
    fhir_code = "not-supported"


class FhirResponse(Response):
    media_type = FHIR_JSON

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _wanted(request: Request) -> list[str]:
    fmt = request.query_params.get("_format")
    if fmt:
        return [fmt.strip().lower()]
    accept = request.headers.get("accept")
    if not accept:
        return []
    return [part.split(";", 1)[0].strip().lower() for part in accept.split(",") if part.strip()]


def answer_format(request: Request) -> str:
    """"json" or "xml", whichever the request names first; JSON when it names neither; 406 for anything else."""
    wanted = _wanted(request)
    for choice in wanted:
        if choice in _JSON_ACCEPTABLE:
            return "json"
        if choice in _XML_ACCEPTABLE:
            return "xml"
    if not wanted:
        return "json"
    raise NotAcceptable(
        f"the facade answers in FHIR JSON (application/fhir+json) or FHIR XML (application/fhir+xml); the request "
        f"accepts {', '.join(wanted)}"
    )


def require_fhir_answer(request: Request) -> None:
    """Refuse (406) before any work a request that takes neither FHIR JSON nor FHIR XML."""
    answer_format(request)


def fhir_answer(request: Request, content: dict[str, Any]) -> Response:
    """The resource in the format the request asked for."""
    if answer_format(request) == "xml":
        model = get_fhir_model_class(content["resourceType"]).model_validate(content)
        return Response(model.model_dump_xml(), media_type=FHIR_XML)
    return FhirResponse(content)
