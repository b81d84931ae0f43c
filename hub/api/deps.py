"""Request dependencies: the database session per request (commit once after the handler, roll back on error).

The engine comes from app.state, so tests can run several hubs with different databases in one process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from hub.core.errors import AccessDenied, PayloadTooLarge
from hub.db.engine import begin_writing


@contextmanager
def unit_of_work(request: Request) -> Iterator[Session]:
    """One request's transaction on this app's database: committed when the work is done, and also when access is
    refused (the audit record of the refusal stays; refusals happen before any change); rolled back otherwise."""
    session: Session = request.app.state.sessionmaker()
    # Every request writes at least its audit row, so it is a writer from the start (SQLite: BEGIN IMMEDIATE).
    begin_writing(session)
    try:
        yield session
        session.commit()
    except AccessDenied:
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_session(request: Request) -> Iterator[Session]:
    with unit_of_work(request) as session:
        yield session


DbSession = Annotated[Session, Depends(get_session, scope="function")]


async def read_capped_body(request: Request, *, limit: int, what: str = "payload") -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed `limit` (declared or streamed)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"{what} is {declared} bytes; the limit is {limit}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"{what} exceeds the limit of {limit} bytes")
    return bytes(body)
