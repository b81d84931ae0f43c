"""Helpers for handover tests: the callers of a kindergarten-to-school handover, the fixture report, the real SSB
extract rewired to the fixture child, and the audit rows of handover pulls.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from hub.audit.models import AuditEvent
from hub.canonical.vocab import FNR_SYSTEM
from hub.db.engine import session_scope
from tests.shared_data import require_shared

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHILD_FNR = "15072052088"
CHILD = f"{FNR_SYSTEM}|{CHILD_FNR}"
SSB_CHILD_FNR = "02011088123"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def push(caller, format_id: str, payload: bytes, **params) -> dict:
    response = caller.post(f"/api/v1/ingest/{format_id}", content=payload, params=params,
                           headers={"content-type": "application/xml"})
    assert response.status_code == 200, response.text
    return response.json()


def ssb_for_fixture_child() -> bytes:
    """The real SSB total extract, with the Sak's child swapped for the fixture child (identity and birth date)."""
    payload = (require_shared("ssb-barnevern", "examples") / "test01_file06_total.xml").read_bytes()
    assert SSB_CHILD_FNR.encode() in payload
    return payload.replace(SSB_CHILD_FNR.encode(), CHILD_FNR.encode()).replace(
        b'Fodseldato="2010-01-02"', b'Fodseldato="2020-07-15"')


def pull(caller, fmt: str, identifier: str = CHILD):
    return caller.get("/api/v1/handover", params={"identifier": identifier, "format": fmt})


def handover_audit(engine) -> list[AuditEvent]:
    with session_scope(engine, write=False) as session:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "handover.pull").order_by(AuditEvent.seq)))
        session.expunge_all()
        return rows
