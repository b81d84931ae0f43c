"""Domain events are written with the facts: an ingest of a real file, a REST append, a correction (and the transfer
import, in tests/transfer/test_events.py) leave exactly the event rows of what they wrote, in the same transaction."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import func, select

from hub.cases.models import Case, Entry
from hub.consent.models import Consent
from hub.db.engine import session_scope
from hub.events.models import DomainEvent
from tests.cases.helpers import make_case
from tests.shared_data import require_shared


def kinds(engine) -> Counter:
    with session_scope(engine, write=False) as session:
        return Counter(str(k) for k in session.scalars(select(DomainEvent.kind)))


def count(engine, model) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(select(func.count()).select_from(model))


def push_ssb(client, name: str, extract: str) -> dict:
    payload = (require_shared("ssb-barnevern", "examples") / name).read_bytes()
    response = client.post("/api/v1/ingest/ssb-barnevern", content=payload,
                           headers={"content-type": f"application/xml; extract={extract}"})
    assert response.status_code == 200, response.text
    return response.json()


def test_an_ingest_of_a_real_file_writes_one_event_per_entry_case_and_consent(callers, engine):
    client = callers.system("Barneverntjenesten", "child_welfare", scopes=("ingest", "case.read"))
    push_ssb(client, "test01_file01_changes.xml", "changes")
    events = kinds(engine)
    assert events == Counter({"entry.created": 1, "case.opened": 1})
    assert events["entry.created"] == count(engine, Entry) and events["case.opened"] == count(engine, Case)
    assert count(engine, Consent) == 0
    with session_scope(engine, write=False) as session:
        case = session.scalar(select(Case))
        rows = list(session.scalars(select(DomainEvent)))
        entries = {e.id: e for e in session.scalars(select(Entry))}
    assert {r.case_id for r in rows} == {case.id} and {r.child_id for r in rows} == {case.child_id}
    assert {r.subject_id for r in rows if r.kind == "entry.created"} == set(entries)
    assert all(r.data["origin"] == "ingest" for r in rows)
    # a re-send of the same file writes nothing, events included
    push_ssb(client, "test01_file01_changes.xml", "changes")
    assert kinds(engine) == events


def test_later_extracts_write_corrections_and_retractions_as_entry_corrected(callers, engine):
    client = callers.system("Barneverntjenesten", "child_welfare", scopes=("ingest", "case.read"))
    for name, extract in [("test01_file01_changes.xml", "changes"), ("test01_file02_changes.xml", "changes"),
                          ("test01_file03_changes.xml", "changes"), ("test01_file04_total.xml", "total")]:
        push_ssb(client, name, extract)
    events = kinds(engine)
    with session_scope(engine, write=False) as session:
        first = session.scalar(select(func.count()).select_from(Entry).where(Entry.version == 1))
        later = session.scalar(select(func.count()).select_from(Entry).where(Entry.version > 1))
        retracted = session.scalar(select(func.count()).select_from(Entry).where(Entry.version > 1, Entry.retracted))
    assert later > 0 and retracted > 0
    assert events["entry.created"] == first and events["entry.corrected"] == later
    assert events["case.opened"] == 1


def test_a_rest_append_writes_one_entry_created_and_a_correction_one_entry_corrected(callers, engine):
    caller = callers.system("Haugesund helsestasjon", "health")
    case_id, org, child = make_case(caller, level=1)
    assert kinds(engine) == Counter({"case.opened": 1, "coordinator.changed": 1})
    entry = caller.post(f"/api/v1/cases/{case_id}/entries", json={
        "kind": "note", "category": "health", "author_organization_id": org, "text": "Bekymring for språk"})
    assert entry.status_code == 201, entry.text
    assert kinds(engine) == Counter({"case.opened": 1, "coordinator.changed": 1, "entry.created": 1})
    corrected = caller.post(f"/api/v1/cases/{case_id}/entries/{entry.json()['id']}/corrections",
                            json={"text": "Bekymring for språk og motorikk", "reason": "presisert"})
    assert corrected.status_code == 201, corrected.text
    assert kinds(engine) == Counter({"case.opened": 1, "coordinator.changed": 1, "entry.created": 1, "entry.corrected": 1})
    with session_scope(engine, write=False) as session:
        rows = {r.kind: r for r in session.scalars(select(DomainEvent))}
    created, correction = rows["entry.created"], rows["entry.corrected"]
    assert created.subject_id == uuid.UUID(entry.json()["id"]) and correction.subject_id == uuid.UUID(corrected.json()["id"])
    assert created.case_id == correction.case_id == uuid.UUID(case_id) and created.child_id == uuid.UUID(child)
    assert created.organization_id == uuid.UUID(org)
    assert created.data == {"lineage_id": entry.json()["lineage_id"], "version": 1, "category": "health",
                            "retracted": False, "origin": "api"}
    assert correction.data["version"] == 2 and correction.data["lineage_id"] == entry.json()["lineage_id"]
    # what an event holds: ids and small facts, never the text
    assert all("Bekymring" not in str(r.data) for r in rows.values())
    # a level change is an event; the same level again is none
    assert caller.post(f"/api/v1/cases/{case_id}/level", json={"bti_level": 2}).status_code == 200
    assert caller.post(f"/api/v1/cases/{case_id}/level", json={"bti_level": 2}).status_code == 200
    assert kinds(engine)["case.level_changed"] == 1


def test_a_refused_write_leaves_no_event(callers, engine):
    caller = callers.system("Haugesund helsestasjon", "health")
    case_id, org, _ = make_case(caller)
    before = kinds(engine)
    assert caller.post(f"/api/v1/cases/{case_id}/close", json={"status": "handed_off", "reason": "plan"}).status_code == 200
    refused = caller.post(f"/api/v1/cases/{case_id}/entries", json={
        "kind": "note", "category": "health", "author_organization_id": org, "text": "for sent"})
    assert refused.status_code == 409
    assert kinds(engine) == before
