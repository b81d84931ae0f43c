"""Request dependencies: the database session per request (commit once after the handler, roll back on error).

The engine comes from app.state, so tests can run several hubs with different databases in one process.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from hub.core.errors import AccessDenied
from hub.db.engine import begin_writing


def get_session(request: Request) -> Iterator[Session]:
    session: Session = request.app.state.sessionmaker()
    # Every request writes at least its audit row, so it is a writer from the start (SQLite: BEGIN IMMEDIATE).
    begin_writing(session)
    try:
        yield session
        session.commit()
    except AccessDenied:
        session.commit()  # keep the audit record of the refusal; refusals happen before any change
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


DbSession = Annotated[Session, Depends(get_session, scope="function")]
