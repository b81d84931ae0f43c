"""A case moves from hub A (1106) to hub B (1146) as real processes: package, delivery by the worker, acceptance,
receipt; the origin becomes read-only and points to the destination; consent is required and audited."""

from __future__ import annotations

from tests.transfer.flows import (
    cases_of_child,
    checksum_of,
    destination_caller,
    incoming,
    origin_caller,
    outgoing_status,
    start_transfer,
)
from tests.transfer.scenario import ok, simple_case


def test_simple_case_moves_and_origin_turns_read_only(fed):
    a = origin_caller(fed)
    built = simple_case(a)
    transfer = start_transfer(a, built.case_id)
    assert transfer["status"] == "pending" and transfer["direction"] == "outgoing"
    b = destination_caller(fed)
    row = incoming(b, transfer["transfer_id"])
    assert row["preview"] == {"name": "Ola Nordmann", "birth_date": "2019-07-15", "origin": fed.a.hub.url, "origin_municipality": "1106"}
    accepted = ok(b.post(f"/api/v1/transfers/{row['id']}/accept", json={}))
    assert accepted["status"] == "accepted" and accepted["case_id"]
    done = outgoing_status(a, transfer["id"], ("accepted",))
    assert done["remote_case"] == f"{fed.proxy.url}/api/v1/cases/{accepted['case_id']}"
    origin = ok(a.get(f"/api/v1/cases/{built.case_id}"))
    assert origin["status"] == "transferred_out" and origin["transferred_to"] == done["remote_case"]
    refused = a.post(f"/api/v1/cases/{built.case_id}/entries", json={"kind": "note", "category": "health", "text": "for sent", "author_organization_id": a.org})
    assert refused.status_code == 409 and "read-only" in refused.json()["detail"]
    assert checksum_of(fed.a.engine, built.case_id) == checksum_of(fed.b.engine, accepted["case_id"])
    destination = ok(b.get(f"/api/v1/cases/{accepted['case_id']}"))
    assert destination["status"] == "open" and destination["received_from"] == f"{fed.a.hub.url}/api/v1/cases/{built.case_id}"
    assert cases_of_child(fed.b.engine, built.fnr) == [(accepted["case_id"], "open")]


def test_without_consent_or_legal_basis_the_transfer_is_refused_and_audited(fed):
    a = origin_caller(fed)
    built = simple_case(a, consent=False)
    refused = a.post("/api/v1/transfers", json={"case_id": built.case_id, "destination_municipality": "1146", "reason": "flytting"})
    assert refused.status_code == 403
    assert "no consent with purpose 'transfer' and no recorded legal basis" in refused.json()["detail"]
    from sqlalchemy import select

    from hub.audit.models import AuditEvent
    from hub.db.engine import session_scope

    with session_scope(fed.a.engine, write=False) as session:
        denied = session.scalars(select(AuditEvent).where(AuditEvent.action == "transfer.create", AuditEvent.outcome == "deny")).all()
        assert any(str(e.case_id) == built.case_id for e in denied)
    assert ok(a.get("/api/v1/transfers", params={"direction": "outgoing"})) == [] or all(
        t["case_id"] != built.case_id for t in ok(a.get("/api/v1/transfers"))
    )
