"""Migration 0014 on a database that holds rows written before it: kindergarten-v1 consents lose the sectors the old
parser widened them to (other consents keep theirs); log access nobody confirmed becomes a pending request.
"""

import json
import uuid

from sqlalchemy import text

from hub.db.engine import make_engine
from hub.db.migrate import downgrade, upgrade

CONSENT = (
    "INSERT INTO consent (id, child_id, given_by, organization_ids, sectors, categories, status, basis, covers_guardians, "
    "created_at, source_format) VALUES (:id, :child, 'guardian', '[\"x\"]', '[\"school\"]', '[]', 'active', 'consent', "
    "false, CURRENT_TIMESTAMP, :fmt)"
)
GUARDIAN = (
    "INSERT INTO guardian (id, child_id, names, identifiers, may_see_log, contact, extra, created_at) "
    "VALUES (:id, :child, '[]', '[]', :may_see_log, '[]', '{}', CURRENT_TIMESTAMP)"
)
CHILD = (
    "INSERT INTO child (id, names, languages, extra, unborn, created_at, updated_at) "
    "VALUES (:id, '[]', '[]', '{}', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def test_rows_written_before_0014(db_url):
    downgrade(db_url, "0014-1")  # the revision before 0014, wherever the chain puts it
    engine = make_engine(db_url)
    key = (lambda u: u.hex) if engine.dialect.name == "sqlite" else (lambda u: u)  # SQLite stores UUIDs as hex text
    child = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(CHILD), {"id": key(child)})
        for source_format in ("kindergarten-v1", "fhir-r4"):
            conn.execute(text(CONSENT), {"id": key(uuid.uuid4()), "child": key(child), "fmt": source_format})
        for may_see_log in (True, False):
            conn.execute(text(GUARDIAN), {"id": key(uuid.uuid4()), "child": key(child), "may_see_log": may_see_log})
    upgrade(db_url)
    with engine.connect() as conn:
        rows = {fmt: v if isinstance(v, list) else json.loads(v) for fmt, v in conn.execute(text("SELECT source_format, sectors FROM consent"))}
        guardians = {tuple(r) for r in conn.execute(text("SELECT may_see_log, log_access_requested FROM guardian"))}
    engine.dispose()
    assert rows == {"kindergarten-v1": [], "fhir-r4": ["school"]}
    assert guardians == {(False, True), (False, None)}  # nobody keeps log access that no coordinator confirmed
