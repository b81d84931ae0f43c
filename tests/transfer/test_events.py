"""A transfer import writes its domain events at the destination: one transfer.received, the case opened, an
entry.created per lineage and an entry.corrected per later version, a consent.changed per consent received."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import select

from hub.db.engine import session_scope
from hub.events.models import DomainEvent
from tests.transfer.flows import destination_caller, incoming, origin_caller, outgoing_status, start_transfer
from tests.transfer.scenario import ok, simple_case


def events_of(engine, case_id=None) -> list[DomainEvent]:
    with session_scope(engine, write=False) as session:
        query = select(DomainEvent)
        if case_id is not None:
            query = query.where(DomainEvent.case_id == uuid.UUID(case_id))
        return list(session.scalars(query))


def test_an_accepted_transfer_writes_its_events_at_the_destination(fed):
    a = origin_caller(fed)
    built = simple_case(a, entries=3)  # three entries, the first corrected once, one consent
    transfer = start_transfer(a, built.case_id)
    b = destination_caller(fed)
    row = incoming(b, transfer["transfer_id"])
    before = {e.id for e in events_of(fed.b.engine)}
    accepted = ok(b.post(f"/api/v1/transfers/{row['id']}/accept", json={}))
    outgoing_status(a, transfer["id"], ("accepted",))
    new = [e for e in events_of(fed.b.engine) if e.id not in before]
    child_id = {e.child_id for e in new}
    assert Counter(str(e.kind) for e in new) == Counter(
        {"transfer.received": 1, "case.opened": 1, "entry.created": 3, "entry.corrected": 1, "consent.changed": 1})
    assert {e.case_id for e in new if e.kind != "consent.changed"} == {uuid.UUID(accepted["case_id"])} and len(child_id) == 1
    assert all(e.data["origin"] == "transfer" for e in new if str(e.kind).startswith("entry."))
    received = next(e for e in new if e.kind == "transfer.received")
    assert received.subject_id == uuid.UUID(row["id"]) and received.data["entries"] == 4
    # the origin wrote its own events while the case was built there, none by the transfer
    origin = Counter(str(e.kind) for e in events_of(fed.a.engine, built.case_id))
    assert origin == Counter({"case.opened": 1, "coordinator.changed": 1, "entry.created": 3, "entry.corrected": 1})
