"""Migration 0009 on a database that holds rows written before it: kindergarten-v1 consents lose the sectors the old
parser widened them to; other consents keep theirs.
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
CHILD = (
    "INSERT INTO child (id, names, languages, extra, unborn, created_at, updated_at) "
    "VALUES (:id, '[]', '[]', '{}', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def test_kindergarten_consents_name_their_organisations_only(db_url):
    downgrade(db_url, "0006")
    engine = make_engine(db_url)
    key = (lambda u: u.hex) if engine.dialect.name == "sqlite" else (lambda u: u)  # SQLite stores UUIDs as hex text
    child = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(CHILD), {"id": key(child)})
        for source_format in ("kindergarten-v1", "fhir-r4"):
            conn.execute(text(CONSENT), {"id": key(uuid.uuid4()), "child": key(child), "fmt": source_format})
    upgrade(db_url)
    with engine.connect() as conn:
        rows = {fmt: v if isinstance(v, list) else json.loads(v) for fmt, v in conn.execute(text("SELECT source_format, sectors FROM consent"))}
    engine.dispose()
    assert rows == {"kindergarten-v1": [], "fhir-r4": ["school"]}
