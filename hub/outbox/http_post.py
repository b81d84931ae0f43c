"""Delivery by one HTTP POST of the item's body to its URL, for handlers whose receivers are web services: 2xx is
delivered, a refusal (most 4xx) is permanent, anything else (5xx, timeouts, a refused connection) is retried.
"""

from __future__ import annotations

import httpx

from hub.outbox.handlers import Attempt
from hub.outbox.models import OutboxItem

PERMANENT = {400, 401, 403, 404, 405, 409, 410, 413, 415, 422}


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
        return str(body.get("detail") or body.get("title") or "")[:500]
    except ValueError:
        return response.text[:200]


def _concurrent_change(response: httpx.Response) -> bool:
    """A 409 the receiver means as "a concurrent change got in the way, retry" (problem type .../conflict)."""
    if response.status_code != 409:
        return False
    try:
        return str(response.json().get("type", "")).endswith("/conflict")
    except (ValueError, AttributeError):
        return False


def post(client: httpx.Client, item: OutboxItem, *, content_type: str) -> Attempt:
    """One POST; never raises for network trouble (that is a retryable attempt)."""
    try:
        response = client.post(item.url, content=item.body, headers={"content-type": content_type, "x-outbox-item": str(item.id)})
    except httpx.HTTPError as exc:
        return Attempt(item.id, ok=False, permanent=False, error=f"{type(exc).__name__} talking to {item.url}", answer=None)
    if 200 <= response.status_code < 300:
        try:
            answer = response.json()
        except ValueError:
            answer = None
        return Attempt(item.id, ok=True, permanent=False, error=None, answer=answer)
    permanent = response.status_code in PERMANENT and not _concurrent_change(response)
    verb = "refused by the receiver" if permanent else "receiver failed"
    return Attempt(item.id, ok=False, permanent=permanent, error=f"{verb}: HTTP {response.status_code} {_detail(response)}".strip(), answer=None)
