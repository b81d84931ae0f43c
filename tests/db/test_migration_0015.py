"""Migration 0015 adds the domain_event table and takes it away again; the rows written before it stay."""

import uuid

from sqlalchemy import inspect, text

from hub.db.engine import make_engine
from hub.db.migrate import downgrade, upgrade

CHILD = (
    "INSERT INTO child (id, names, languages, extra, unborn, created_at, updated_at) "
    "VALUES (:id, '[]', '[]', '{}', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def test_domain_event_table_up_and_down(db_url):
    engine = make_engine(db_url)
    key = (lambda u: u.hex) if engine.dialect.name == "sqlite" else (lambda u: u)
    downgrade(db_url, "0014")
    assert "domain_event" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(text(CHILD), {"id": key(uuid.uuid4())})
    upgrade(db_url)
    inspector = inspect(engine)
    assert "domain_event" in inspector.get_table_names()
    assert {c["name"] for c in inspector.get_columns("domain_event")} == {
        "id", "kind", "occurred_at", "case_id", "child_id", "subject_id", "organization_id", "data"}
    assert {i["name"] for i in inspector.get_indexes("domain_event")} >= {"ix_domain_event_kind", "ix_domain_event_case_id_occurred_at"}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO domain_event (id, kind, occurred_at, data) VALUES (:id, 'case.opened', CURRENT_TIMESTAMP, '{}')"),
                     {"id": key(uuid.uuid4())})
        assert conn.execute(text("SELECT count(*) FROM child")).scalar_one() == 1
    downgrade(db_url, "0014")
    assert "domain_event" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM child")).scalar_one() == 1
    upgrade(db_url)  # (a PostgreSQL test database is the session's template: leave it at head)
    assert "domain_event" in inspect(engine).get_table_names()
    engine.dispose()
