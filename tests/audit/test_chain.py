"""The audit trail is hash-chained: `stafett audit verify` passes on an untouched trail and fails, naming the row,
when one row is edited or deleted in the database. Reads write their audit row in the same transaction.
"""

import os
import subprocess
import sys

from sqlalchemy import delete, select, update

from hub.audit.models import AuditEvent
from hub.audit.service import verify_chain
from tests.cases.helpers import make_case


def _verify(db_url):
    env = {**os.environ, "HUB_DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "hub.cli.main", "audit", "verify"], env=env, capture_output=True, text=True, timeout=60)


def _busy_trail(callers):
    clinic = callers.system("Haugesund helsestasjon", "health")
    case_id, _, _ = make_case(clinic)
    for _ in range(3):
        clinic.get(f"/api/v1/cases/{case_id}")
    return case_id


def test_untouched_trail_verifies(callers, db_url):
    _busy_trail(callers)
    result = _verify(db_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "intact" in result.stdout


def test_an_edited_row_is_named(callers, db_url, engine):
    _busy_trail(callers)
    with engine.begin() as conn:
        seq, _event_id = conn.execute(select(AuditEvent.seq, AuditEvent.id).order_by(AuditEvent.seq).offset(2).limit(1)).one()
        conn.execute(update(AuditEvent).where(AuditEvent.seq == seq).values(reason="nobody read anything"))
    result = _verify(db_url)
    assert result.returncode == 1
    assert f"seq {seq}" in result.stdout and "edited" in result.stdout


def test_a_deleted_row_is_named(callers, db_url, engine):
    _busy_trail(callers)
    with engine.begin() as conn:
        seq = conn.execute(select(AuditEvent.seq).order_by(AuditEvent.seq).offset(3).limit(1)).scalar_one()
        conn.execute(delete(AuditEvent).where(AuditEvent.seq == seq))
    result = _verify(db_url)
    assert result.returncode == 1 and f"seq {seq}" in result.stdout and "deleted" in result.stdout


def test_a_deleted_tail_is_found(callers, session, engine):
    _busy_trail(callers)
    with engine.begin() as conn:
        last = conn.execute(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
        conn.execute(delete(AuditEvent).where(AuditEvent.seq == last))
    problems = verify_chain(session)
    assert problems and "end" in problems[0].problem


def test_every_read_is_recorded_with_what_was_seen(callers, engine):
    clinic = callers.system("Haugesund helsestasjon", "health")
    case_id, _, _ = make_case(clinic)
    entry = clinic.post(f"/api/v1/cases/{case_id}/entries", json={"kind": "note", "category": "health", "text": "x"}).json()
    clinic.get(f"/api/v1/cases/{case_id}")
    with engine.connect() as conn:
        row = conn.execute(select(AuditEvent).where(AuditEvent.action == "case.read").order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert row.entry_ids == [entry["id"]] and row.client_id == clinic.client_id and row.outcome == "permit"


def test_every_path_records_the_entry_versions_that_were_seen(callers, engine):
    """Case read, export and the FHIR facade name the same thing: the current version of each entry, not its lineage."""
    clinic = callers.system("Haugesund helsestasjon", "health")
    case_id, _, child_id = make_case(clinic)
    first = clinic.post(f"/api/v1/cases/{case_id}/entries", json={"kind": "note", "category": "health", "text": "x"}).json()
    corrected = clinic.post(f"/api/v1/cases/{case_id}/entries/{first['id']}/corrections", json={"text": "y", "reason": "typo"})
    assert corrected.status_code == 201, corrected.text
    version = corrected.json()["id"]
    assert version != first["lineage_id"]
    assert clinic.get(f"/api/v1/cases/{case_id}").status_code == 200
    assert clinic.get(f"/api/v1/cases/{case_id}/export", params={"format": "fhir-r4"}).status_code == 200
    assert clinic.get(f"/fhir/Patient/{child_id}/$everything").status_code == 200
    assert clinic.get(f"/fhir/Communication/{first['lineage_id']}").status_code == 200
    with engine.connect() as conn:
        rows = {r.action: r.entry_ids for r in conn.execute(select(AuditEvent).order_by(AuditEvent.seq))}
    for action in ("case.read", "case.export", "fhir.everything", "fhir.read"):
        assert rows[action] == [version], action


def test_audit_export_as_fhir_audit_event(callers):
    clinic = callers.system("Haugesund helsestasjon", "health")
    case_id, _, child_id = make_case(clinic)
    clinic.get(f"/api/v1/cases/{case_id}")
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    # an admin reads the trail of a child its organisation may read: the municipality takes part in the case
    assert clinic.post(f"/api/v1/cases/{case_id}/participants", json={"organization_id": admin.org, "role": "municipality"}).status_code == 201
    bundle = admin.get(f"/api/v1/audit/children/{child_id}").json()
    assert bundle["resourceType"] == "Bundle" and bundle["total"] >= 2
    actions = {e["resource"]["subtype"][0]["code"] for e in bundle["entry"]}
    assert {"case.read", "case.create"} <= actions
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)


def test_concurrent_first_events_on_a_fresh_database_all_land_in_one_chain(engine, session):
    """On a fresh database the first writers race to create the chain's head (PostgreSQL runs them in parallel):
    every event is kept, numbered 1..N without gaps, and the chain verifies."""
    import threading

    from hub.audit import service as audit
    from hub.db.engine import session_scope

    writers = 6
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            with session_scope(engine) as own:
                audit.record(own, principal=None, action="test.race", reason=f"writer {n}")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    seqs = session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, writers + 1))
    assert verify_chain(session) == []


def test_one_call_for_several_children_chains_one_event_each(engine, session):
    import uuid

    from hub.audit import service as audit
    from hub.audit.models import AuditHead

    assert audit.record_for_children(session, principal=None, action="ingest", child_ids=[]) == []
    assert session.get(AuditHead, 1) is None  # no child, no event, not even a head
    children = [uuid.uuid4() for _ in range(3)]
    events = audit.record_for_children(session, principal=None, action="ingest", child_ids=children, reason="fhir-r4")
    session.commit()
    assert [e.child_id for e in events] == children
    assert [e.seq for e in events] == [1, 2, 3]
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert verify_chain(session) == []
