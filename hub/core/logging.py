"""Structured logging: one JSON line per record (an exception as its type and frames, never its message), each
carrying the request id of the HTTP request it was written for, and an access log that names the route template,
status and duration only — never query strings, bodies, names or ids.
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from fastapi import FastAPI

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"color_message"}

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept when it is 1-128 characters of letters, digits and . _ : - and holds no run of 11 digits
# (the shape of a fødselsnummer: a log line must not carry one, even one a caller chose as its id).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_NATIONAL_ID_SHAPE = re.compile(r"[0-9]{11}")
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def accepted_request_id(given: str | None) -> str:
    """The caller's X-Request-ID when it is well-formed, else a new one."""
    if given and _REQUEST_ID.fullmatch(given) and not _NATIONAL_ID_SHAPE.search(given):
        return given
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record written while the request is served (any logger, any thread
    the request's context was copied to: FastAPI runs sync endpoints in worker threads with the caller's context)."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = request_id.get()
        if current is not None and not hasattr(record, "request_id"):
            record.request_id = current
        return True


def _frames(tb: TracebackType | None, limit: int = 12) -> list[str]:
    return [f"{f.filename.rsplit('/site-packages/', 1)[-1]}:{f.lineno} {f.name}" for f in traceback.extract_tb(tb)][-limit:]


def describe_exception(exc: BaseException, tb: TracebackType | None) -> dict[str, Any]:
    """What failed and where, without the exception's message: messages can carry SQL parameters or payload values
    (a unique-key error names the key's value). A database driver's *operational* message (locked, timeout,
    connection lost) carries none and is kept."""
    described: dict[str, Any] = {"error": f"{type(exc).__module__}.{type(exc).__qualname__}", "where": _frames(tb)}
    original = getattr(exc, "orig", None)
    if original is not None:
        described["cause"] = f"{type(original).__module__}.{type(original).__qualname__}"
        if "Operational" in type(exc).__name__ or "Operational" in type(original).__name__:
            described["cause_message"] = str(original).splitlines()[0][:200]
    return described


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        body.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info and record.exc_info[1] is not None:
            body.update(describe_exception(record.exc_info[1], record.exc_info[2]))
        return json.dumps(body, default=str)


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


Observer = Callable[[str, str, int, float], None]  # method, route template, status, seconds


class AccessLog:
    """Pure ASGI middleware: the request's id (the caller's X-Request-ID if well-formed, else a new one) set for
    every log record of the request and returned in the answer's X-Request-ID; then one "request" record per HTTP
    request with method, route template, status and duration, also handed to `observe` (the request metrics).

    (Starlette's @app.middleware("http") runs every request in an extra task with streamed bodies; this does not.)"""

    def __init__(self, app: Any, observe: Observer | None = None) -> None:
        self.app = app
        self.observe = observe
        self.log = logging.getLogger("hub.access")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before it answers
        given = next((v for k, v in scope.get("headers", ()) if k == b"x-request-id"), b"")
        rid = accepted_request_id(given.decode("latin-1"))
        token = request_id.set(rid)

        async def send_and_note(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*(h for h in message.get("headers", ()) if h[0].lower() != b"x-request-id"),
                                      (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            seconds = time.perf_counter() - started
            self.log.info("request", extra={"method": scope["method"], "route": route, "status": status, "ms": round(seconds * 1000, 1)})
            if self.observe is not None:
                self.observe(scope["method"], route, status, seconds)
            request_id.reset(token)


def install_access_log(app: FastAPI, observe: Observer | None = None) -> None:
    app.add_middleware(AccessLog, observe=observe)
