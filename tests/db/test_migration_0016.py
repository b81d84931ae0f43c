"""Migration 0016 on a database that holds children written before it: each is filed under its blocking keys, so the
matcher finds the children the hub already held; down and up again leaves the schema as the models say.
"""

import uuid
from datetime import date

from sqlalchemy import text

from hub.canonical.vocab import FNR_SYSTEM
from hub.db.engine import make_engine
from hub.db.migrate import downgrade, upgrade
from hub.identity.matching import Person, blocking_keys

CHILD = (
    "INSERT INTO child (id, names, birth_date, address, languages, extra, unborn, created_at, updated_at) "
    "VALUES (:id, :names, :born, :address, '[]', '{}', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
IDENTIFIER = "INSERT INTO child_identifier (id, child_id, system, value) VALUES (:id, :child, :system, :value)"


def test_children_held_before_0016_are_filed_under_their_keys(db_url):
    downgrade(db_url, "0016-1")  # the revision before 0016, wherever the chain puts it
    engine = make_engine(db_url)
    key = (lambda u: u.hex) if engine.dialect.name == "sqlite" else (lambda u: u)  # SQLite stores UUIDs as hex text
    amina, nameless = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(CHILD), {"id": key(amina), "names": '[{"given": ["Amina", "Sofie"], "family": "Haugland"}]',
                                   "born": date(2020, 7, 15), "address": '{"postal_code": "5525"}'})
        conn.execute(text(CHILD), {"id": key(nameless), "names": "[]", "born": None, "address": None})
        conn.execute(text(IDENTIFIER), {"id": key(uuid.uuid4()), "child": key(amina), "system": FNR_SYSTEM, "value": "15072052088"})
    upgrade(db_url)
    with engine.connect() as conn:
        rows = list(conn.execute(text("SELECT child_id, key FROM child_match_key")))
    engine.dispose()
    expected = blocking_keys(Person.of(given=["Amina", "Sofie"], family="Haugland", birth_date=date(2020, 7, 15),
                                       postal_code="5525", national_ids=frozenset({"15072052088"})))
    assert {k for child_id, k in rows if str(child_id).replace("-", "") == amina.hex} == expected
    assert expected >= {"g:AMN:2020-07-15", "b:5525:2020-07-15", "i:150720"}
    assert all(str(child_id).replace("-", "") == amina.hex for child_id, _ in rows)  # no name, no date: no key
