"""Renders errors: RFC 9457 problem+json on /api (and everything else), OperationOutcome on /fhir.

Expected outcomes (HubError, validation errors, integrity conflicts) never become a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.api import routes
from hub.api.edges import BodyTooLarge
from hub.core.errors import HubError

log = logging.getLogger("hub.api")

PROBLEM_BASE = "https://stafett.invalid/problems/"


def _is_fhir(request: Request) -> bool:
    return request.url.path == "/fhir" or request.url.path.startswith("/fhir/")


def operation_outcome(status: int, code: str, diagnostics: str, location: str | None = None) -> dict[str, Any]:
    severity = "error" if status >= 400 else "information"
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if location:
        issue["expression"] = [location]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def render(
    request: Request,
    *,
    status: int,
    title: str,
    detail: str,
    slug: str,
    fhir_code: str = "invalid",
    location: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    if _is_fhir(request):
        return JSONResponse(
            operation_outcome(status, fhir_code, detail, location),
            status_code=status,
            media_type="application/fhir+json",
            headers=headers,
        )
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if location:
        body["location"] = location
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def response_for(request: Request, exc: HubError) -> JSONResponse:
    """The answer for an expected failure: problem+json, or an OperationOutcome on /fhir."""
    return render(
        request,
        status=exc.status,
        title=exc.title,
        detail=exc.detail,
        slug=exc.slug,
        fhir_code=exc.fhir_code,
        location=exc.location,
        extra=exc.extra,
        headers=exc.headers or None,
    )


def _validation_detail(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    errors = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        errors.append({"location": where, "message": message})
    summary = "; ".join(f"{e['location']}: {e['message']}" if e["location"] else e["message"] for e in errors)
    return summary or "the request is not valid", errors


def _allow(request: Request) -> dict[str, str]:
    return {"Allow": ", ".join(routes.allowed_methods(request.app, request.url.path))}


def install(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub_error(request: Request, exc: HubError) -> JSONResponse:
        return response_for(request, exc)

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return response_for(request, exc.error)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = _validation_detail(exc)
        return render(
            request,
            status=422,
            title="Invalid input",
            detail=detail,
            slug="invalid-input",
            extra={"errors": errors},
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity conflict", extra={"path": request.url.path})
        return render(
            request,
            status=409,
            title="Conflict",
            detail="the change conflicts with existing data (a duplicate or a concurrent change); retry",
            slug="conflict",
            fhir_code="conflict",
        )

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        return render(
            request,
            status=409,
            title="Conflict",
            detail="the record was changed by someone else at the same time; reload and retry",
            slug="conflict",
            fhir_code="conflict",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "not-supported"}.get(exc.status_code, "processing")
        return render(
            request,
            status=exc.status_code,
            title=str(exc.detail) if exc.status_code != 404 else "Not found",
            detail=str(exc.detail) if exc.status_code != 404 else f"no resource at {request.url.path}",
            slug="http-" + str(exc.status_code),
            fhir_code=code,
            headers=_allow(request) if exc.status_code == 405 else (dict(exc.headers) if exc.headers else None),
        )
