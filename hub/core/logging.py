"""Structured logging: one JSON line per record (an exception as its type and frames, never its message), and an
access log that names the route template, status and duration only — never query strings, bodies, names or ids.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from types import TracebackType
from typing import Any

from fastapi import FastAPI

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"color_message"}


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
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


class AccessLog:
    """Pure ASGI middleware: one "request" record per HTTP request with method, route template, status and duration.

    (Starlette's @app.middleware("http") runs every request in an extra task with streamed bodies; this does not.)"""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.log = logging.getLogger("hub.access")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before it answers

        async def send_and_note(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = scope.get("route")
            self.log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": getattr(route, "path", "unmatched"),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


def install_access_log(app: FastAPI) -> None:
    app.add_middleware(AccessLog)
