"""Migration 0013 moves the outbox rows of 0012 (transfer_id, kinds package/receipt/revocation) to the generic outbox
(subject 'transfer', kinds transfer.*) without losing one, and its downgrade moves them back; a downgrade that would
drop items of a kind 0012 cannot hold refuses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from hub.db.engine import make_engine, session_scope
from hub.db.migrate import downgrade, upgrade
from hub.transfer.models import Transfer
from tests.processes import Database

OLD = sa.table(  # the table as 0012 has it
    "outbox_item",
    sa.column("id", sa.Uuid()), sa.column("kind", sa.String()), sa.column("transfer_id", sa.Uuid()), sa.column("url", sa.String()),
    sa.column("body", sa.LargeBinary()), sa.column("status", sa.String()), sa.column("attempts", sa.Integer()),
    sa.column("next_attempt_at", sa.DateTime(timezone=True)), sa.column("last_error", sa.Text()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
NEW = sa.table(
    "outbox_item",
    sa.column("id", sa.Uuid()), sa.column("kind", sa.String()), sa.column("subject_kind", sa.String()), sa.column("subject_id", sa.Uuid()),
    sa.column("url", sa.String()), sa.column("body", sa.LargeBinary()), sa.column("status", sa.String()), sa.column("attempts", sa.Integer()),
    sa.column("next_attempt_at", sa.DateTime(timezone=True)), sa.column("last_error", sa.Text()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
KEPT = ("url", "body", "status", "attempts", "last_error", "next_attempt_at", "created_at")


def _rows(engine, table) -> dict[uuid.UUID, dict]:
    with engine.connect() as conn:
        return {row.id: row._asdict() for row in conn.execute(sa.select(table))}


@pytest.fixture
def at_0012(tmp_path):
    """A database migrated to the head and back to 0012, with an outgoing transfer and its outbox items of 0012."""
    db = Database.fresh(tmp_path, "outbox")
    downgrade(db.url, "0012")
    engine = make_engine(db.url)
    transfer_id = uuid.uuid4()
    with session_scope(engine) as session:
        session.add(Transfer(id=transfer_id, transfer_id=transfer_id, direction="outgoing", origin_hub="http://a", peer_url="http://b",
                             origin_municipality="1106", destination_municipality="1146", status="pending"))
    moment = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    rows = [
        {"kind": kind, "transfer_id": transfer_id, "status": status, "attempts": attempts,
         "last_error": error, "url": f"http://b/federation/v1/{kind}s", "body": f"sealed {kind}".encode()}
        for kind, status, attempts, error in (
            ("package", "delivered", 1, None), ("revocation", "parked", 10, "gave up after 10 attempts"),
            ("receipt", "pending", 2, "receiver failed: HTTP 503"),
        )
    ] + [{"kind": "package", "transfer_id": None, "status": "pending", "attempts": 0, "last_error": None, "url": "http://b/x", "body": b"x"}]
    with engine.begin() as conn:
        conn.execute(OLD.insert(), [{"id": uuid.uuid4(), "next_attempt_at": moment, "created_at": moment, **row} for row in rows])
    yield db, engine, transfer_id
    engine.dispose()
    db.drop()


def test_upgrade_moves_every_item_to_its_subject_and_downgrade_moves_it_back(at_0012):
    db, engine, transfer_id = at_0012
    before = _rows(engine, OLD)
    upgrade(db.url, "0013")
    after = _rows(engine, NEW)
    assert set(after) == set(before)  # no row lost, none added
    for item_id, old in before.items():
        new = after[item_id]
        assert {k: new[k] for k in KEPT} == {k: old[k] for k in KEPT}
        assert new["kind"] == f"transfer.{old['kind']}"
        expected = ("transfer", transfer_id) if old["transfer_id"] else (None, None)
        assert (new["subject_kind"], new["subject_id"]) == expected
    downgrade(db.url, "0012")
    assert _rows(engine, OLD) == before


def test_downgrade_refuses_while_items_of_other_kinds_wait(at_0012):
    db, engine, _ = at_0012
    upgrade(db.url, "0013")
    with engine.begin() as conn:
        conn.execute(NEW.insert().values(id=uuid.uuid4(), kind="webhook.case-updated", url="http://c", body=b"{}", status="pending",
                                         attempts=0, next_attempt_at=datetime.now(UTC), created_at=datetime.now(UTC)))
    with pytest.raises(RuntimeError, match=r"webhook.case-updated \(1\); deliver or delete them first"):
        downgrade(db.url, "0012")
    assert len(_rows(engine, NEW)) == 5  # nothing was changed
