"""The handler registry: what a domain registers per kind of item (how to send one, what to do once it is delivered
or parked), the Attempt a send returns, and the two answers a delivered hook may give instead (Refused, NotYet).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session

from hub.core.settings import Settings
from hub.outbox.models import OutboxItem


@dataclass(frozen=True)
class Attempt:
    """One try at delivering an item, made outside any transaction."""

    item_id: uuid.UUID
    ok: bool
    permanent: bool  # a refusal: no retry would help
    error: str | None
    answer: dict[str, Any] | None  # the receiver's JSON answer to a delivery


class Refused(Exception):
    """Raised by a delivered hook: the receiver took the item but its answer is unusable; the item is parked."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotYet(Exception):
    """Raised by a delivered hook: the answer cannot be applied right now; the item is tried again later."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Handler:
    """Delivers the items of one kind. `send` runs in a sender thread with the item detached from any session; the
    hooks run in the transaction that settles the item, with the item locked."""

    kind: str

    def send(self, client: httpx.Client, item: OutboxItem) -> Attempt:
        raise NotImplementedError

    def delivered(self, session: Session, *, item: OutboxItem, answer: dict[str, Any] | None, settings: Settings) -> None:
        """The receiver took the item (may raise Refused or NotYet)."""

    def parked(self, session: Session, *, item: OutboxItem, error: str, settings: Settings) -> None:
        """The item will not be tried again unless someone requeues it."""


_registry: dict[str, Handler] = {}


def register(handler: Handler) -> Handler:
    """Make workers deliver items of `handler.kind` with it; a kind has one handler."""
    known = _registry.get(handler.kind)
    if known is not None and known is not handler:
        raise ValueError(f"outbox kind {handler.kind!r} already has a handler ({type(known).__name__})")
    _registry[handler.kind] = handler
    return handler


def unregister(kind: str) -> None:
    _registry.pop(kind, None)


def handler_for(kind: str) -> Handler:
    return _registry[kind]


def kinds() -> list[str]:
    """The kinds this process can deliver: a worker claims only these (items of other kinds wait for a worker that can)."""
    return sorted(_registry)
