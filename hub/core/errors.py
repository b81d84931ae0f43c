"""The hub's typed error hierarchy: every expected failure is one of these, never a bare exception.

/api renders them as RFC 9457 problem+json, /fhir as OperationOutcome (see hub.api.problems).
"""

from __future__ import annotations

from typing import Any


class HubError(Exception):
    """An expected failure with an HTTP status and a message that names the problem."""

    status: int = 400
    title: str = "Bad request"
    slug: str = "bad-request"
    fhir_code: str = "invalid"  # OperationOutcome.issue.code

    headers: dict[str, str] = {}

    def __init__(self, detail: str, *, location: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.location = location
        self.extra = extra or {}


class InvalidInput(HubError):
    status = 422
    title = "Invalid input"
    slug = "invalid-input"


class PayloadRejected(HubError):
    """A pushed payload is malformed, hostile or not valid for its format."""

    status = 400
    title = "Payload rejected"
    slug = "payload-rejected"
    fhir_code = "structure"


class PayloadTooLarge(PayloadRejected):
    status = 413
    title = "Payload too large"
    slug = "payload-too-large"
    fhir_code = "too-costly"


class UnsupportedMediaType(HubError):
    status = 415
    title = "Unsupported media type"
    slug = "unsupported-media-type"
    fhir_code = "not-supported"


class UnknownFormat(HubError):
    status = 404
    title = "Unknown format"
    slug = "unknown-format"
    fhir_code = "not-supported"


class NotFound(HubError):
    status = 404
    title = "Not found"
    slug = "not-found"
    fhir_code = "not-found"


class Conflict(HubError):
    status = 409
    title = "Conflict"
    slug = "conflict"
    fhir_code = "conflict"


class PreconditionFailed(HubError):
    """A write carried an If-Match that is not the object's current ETag: someone changed it since it was read."""

    status = 412
    title = "Precondition failed"
    slug = "precondition-failed"
    fhir_code = "conflict"

    def __init__(self, detail: str, *, current_etag: str, location: str | None = None):
        super().__init__(detail, location=location, extra={"current_etag": current_etag})
        self.headers = {"ETag": current_etag}


class PreconditionRequired(HubError):
    """This hub requires every write on an existing object to carry If-Match (HUB_REQUIRE_IF_MATCH)."""

    status = 428
    title = "Precondition required"
    slug = "precondition-required"
    fhir_code = "required"


class Forbidden(HubError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"
    fhir_code = "forbidden"


class Unauthorized(HubError):
    status = 401
    title = "Unauthorized"
    slug = "unauthorized"
    fhir_code = "login"
    headers = {"WWW-Authenticate": 'Bearer realm="stafett"'}


class InvalidToken(Unauthorized):
    """A bearer token was presented but is not valid here: RFC 6750 asks for error="invalid_token" in the challenge
    (a request without any token gets the bare challenge of Unauthorized)."""

    headers = {"WWW-Authenticate": 'Bearer realm="stafett", error="invalid_token"'}


class AccessDenied(HubError):
    """A refused access: answered as 403 (or 404 where existence must not leak); its audit record is kept."""

    status = 403
    title = "Forbidden"
    slug = "forbidden"
    fhir_code = "forbidden"

    def __init__(self, detail: str, *, status: int = 403, location: str | None = None):
        super().__init__(detail, location=location)
        self.status = status
        if status == 404:
            self.title, self.slug, self.fhir_code = "Not found", "not-found", "not-found"
