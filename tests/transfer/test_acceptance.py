"""Acceptance: a case with entries from every sector moves between two real hub processes; afterwards the
destination holds the same history (every entry version, same lineage structure, provenance, raw payloads), the
origin is read-only and points to it, and the child the destination already knew was not duplicated."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy import select

from hub.archive.models import SourceRecord
from hub.canonical.vocab import FNR_SYSTEM
from hub.cases.models import Case, Entry
from hub.db.engine import session_scope
from hub.transfer import fingerprint
from hub.transfer.package import organization_ids, organizations, stored_rows
from hub.transfer.rows import to_row
from tests.transfer.flows import children_with, destination_caller, incoming, outgoing_status, start_transfer
from tests.transfer.scenario import full_case, ok


def _history(engine, case_id):
    with session_scope(engine, write=False) as session:
        case = session.get(Case, uuid.UUID(case_id))
        rows = stored_rows(session, case=case)
        content = fingerprint.content(
            case=rows["case"], entries=rows["entries"], goals=rows["goals"], measures=rows["measures"],
            evaluations=rows["evaluations"], coordinators=rows["coordinators"],
            organizations=organizations(session, organization_ids(rows)), guardians=[to_row(g) for g in case_guardians(session, case)],
        )
        shape = sorted(Counter(e["lineage_id"] for e in rows["entries"]).values())
        checksums = {e["raw_checksum"] for e in rows["entries"] if e["raw_checksum"]}
        raw = {r.sha256: r.payload for r in session.scalars(select(SourceRecord).where(SourceRecord.sha256.in_(checksums)))}
        return content, shape, checksums, raw, str(case.child_id)


def case_guardians(session, case):
    from hub.children.models import Child

    return session.get(Child, case.child_id).guardians


def test_a_case_from_every_sector_moves_whole(fed):
    built, writers = full_case(fed.a.callers)
    b = destination_caller(fed)
    known = ok(b.post("/api/v1/children", json={"identifiers": [{"system": FNR_SYSTEM, "value": built.fnr}]}), 201)
    transfer = start_transfer(writers["kindergarten"], built.case_id)
    row = incoming(b, transfer["transfer_id"])
    assert row["preview"]["name"] == "Amina Sofie Haugland" and row["preview"]["birth_date"] == "2020-07-15"
    accepted = ok(b.post(f"/api/v1/transfers/{row['id']}/accept", json={"reason": "mottatt av barnekoordinator"}))
    done = outgoing_status(writers["kindergarten"], transfer["id"], ("accepted",))

    origin, origin_shape, origin_raw_ids, origin_raw, _ = _history(fed.a.engine, built.case_id)
    dest, dest_shape, dest_raw_ids, dest_raw, dest_child = _history(fed.b.engine, accepted["case_id"])
    assert dest == origin  # every version, goals, measures, evaluations, baton history, provenance
    assert dest_shape == origin_shape and max(origin_shape) == 3  # same lineage structure (the v1-v2-v3 chain)
    assert len(origin["lineages"]) >= 10 + 1  # 10 API entries plus the kindergarten's own
    assert {e["category"] for lineage in dest["lineages"] for e in lineage} >= {"health", "education", "early_childhood", "child_welfare", "social"}
    assert origin_raw_ids and dest_raw_ids == origin_raw_ids and dest_raw == origin_raw  # raw payloads came along
    assert fingerprint.checksum(**_parts(fed.a.engine, built.case_id)) == done["content_sha256"] == accepted["content_sha256"]

    assert dest_child == known["id"] and children_with(fed.b.engine, built.fnr) == 1  # matched, not duplicated
    origin_case = ok(writers["kindergarten"].get(f"/api/v1/cases/{built.case_id}"))
    assert origin_case["status"] == "transferred_out" and origin_case["transferred_to"] == done["remote_case"]
    assert done["remote_case"].endswith(accepted["case_id"])
    with session_scope(fed.b.engine, write=False) as session:
        versions = session.scalars(select(Entry).where(Entry.case_id == uuid.UUID(accepted["case_id"]))).all()
        by_id = {e.id: e for e in versions}
        assert all(e.previous_id is None or (by_id[e.previous_id].lineage_id == e.lineage_id and by_id[e.previous_id].version == e.version - 1) for e in versions)


def _parts(engine, case_id):
    with session_scope(engine, write=False) as session:
        case = session.get(Case, uuid.UUID(case_id))
        rows = stored_rows(session, case=case)
        return dict(
            case=rows["case"], entries=rows["entries"], goals=rows["goals"], measures=rows["measures"], evaluations=rows["evaluations"],
            coordinators=rows["coordinators"], organizations=organizations(session, organization_ids(rows)),
            guardians=[to_row(g) for g in case_guardians(session, case)],
        )
