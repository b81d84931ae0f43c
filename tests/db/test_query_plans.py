"""Reads that must not grow with the hub: every statement a case read, a handover pull, a case list, a child lookup,
FHIR `$everything` and `Patient?identifier`, the guardians' view and the audit trail run (captured as the hub emits
them) is planned by the database itself, and none may scan a table that grows with the number of cases.

(A case read once anti-joined entry.previous_id without an index: 18 s per read at 10,000 cases on SQLite.)
PostgreSQL plans with sequential scans disabled, so a Seq Scan in a plan means no index could serve the statement.
"""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest
from sqlalchemy import event, text

from hub.canonical.vocab import FNR_SYSTEM
from tests.transfer.scenario import fnr

# Tables whose size grows with cases, children or use.
GROWING = {"entry", "case", "child", "child_identifier", "participant", "guardian", "consent", "measure", "goal",
           "evaluation", "coordinator_assignment", "audit_event", "source_key", "source_record"}


def _child_and_case(writer, national_id: str, entries: int = 3, mother: str | None = None) -> tuple[str, str]:
    """A child and its case of `entries` notes, one corrected; with `mother` (her national id) the writer coordinates the
    case and lets her see the log."""
    child = writer.post("/api/v1/children", json={
        "identifiers": [{"system": FNR_SYSTEM, "value": national_id}], "birth_date": "2019-07-15",
        "guardians": [{"relation": "mother", "parental_responsibility": "felles", "may_see_log": True}
                      | ({"national_id": mother} if mother else {})],
    }).json()
    coordinator = {"coordinator": {"person_name": "Hanne", "organization_id": writer.org}} if mother else {}
    case = writer.post("/api/v1/cases", json={"child_id": child["id"], "municipality": "1106"} | coordinator).json()
    for pending in (g for g in child["guardians"] if mother and g["log_access"] == "pending"):
        granted = writer.post(f"/api/v1/cases/{case['id']}/guardians/{pending['id']}/log-access", json={"may_see_log": True})
        assert granted.status_code == 200, granted.text
    first = None
    for n in range(entries):
        entry = writer.post(f"/api/v1/cases/{case['id']}/entries", json={"kind": "note", "category": "education", "text": f"notat {n}"}).json()
        first = first or entry
    writer.post(f"/api/v1/cases/{case['id']}/entries/{first['id']}/corrections", json={"text": "rettet", "reason": "skrivefeil"})
    return child["id"], case["id"]


def _statements_of(app, call) -> list[tuple[str, object]]:
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            captured.append((statement, parameters))

    engine = app.state.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return captured


def _scans(app, statements, tmp_path) -> list[str]:
    """The growing tables each statement's plan reads without an index (a full read of a table or of an index)."""
    engine = app.state.engine
    found = []
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            for statement, parameters in statements:
                plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
                found += [f"{table}: {_short(statement)}" for table in re.findall(r'Seq Scan on "?(\w+)"?', plan) if table in GROWING]
        return found
    # SQLite plans on a copy without statistics: its planner then takes every table for a large one and uses an index
    # wherever one serves (with statistics of a small test database it may rightly prefer to read 40 rows).
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "plans.db"
    shutil.copyfile(engine.url.database, copy)
    with sqlite3.connect(copy) as db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            db.execute("DELETE FROM sqlite_stat1")
    with sqlite3.connect(copy) as db:
        for statement, parameters in statements:
            for row in db.execute("EXPLAIN QUERY PLAN " + statement, parameters):
                # "SCAN t" and "SCAN t USING (COVERING) INDEX i" read every row; "SEARCH t USING …" does not
                match = re.match(r"SCAN (\w+)", row[3])
                if match and re.sub(r"_\d+$", "", match.group(1)) in GROWING:
                    found.append(f"{match.group(1)}: {_short(statement)}")
    return found


def _short(statement: str) -> str:
    return " ".join(statement.split())[:300]


MOTHERS = [fnr(day=1 + n, month=3, year=1985) for n in range(8)]  # the viewer's children's mothers (1985)


@pytest.fixture
def populated(app, callers):
    """The viewer's 8 cases among 48: an organisation takes part in a small part of the hub's cases."""
    scopes = ("case.read", "case.write", "handover.read")
    writer = callers.system("Haugesund kommune", "municipality", scopes=scopes)
    others = callers.system("Tysvær kommune", "municipality", kommune="1146", scopes=scopes)
    made = [_child_and_case(writer, fnr(day=1 + n % 27), mother=MOTHERS[n]) for n in range(8)]
    for n in range(40):
        _child_and_case(others, fnr(day=1 + n % 27, year=2018), entries=1)
    return writer, made


def test_a_case_read_and_its_history_use_indexes_only(app, populated, tmp_path):
    writer, made = populated
    child_id, case_id = made[5]
    entry = writer.get(f"/api/v1/cases/{case_id}").json()["entries"][0]

    def read():
        assert writer.get(f"/api/v1/cases/{case_id}").status_code == 200
        assert writer.get(f"/api/v1/cases/{case_id}/entries/{entry['id']}/history").status_code == 200
        assert writer.get(f"/api/v1/children/{child_id}").status_code == 200

    statements = _statements_of(app, read)
    assert any("previous_id" in s for s, _ in statements)  # the current-versions query is among them
    assert _scans(app, statements, tmp_path) == []


def test_the_handover_pull_the_case_list_and_a_child_lookup_use_indexes_only(app, populated, tmp_path):
    writer, made = populated
    national_id = writer.get(f"/api/v1/children/{made[3][0]}").json()["identifiers"][0]["value"]

    def read():
        assert writer.get("/api/v1/handover", params={"identifier": f"{FNR_SYSTEM}|{national_id}", "format": "fhir-r4"}).status_code == 200
        assert writer.get("/api/v1/cases", params={"limit": 5}).status_code == 200
        assert writer.get("/api/v1/cases", params={"limit": 5, "status": "open"}).status_code == 200
        assert writer.get("/api/v1/children", params={"identifier": f"{FNR_SYSTEM}|{national_id}"}).status_code == 200

    assert _scans(app, _statements_of(app, read), tmp_path) == []


def test_fhir_everything_and_patient_search_use_indexes_only(app, populated, tmp_path):
    writer, made = populated
    child_id, _case_id = made[2]
    national_id = writer.get(f"/api/v1/children/{child_id}").json()["identifiers"][0]["value"]

    def read():
        everything = writer.get(f"/fhir/Patient/{child_id}/$everything")
        assert everything.status_code == 200 and len(everything.json()["entry"]) > 3  # the Patient and its entries
        found = writer.get("/fhir/Patient", params={"identifier": f"{FNR_SYSTEM}|{national_id}"})
        assert found.status_code == 200 and [e["resource"]["id"] for e in found.json()["entry"]] == [child_id]

    statements = _statements_of(app, read)
    assert any("child_identifier" in s for s, _ in statements) and any("previous_id" in s for s, _ in statements)
    assert _scans(app, statements, tmp_path) == []


def test_the_guardians_view_uses_indexes_only(app, populated, callers, tmp_path):
    _writer, made = populated
    child_id, case_id = made[4]
    mother = callers.person(MOTHERS[4])

    def read():
        mine = mother.get("/api/v1/me/children")
        assert mine.status_code == 200 and [c["id"] for c in mine.json()] == [child_id]
        assert len(mother.get(f"/api/v1/me/cases/{case_id}").json()["entries"]) == 3
        assert mother.get(f"/api/v1/me/children/{child_id}/access-log").status_code == 200

    statements = _statements_of(app, read)
    assert any("guardian" in s for s, _ in statements) and any("audit_event" in s for s, _ in statements)
    assert _scans(app, statements, tmp_path) == []


def test_the_audit_trail_read_uses_indexes_only(app, populated, callers, tmp_path):
    writer, made = populated
    child_id, case_id = made[6]
    assert writer.get(f"/api/v1/cases/{case_id}").status_code == 200  # an access of the child's case to find
    admin = callers.system(scopes=("admin",), organization_id=writer.organization_id)

    def read():
        trail = admin.get(f"/api/v1/audit/children/{child_id}")
        assert trail.status_code == 200 and trail.json()["entry"]

    statements = _statements_of(app, read)
    assert any("audit_event" in s for s, _ in statements)
    assert _scans(app, statements, tmp_path) == []


def test_the_check_finds_a_scan_where_there_is_one(app, populated, tmp_path):
    """The control: a statement on an unindexed column of `entry` is reported."""
    assert _scans(app, [("SELECT id FROM entry WHERE text = 'x'", {})], tmp_path) != []
