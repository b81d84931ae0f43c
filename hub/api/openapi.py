"""The published OpenAPI document: FastAPI's, completed with every error answer (problem+json on /api, OperationOutcome
on /fhir, OAuth errors on the token endpoint), the raw bodies' media types, FHIR answers and the bearer scheme.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from adapters.registry import available_formats, get_adapter
from hub.auth.gate import needs_token

PROBLEM = "application/problem+json"
FHIR_JSON, FHIR_XML = "application/fhir+json", "application/fhir+xml"
_WRITES = {"post", "put", "patch"}
_DESCRIPTIONS = {
    400: "Bad request (a payload or value the hub cannot take)",
    401: "No token, or one that does not verify",
    403: "The token lacks the scope, or the caller may not see or change this",
    404: "Not found (or not visible to the caller)",
    406: "Neither FHIR JSON nor FHIR XML is acceptable to the caller",
    409: "Conflict with the stored state (a duplicate, a concurrent change, a transfer's state)",
    412: "If-Match is not the object's current ETag: it changed since it was read (the answer carries the current ETag)",
    413: "The body is larger than this route's cap",
    415: "The body's media type is not one this route takes",
    422: "Invalid input: parameters or body fail validation",
    428: "This hub requires If-Match on a change of an existing object (HUB_REQUIRE_IF_MATCH)",
    429: "Too many requests; retry after the Retry-After seconds",
    503: "A schema or peer the hub needs is not available",
}
_COMPONENTS = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "location": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {"location": {"type": "string"}, "message": {"type": "string"}}}},
        },
    },
    "OperationOutcome": {
        "type": "object",
        "required": ["resourceType", "issue"],
        "properties": {
            "resourceType": {"type": "string", "enum": ["OperationOutcome"]},
            "issue": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["severity", "code"],
                    "properties": {
                        "severity": {"type": "string"},
                        "code": {"type": "string"},
                        "diagnostics": {"type": "string"},
                        "expression": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "OAuthError": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
    },
    "TokenResponse": {
        "type": "object",
        "required": ["access_token", "token_type", "expires_in"],
        "properties": {
            "access_token": {"type": "string"},
            "token_type": {"type": "string", "enum": ["Bearer"]},
            "expires_in": {"type": "integer"},
            "scope": {"type": "string"},
        },
    },
    "FhirResource": {"type": "object", "required": ["resourceType"], "properties": {"resourceType": {"type": "string"}}},
}
_BINARY = {"type": "string", "format": "binary"}
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
_TOKEN_FORM = {
    "type": "object",
    "required": ["grant_type", "client_assertion_type", "client_assertion"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "client_assertion_type": {"type": "string", "enum": ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]},
        "client_assertion": {"type": "string", "description": "a JWT signed with the client's registered key"},
        "scope": {"type": "string"},
        "client_id": {"type": "string"},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The error answers an operation can give."""
    writes = method in _WRITES
    statuses: set[int] = set()
    if needs_token(path):
        statuses |= {401, 403, 404, 422}
    if writes:
        statuses |= {400, 409, 413, 422}
    if operation.get("parameters"):
        statuses.add(422)
    if path.startswith("/fhir"):
        statuses |= {400, 406}
    if path.startswith("/api/v1/ingest/") or (path == "/fhir" and writes):
        statuses |= {404, 415, 503}
    if path.startswith("/federation/"):
        statuses |= {400, 403, 404, 409, 413, 415, 422, 503}
    if path.startswith("/api/v1/transfers") and writes:
        statuses.add(503)
    if path in ("/api/v1/handover",) or path.endswith("/export"):
        statuses |= {400, 503}
    if any(p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in operation.get("parameters", [])):
        statuses |= {400, 412, 428}  # optimistic concurrency (hub.access.writes)
    return statuses


def _error_content(path: str, status: int) -> dict[str, Any]:
    if path == "/oauth/token" and status != 413:
        return {"application/json": {"schema": _ref("OAuthError")}}
    if path == "/fhir" or path.startswith("/fhir/"):
        return {FHIR_JSON: {"schema": _ref("OperationOutcome")}}
    return {PROBLEM: {"schema": _ref("Problem")}}


def _ingest_media_types() -> list[str]:
    return sorted({m for f in available_formats() for m in get_adapter(f).media_types})


def _render_media_types() -> list[str]:
    return sorted({m for f in available_formats() if getattr(get_adapter(f), "render", None) for m in get_adapter(f).media_types})


def _special(path: str, method: str, operation: dict[str, Any]) -> None:
    """Request bodies read raw, and answers FastAPI cannot see."""
    ok = operation["responses"].get("200") or operation["responses"].get("201") or {}
    if path.startswith("/api/v1/ingest/"):
        operation["requestBody"] = {
            "required": True,
            "description": "the raw payload in the format's media type, with its parameters (e.g. ; extract=changes)",
            "content": {m: {"schema": _BINARY} for m in _ingest_media_types()},
        }
    elif path == "/fhir" and method == "post":
        operation["requestBody"] = {
            "required": True,
            "description": "a transaction or batch Bundle",
            "content": {FHIR_JSON: {"schema": _ref("FhirResource")}, FHIR_XML: {"schema": _BINARY}},
        }
    elif path.startswith("/federation/"):
        operation["requestBody"] = {"required": True, "content": {"application/jose": {"schema": {"type": "string"}}}}
    elif path == "/oauth/token":
        operation["requestBody"] = {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": _TOKEN_FORM}}}
        ok["content"] = {"application/json": {"schema": _ref("TokenResponse")}}
    if path == "/fhir" or path.startswith("/fhir/"):
        ok["content"] = {FHIR_JSON: {"schema": _ref("FhirResource")}, FHIR_XML: {"schema": {"type": "string"}}}
    if path.startswith("/api/v1/audit/"):
        ok["content"] = {FHIR_JSON: {"schema": _ref("FhirResource")}}  # a Bundle of AuditEvents
    if path.endswith("/export") or path == "/api/v1/handover":
        ok["content"] = {m: {"schema": {"type": "string"}} for m in _render_media_types()}
    if path == "/fhir/Patient" and not operation.get("parameters"):
        operation["parameters"] = [{
            "name": "identifier", "in": "query", "required": True, "schema": {"type": "string"},
            "description": "system|value of one of the child's identifiers",
        }]


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers, media types and security of every operation to FastAPI's document (in place)."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(_COMPONENTS)
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            _special(path, method, operation)
            responses = operation["responses"]
            statuses = _statuses(path, method, operation)
            if path == "/oauth/token":
                statuses = {400, 401, 413, 429}
            for status in sorted(statuses):
                answer = {"description": _DESCRIPTIONS[status], "content": _error_content(path, status)}
                if status == 429:
                    answer["headers"] = _RETRY_AFTER
                responses[str(status)] = answer  # replaces FastAPI's 422 (its schema is not the hub's problem+json)
            if needs_token(path):
                operation["security"] = [{"bearer": []}]
    return schema


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
