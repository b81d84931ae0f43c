"""Log lines name what failed and where, never the values an exception message can carry."""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from hub.core.logging import JsonFormatter

SECRET = "21030550231"


def _line(exc: BaseException) -> dict:
    try:
        raise exc
    except BaseException:  # noqa: BLE001 - the formatter is what is tested
        record = logging.getLogger("test").makeRecord("test", logging.ERROR, __file__, 1, "job failed", (), None)
        import sys

        record.exc_info = sys.exc_info()
    return json.loads(JsonFormatter().format(record))


def test_an_integrity_error_names_its_type_and_frames_but_not_the_value(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as conn:
        conn.execute(text("create table t (v text unique)"))
        conn.execute(text("insert into t values (:v)"), {"v": SECRET})
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        conn.execute(text("insert into t values (:v)"), {"v": SECRET})
    assert SECRET in str(caught.value)  # the control: the message does carry the value
    line = _line(caught.value)
    assert line["error"] == "sqlalchemy.exc.IntegrityError" and line["cause"] == "sqlite3.IntegrityError"
    assert line["where"] and "cause_message" not in line
    assert SECRET not in json.dumps(line)


def test_an_operational_error_keeps_the_drivers_message():
    error = OperationalError("select 1", {"v": SECRET}, sqlite3.OperationalError("database is locked"))
    line = _line(error)
    assert line["cause_message"] == "database is locked" and SECRET not in json.dumps(line)


def test_access_log_names_route_template_status_and_duration_only(client, caplog):
    import uuid

    caplog.set_level("INFO", logger="hub.access")
    case_id = uuid.uuid4()
    client.get(f"/api/v1/cases/{case_id}?q=secret")
    client.get("/healthz")
    records = [r for r in caplog.records if r.name == "hub.access"]
    assert [(r.method, r.route, r.status) for r in records] == [
        ("GET", "/api/v1/cases/{case_id}", 401),
        ("GET", "/healthz", 200),
    ]
    assert all(isinstance(r.ms, float) for r in records)
    assert not any(str(case_id) in r.getMessage() or "secret" in str(vars(r)) for r in records)
