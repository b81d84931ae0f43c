"""What every HTTP request meets first: a cap on its body size by route, counted as the bytes arrive (413 before the
app parses or authenticates anything), and Cache-Control: no-store on every answer that may carry personal data.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.core.errors import PayloadTooLarge
from hub.core.settings import Settings


def body_cap(settings: Settings, method: str, path: str) -> tuple[int, str]:
    """The largest body a request to `path` may carry, and what the body is called in the refusal."""
    if path.startswith("/api/v1/ingest/") or (path == "/fhir" and method == "POST"):
        return settings.max_payload_bytes, "the payload"
    if path.startswith("/federation/"):
        return settings.transfer_max_package_bytes, "the message"
    if path == "/oauth/token":
        return settings.token_request_max_bytes, "the token request"
    return settings.api_max_body_bytes, "the request body"


class BodyTooLarge(HTTPException):
    """Raised from the counting receive() once a body passes its cap. An HTTPException, so that FastAPI's body parsing
    passes it on (it turns any other exception into a 400); rendered as PayloadTooLarge by hub.api.problems."""

    def __init__(self, error: PayloadTooLarge) -> None:
        super().__init__(status_code=413, detail=error.detail)
        self.error = error


class BodyLimit:
    """Pure ASGI middleware: a declared Content-Length over the route's cap is refused before the app runs; a body
    without one (chunked) is counted as it streams in and refused once over. Nothing past the cap is read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, what = body_cap(scope["app"].state.settings, scope["method"], scope["path"])
        declared = Request(scope).headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(scope, receive, send, PayloadTooLarge(f"{what} is {declared} bytes; the limit is {limit}"))
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(PayloadTooLarge(f"{what} exceeds the limit of {limit} bytes"))
            return message

        async def noted(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, noted)
        except BodyTooLarge as exc:  # read outside the app's exception handlers (none such today)
            if started:
                raise
            await _refuse(scope, receive, send, exc.error)


async def _refuse(scope: Scope, receive: Receive, send: Send, error: PayloadTooLarge) -> None:
    from hub.api.problems import response_for

    await response_for(Request(scope), error)(scope, receive, send)


def may_carry_personal_data(path: str) -> bool:
    """Every answer of /api and /fhir (but the CapabilityStatement) and of the token endpoint (RFC 6749 5.1)."""
    if path == "/fhir/metadata":
        return False
    return path.startswith("/api/") or path == "/fhir" or path.startswith("/fhir/") or path == "/oauth/token"


class NoStore:
    """Pure ASGI middleware: Cache-Control: no-store and Pragma: no-cache on answers that may carry personal data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not may_carry_personal_data(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Cache-Control"] = "no-store"
                headers["Pragma"] = "no-cache"
            await send(message)

        await self.app(scope, receive, with_headers)
