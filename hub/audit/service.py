"""Appends audit events to the hash chain inside the caller's transaction, lists them, and verifies the chain.

A failed append raises, so the request that caused it fails with it; nothing here commits.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.audit.models import GENESIS, AuditEvent, AuditHead
from hub.auth.principal import Principal

_COLUMNS = tuple(AuditEvent.__table__.columns)


def _person_hash(national_id: str | None) -> str | None:
    return hashlib.sha256(f"stafett-person:{national_id}".encode()).hexdigest() if national_id else None


def event_digest(event: AuditEvent) -> str:
    body = {
        "seq": event.seq,
        "id": str(event.id),
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_kind": event.actor_kind,
        "client_id": event.client_id,
        "organization_id": str(event.organization_id) if event.organization_id else None,
        "person_hash": event.person_hash,
        "action": event.action,
        "child_id": str(event.child_id) if event.child_id else None,
        "case_id": str(event.case_id) if event.case_id else None,
        "entry_ids": sorted(str(e) for e in event.entry_ids or []),
        "purpose": event.purpose,
        "outcome": event.outcome,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _head(session: Session) -> AuditHead:
    """The chain's head row, locked for this transaction (so events get consecutive numbers one writer at a time).

    The first event of a fresh database creates it; concurrent first events (PostgreSQL) all try, one wins, the others
    wait for it and then lock the row it made."""
    locked = select(AuditHead).where(AuditHead.id == 1).with_for_update()
    head = session.scalar(locked)
    if head is None:
        try:
            with session.begin_nested():
                session.add(AuditHead(id=1, seq=0, hash=GENESIS))
        except IntegrityError:
            pass
        head = session.scalar(locked)
    return head


def record(
    session: Session,
    *,
    principal: Principal | None,
    action: str,
    outcome: str = "permit",
    reason: str | None = None,
    purpose: str | None = None,
    child_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    entry_ids: Iterable[uuid.UUID] = (),
) -> AuditEvent:
    (event,) = record_for_children(
        session, principal=principal, action=action, child_ids=[child_id], outcome=outcome, reason=reason,
        purpose=purpose, case_id=case_id, entry_ids=entry_ids,
    )
    return event


def record_for_children(
    session: Session,
    *,
    principal: Principal | None,
    action: str,
    child_ids: Iterable[uuid.UUID | None],
    outcome: str = "permit",
    reason: str | None = None,
    purpose: str | None = None,
    case_id: uuid.UUID | None = None,
    entry_ids: Iterable[uuid.UUID] = (),
) -> list[AuditEvent]:
    """One event per child, chained in the order given, under one lock of the chain's head and written at once."""
    child_ids = list(child_ids)
    if not child_ids:
        return []
    head = _head(session)
    entry_list = sorted(str(e) for e in entry_ids)
    events = []
    for child_id in child_ids:
        event = AuditEvent(
            seq=head.seq + 1,
            id=uuid.uuid4(),
            occurred_at=datetime.now(UTC),
            actor_kind=principal.kind if principal else "system",
            client_id=principal.client_id if principal else None,
            organization_id=principal.organization.id if principal and principal.organization else None,
            person_hash=_person_hash(principal.national_id) if principal else None,
            action=action,
            child_id=child_id,
            case_id=case_id,
            entry_ids=list(entry_list),
            purpose=purpose,
            outcome=outcome,
            reason=reason,
            prev_hash=head.hash,
        )
        event.hash = event_digest(event)
        head.seq, head.hash = event.seq, event.hash
        events.append(event)
    # One INSERT for all (the ORM's unit of work costs several times more per row); the head's new state goes with it.
    session.execute(insert(AuditEvent.__table__), [{c.key: getattr(e, c.key) for c in _COLUMNS} for e in events])
    return events


def events_for_child(session: Session, *, child_id: uuid.UUID, limit: int = 1000) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.child_id == child_id).order_by(AuditEvent.seq.desc()).limit(limit))
    )


@dataclass
class ChainProblem:
    seq: int
    event_id: str | None
    problem: str


def verify_chain(session: Session) -> list[ChainProblem]:
    """Every break in the chain: an edited row (hash mismatch), a deleted row (gap or broken link), a lost tail."""
    problems: list[ChainProblem] = []
    expected_seq, expected_prev = 1, GENESIS
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        if event.seq != expected_seq:
            problems.append(ChainProblem(expected_seq, None, f"rows {expected_seq}..{event.seq - 1} are missing (deleted)"))
        elif event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.seq, str(event.id), "does not link to the row before it (a row was replaced or deleted)"))
        if event_digest(event) != event.hash:
            problems.append(ChainProblem(event.seq, str(event.id), "content does not match its hash (edited)"))
        expected_seq, expected_prev = event.seq + 1, event.hash
    head = session.get(AuditHead, 1)
    if head is not None and head.seq != expected_seq - 1:
        problems.append(ChainProblem(expected_seq, None, f"rows {expected_seq}..{head.seq} at the end are missing (deleted)"))
    return problems
