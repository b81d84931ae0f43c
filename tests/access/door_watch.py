"""Watches one hub's sessions while a route answers: the read door's passages (hub.access.reader's trace), every ORM
statement and loaded row of a child-data table outside the door, and the audit events written. `violations` says
how a call read child data without the door; tests/access/test_read_door.py runs it over every GET route.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from hub.access import reader
from hub.audit.models import AuditEvent
from hub.db.engine import session_scope

# Tables holding child data (a row of one tells something of a child): read only behind the door.
CHILD_TABLES = frozenset({
    "child", "child_identifier", "guardian", "child_demographics", "case", "participant", "coordinator_assignment",
    "entry", "goal", "measure", "evaluation", "consent", "transfer", "identity_review", "source_record", "source_key",
    "audit_event",
})
# How a row of each names its child (child_id) or its case (case_id); the others only need an opening.
BY_CHILD = {"child": "id", "child_identifier": "child_id", "guardian": "child_id", "child_demographics": "child_id",
            "consent": "child_id", "case": "child_id", "identity_review": "child_id", "audit_event": "child_id"}
BY_CASE = {"case": "id", "participant": "case_id", "coordinator_assignment": "case_id", "entry": "case_id", "goal": "case_id",
           "measure": "case_id", "transfer": "case_id"}


@dataclass
class Observation:
    """What one call did: the response, the door's passages, child data touched outside the door."""

    response: object = None
    passages: list[reader.Passage] = field(default_factory=list)
    early: list[str] = field(default_factory=list)  # child-data statements outside the door before any permitted opening
    rows: list[tuple[str, uuid.UUID | None, uuid.UUID | None]] = field(default_factory=list)  # (table, child, case) outside
    audit: list[AuditEvent] = field(default_factory=list)

    @property
    def permitted(self) -> list[reader.Passage]:
        return [p for p in self.passages if p.permit]

    def touched_child_data(self) -> bool:
        return bool(self.early or self.rows or self.passages)


def _tables(state) -> set[str]:
    return {t.name for m in state.all_mappers for t in m.tables} & CHILD_TABLES


class DoorWatch:
    """Listens on an app's sessionmaker; `call` runs one HTTP call and returns its Observation."""

    def __init__(self, app):
        self.app = app
        self.engine = app.state.engine
        self.maker = app.state.sessionmaker
        self._current: Observation | None = None
        self._sessions: list[Session] = []
        event.listen(self.maker, "do_orm_execute", self._execute)
        event.listen(self.maker, "loaded_as_persistent", self._loaded)
        event.listen(self.maker, "after_begin", self._begun)

    def close(self) -> None:
        event.remove(self.maker, "do_orm_execute", self._execute)
        event.remove(self.maker, "loaded_as_persistent", self._loaded)
        event.remove(self.maker, "after_begin", self._begun)

    def _begun(self, session, transaction, connection) -> None:
        if self._current is not None and session not in self._sessions:
            self._sessions.append(session)

    def _execute(self, state) -> None:
        obs, session = self._current, state.session
        if obs is None or not state.is_select or reader.inside(session):
            return
        if (tables := _tables(state)) and not any(p.permit for p in reader.trace(session)):
            obs.early.append(", ".join(sorted(tables)))

    def _loaded(self, session, instance) -> None:
        obs = self._current
        table = getattr(getattr(instance, "__table__", None), "name", None)
        if obs is None or table not in CHILD_TABLES or reader.inside(session):
            return
        child = getattr(instance, BY_CHILD[table]) if table in BY_CHILD else None
        case = getattr(instance, BY_CASE[table]) if table in BY_CASE else None
        obs.rows.append((table, child, case))

    def _last_seq(self) -> int:
        with session_scope(self.engine) as session:
            return session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0

    def call(self, caller, url: str, params: dict | None = None) -> Observation:
        before = self._last_seq()
        obs = Observation()
        self._current, self._sessions = obs, []
        try:
            obs.response = caller.get(url, params=params or {})
        finally:
            self._current = None
        obs.passages = [p for s in self._sessions for p in reader.trace(s)]
        with session_scope(self.engine) as session:
            obs.audit = list(session.scalars(select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)))
            session.expunge_all()
        return obs


def violations(obs: Observation, *, child_data: bool) -> list[str]:
    """How the call read child data without the door (empty: it did not).

    A route said to return child data, called by a viewer it is meant for, must pass the door, permitted; every
    permitted passage must write its read's audit record (or the read is refused after all: 404 with the refusal
    audited); and child data may be read outside the door only after a permitted opening, and only of the child and
    cases opened. A route said to return none must touch no child data at all."""
    status = obs.response.status_code
    found: list[str] = []
    if not child_data:
        if obs.touched_child_data():
            found.append(f"said to return no child data, but read {sorted({r[0] for r in obs.rows} | set(obs.early))} "
                         f"({len(obs.passages)} door passages)")
        return found
    permitted = obs.permitted
    if not permitted:
        found.append("did not pass the read door with a permitted opening")
    refused_after = status == 404 and any(not p.permit for p in obs.passages) and any(e.outcome == "deny" for e in obs.audit)
    unaudited = [p.action for p in permitted if not p.audited]
    if unaudited and not refused_after:
        found.append(f"passed the door without the read's audit record: {unaudited}")
    audited_actions = {p.action for p in permitted if p.audited}
    written = {e.action for e in obs.audit if e.outcome == "permit"}
    if audited_actions - written:
        found.append(f"the door noted an audit record that is not in the trail: {sorted(audited_actions - written)}")
    if obs.early:
        found.append(f"read child data outside the door before it opened anything: {obs.early}")
    if any(p.every_child for p in permitted):
        return found
    children = {c for p in permitted for c in p.child_ids}
    cases = {c for p in permitted for c in p.case_ids}
    for table, child, case in obs.rows:
        if child is not None and child not in children and (case is None or case not in cases):
            found.append(f"read a {table} row of child {child}, which the door did not open")
        elif child is None and case is not None and case not in cases:
            found.append(f"read a {table} row of case {case}, which the door did not open")
    return sorted(set(found))
