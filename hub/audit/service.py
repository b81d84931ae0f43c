"""Appends audit events to the hash chain inside the caller's transaction, lists them, and verifies the chain, against
signed heads kept outside its tables too (hub.audit.anchors). A failed append raises, so the request that caused it
fails with it; nothing here commits.

Person references are HMAC-SHA256 of the national id under the hub's audit key (hub.keys.secrets), which is not in
the database: the 11 digits of a fødselsnummer are a small space, and an unkeyed digest of them is read back in seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.audit.models import GENESIS, AuditEvent, AuditHead
from hub.auth.principal import Principal
from hub.core.settings import Settings, get_settings
from hub.keys import secrets

if TYPE_CHECKING:
    from hub.audit.anchors import Anchor

_COLUMNS = tuple(AuditEvent.__table__.columns)
SCHEME = 2  # what record() writes: 1 marks rows from before revision 0010 (an unkeyed person reference)
SCHEMES = (1, 2)
PERSON_KEY = "audit_person_key"  # Session.info key: the HMAC key of person references (see session_info)


def session_info(settings: Settings) -> dict[str, Any]:
    """What a hub's sessions carry for the audit (sessionmaker(info=...)): its person-reference key."""
    return {PERSON_KEY: secrets.audit_hmac_key(settings).value}


def person_reference(key: bytes, national_id: str) -> str:
    return hmac.new(key, f"stafett-person:{national_id}".encode(), hashlib.sha256).hexdigest()


def _person_ref(session: Session, national_id: str | None) -> str | None:
    if not national_id:
        return None
    key = session.info.get(PERSON_KEY) or secrets.audit_hmac_key(get_settings()).value  # a CLI or job session
    return person_reference(key, national_id)


def event_digest(event: AuditEvent) -> str:
    """The row's hash. Schemes 1 and 2 differ in how the person reference was made, not in the digest, so rows from
    before revision 0010 verify as they were written (and the marker survives a downgrade and upgrade unhashed)."""
    body: dict[str, Any] = {
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
        assert head is not None  # inserted just now, or by whoever won the race
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
    person = _person_ref(session, principal.national_id) if principal else None
    events = []
    for child_id in child_ids:
        event = AuditEvent(
            seq=head.seq + 1,
            scheme=SCHEME,
            id=uuid.uuid4(),
            occurred_at=datetime.now(UTC),
            actor_kind=principal.kind if principal else "system",
            client_id=principal.client_id if principal else None,
            organization_id=principal.organization.id if principal and principal.organization else None,
            person_hash=person,
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
    session.execute(insert(cast(Table, AuditEvent.__table__)), [{c.key: getattr(e, c.key) for c in _COLUMNS} for e in events])
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


@dataclass
class ChainReport:
    """What a walk of the chain found: its length, rows from before the keyed scheme, the anchors it was held to and
    the newest of them it still reaches, and every problem."""

    events: int = 0
    last_seq: int = 0
    legacy_events: int = 0
    anchors: int = 0
    reached: Anchor | None = None
    problems: list[ChainProblem] = field(default_factory=list)


def _short(digest: str) -> str:
    return digest[:16] + "…"


def _walk(session: Session, report: ChainReport, wanted: set[int]) -> dict[int, str]:
    """Check every row against its own hash and its predecessor; return the hashes found at the seqs in `wanted`."""
    problems, found = report.problems, {}
    expected_seq, expected_prev = 1, GENESIS
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000))
    for event in rows:
        if event.seq != expected_seq:
            problems.append(ChainProblem(expected_seq, None, f"rows {expected_seq}..{event.seq - 1} are missing (deleted)"))
        elif event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.seq, str(event.id), "does not link to the row before it (a row was replaced or deleted)"))
        if event.scheme not in SCHEMES:
            problems.append(ChainProblem(event.seq, str(event.id), f"is marked with scheme {event.scheme}, which no hub writes"))
        if event_digest(event) != event.hash:
            problems.append(ChainProblem(event.seq, str(event.id), "content does not match its hash (edited)"))
        report.events += 1
        report.legacy_events += event.scheme == 1
        if event.seq in wanted:
            found[event.seq] = event.hash
        expected_seq, expected_prev = event.seq + 1, event.hash
    report.last_seq = expected_seq - 1
    head = session.get(AuditHead, 1)
    if head is not None and head.seq != report.last_seq:
        problems.append(ChainProblem(report.last_seq + 1, None, f"rows {report.last_seq + 1}..{head.seq} at the end are missing (deleted)"))
    return found


def _hold_to_anchors(report: ChainReport, anchors: Sequence[Anchor], found: dict[int, str]) -> None:
    """A signed head the chain no longer has: a lost tail (or a wiped trail) above the chain's end, a rewritten chain
    below it. Only the first rewrite is named (later anchors then fail with it), with the span between anchors that
    holds the changed row: the chain after it was re-hashed, so no row tells which one it was."""
    ordered = sorted(anchors, key=lambda a: (a.seq, a.signed_at))
    below = [a for a in ordered if a.seq <= report.last_seq]
    above = [a for a in ordered if a.seq > report.last_seq]
    last_good: Anchor | None = None
    for anchor in below:
        if found.get(anchor.seq) == anchor.head:
            last_good = anchor
            continue
        start = (last_good.seq + 1) if last_good else 1
        later = sum(1 for a in below if a.seq > anchor.seq and found.get(a.seq) != a.head)
        there = f"the chain has {_short(found[anchor.seq])} there" if anchor.seq in found else "the chain has no row there"
        report.problems.append(ChainProblem(anchor.seq, None, (
            f"the chain no longer reaches the signed head of seq {anchor.seq} (anchor of {anchor.when}, {anchor.source}: "
            f"head {_short(anchor.head)}, {there}): a row in seq "
            f"{start}..{anchor.seq} was changed and the chain re-hashed after it"
            + (f"; {later} later anchors are not reached either" if later else "")
        )))
        break
    else:
        report.reached = last_good
    if above:
        newest = max(above, key=lambda a: a.seq)
        if report.events == 0:
            exist = f"{len(above)} anchors exist" if len(above) != 1 else "an anchor exists"
            text = (f"the audit tables are empty but {exist}: the anchor of {newest.when} ({newest.source}) "
                    f"signed seq {newest.seq} with head {_short(newest.head)}: all {newest.seq} events missing (the trail was wiped)")
        else:
            text = (f"the chain ends at seq {report.last_seq} but the anchor of {newest.when} ({newest.source}) signed seq "
                    f"{newest.seq} with head {_short(newest.head)}: {newest.seq - report.last_seq} events missing")
        report.problems.append(ChainProblem(report.last_seq + 1, None, text))


def check_chain(session: Session, *, anchors: Sequence[Anchor] = ()) -> ChainReport:
    """Walk the chain, then hold it to `anchors` (signed heads already verified, hub.audit.anchors.load)."""
    report = ChainReport(anchors=len(anchors))
    found = _walk(session, report, {a.seq for a in anchors})
    _hold_to_anchors(report, anchors, found)
    return report


def verify_chain(session: Session, *, anchors: Sequence[Anchor] = ()) -> list[ChainProblem]:
    """Every break in the chain: an edited row (hash mismatch), a deleted row (gap or broken link), a lost tail; with
    anchors, also a tail lost together with the head row, a wiped trail, and a row edited and re-hashed forward."""
    return check_chain(session, anchors=anchors).problems
