"""JSON columns: written by the engine's serializer (pydantic-core) and read back as the same values, on both backends."""

import json
import uuid

from hub.children.models import Child
from hub.db.engine import json_text, session_factory


def test_json_text_is_compact_utf8_json_with_the_same_values():
    value = {"navn": "Åse Ødegård", "codes": [{"system": "urn:x", "code": "1"}], "n": 1.5, "ok": True, "none": None}
    text = json_text(value)
    assert json.loads(text) == value
    assert "Åse" in text and ", " not in text  # UTF-8 kept, no padding


def test_json_values_round_trip_through_the_database(engine):
    extra = {"språk": ["nb", "se"], "nested": {"deep": [1, 2.25, None, {"x": "æøå"}]}, "flag": False}
    child_id = uuid.uuid4()
    with session_factory(engine)() as session:
        session.add(Child(id=child_id, identifiers=[], extra=extra, languages=["nb"]))
        session.commit()
    with session_factory(engine)() as session:
        stored = session.get(Child, child_id)
        assert stored.extra == extra and stored.languages == ["nb"]
