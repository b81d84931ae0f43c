"""Content negotiation for the facade: answers are FHIR JSON (FhirResponse, application/fhir+json); a request that
accepts only XML or another format gets 406 Not Acceptable as an OperationOutcome.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from hub.core.errors import HubError

FHIR_JSON = "application/fhir+json"
_JSON_ACCEPTABLE = ("application/fhir+json", "application/json", "application/*", "*/*", "json", "text/json")


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


def require_json_answer(request: Request) -> None:
    """Refuse (406) a request that will take only XML or another non-JSON format."""
    wanted = _wanted(request)
    if not wanted or any(w in _JSON_ACCEPTABLE for w in wanted):
        return
    raise NotAcceptable(
        f"the facade answers in FHIR JSON (application/fhir+json) only; the request accepts {', '.join(wanted)}"
    )
