"""All SQL for peers: by base URL, by municipality, list, add, remove.

Never commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.peers.models import Peer


def by_url(session: Session, base_url: str) -> Peer | None:
    return session.scalar(select(Peer).where(Peer.base_url == base_url))


def all_peers(session: Session) -> list[Peer]:
    return list(session.scalars(select(Peer).order_by(Peer.base_url)))


def by_municipality(session: Session, kommunenummer: str) -> Peer | None:
    return next((p for p in all_peers(session) if kommunenummer in (p.municipalities or [])), None)


def add(session: Session, peer: Peer) -> None:
    session.add(peer)
    session.flush()


def delete(session: Session, peer: Peer) -> None:
    session.delete(peer)
    session.flush()
