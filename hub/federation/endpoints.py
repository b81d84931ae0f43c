"""Routes of /federation/v1 (hub to hub): POST transfers (packages), receipts and revocations. Small and strict:
a size cap, one media type, no OAuth; the message's signature names and authenticates the calling hub.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from hub.api.deps import read_capped_body, unit_of_work
from hub.core.errors import UnsupportedMediaType
from hub.federation import service

router = APIRouter(prefix="/federation/v1", tags=["federation"])

MEDIA_TYPE = "application/jose"


async def _body(request: Request) -> bytes:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != MEDIA_TYPE:
        raise UnsupportedMediaType(f"federation messages are sent as {MEDIA_TYPE} (a compact JWE)")
    return await read_capped_body(request, limit=request.app.state.settings.transfer_max_package_bytes, what="message")


def _unit_of_work(request: Request, action: Callable[..., dict[str, Any]], body: bytes) -> dict[str, Any]:
    """One transaction, opened only after the whole body is read (a slow sender never holds a write lock)."""
    with unit_of_work(request) as session:
        return action(session, settings=request.app.state.settings, body=body)


async def _handle(request: Request, action: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    body = await _body(request)
    return await run_in_threadpool(_unit_of_work, request, action, body)


@router.post("/transfers", summary="Receive a signed, encrypted transfer package (stored once per origin and transfer id)")
async def receive_package(request: Request) -> dict:
    return await _handle(request, service.receive_package)


@router.post("/receipts", summary="Receive the destination's signed decision on a transfer this hub sent")
async def receive_receipt(request: Request) -> dict:
    return await _handle(request, service.receive_receipt)


@router.post("/revocations", summary="Receive the origin's revocation; answered with a signed receipt of the outcome")
async def receive_revocation(request: Request) -> dict:
    return await _handle(request, service.receive_revocation)
