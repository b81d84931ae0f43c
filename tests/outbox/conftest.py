"""A kind of item that exists only in these tests (test.notice), registered with the outbox for the test's duration:
its handler POSTs the body and records what its hooks were told; and a loopback receiver to deliver it to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from hub.core.settings import Settings
from hub.outbox import handlers
from hub.outbox.handlers import Attempt, Handler, Refused
from hub.outbox.http_post import post
from hub.outbox.models import OutboxItem
from tests.outbox.receiver import ScriptedReceiver


class Notice(Handler):
    kind = "test.notice"

    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}
        self.parked_with: dict[str, str] = {}
        self.refuse_answers = False

    def send(self, client: httpx.Client, item: OutboxItem) -> Attempt:
        return post(client, item, content_type="text/plain")

    def delivered(self, session: Session, *, item: OutboxItem, answer: dict[str, Any] | None, settings: Settings) -> None:
        if self.refuse_answers:
            raise Refused("the answer does not fit")
        self.answers[item.body.decode()] = answer

    def parked(self, session: Session, *, item: OutboxItem, error: str, settings: Settings) -> None:
        self.parked_with[item.body.decode()] = error


@pytest.fixture
def notices() -> Iterator[Notice]:
    handler = handlers.register(Notice())
    yield handler
    handlers.unregister(handler.kind)


@pytest.fixture
def receiver() -> Iterator[ScriptedReceiver]:
    receiver = ScriptedReceiver()
    yield receiver
    receiver.close()
