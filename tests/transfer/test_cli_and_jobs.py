"""The operator's side: `stafett peers` and `stafett transfer bulk` (resumable) as real commands, a parked delivery
retried by hand, expiry of undecided transfers, and a key rotation at the peer honoured through its JWKS."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from hub.core.settings import Settings
from hub.db.engine import session_scope
from hub.keys import service as keys
from hub.outbox.models import OutboxItem
from hub.transfer import tasks
from hub.transfer.models import Transfer
from tests.conftest import TEST_SECRETS
from tests.processes import ROOT, Database
from tests.transfer.flows import cases_of_child, destination_caller, incoming, origin_caller, outgoing_status, start_transfer
from tests.transfer.scenario import ok, simple_case

FINAL = ("accepted", "rejected", "revoked", "failed")


def stafett(db_url: str, *args: str, public_url: str | None = None, municipality: str = "1106") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_DATABASE_URL": db_url, "HUB_MUNICIPALITY": municipality, "COLUMNS": "200", **TEST_SECRETS})
    if public_url:
        env["HUB_PUBLIC_URL"] = public_url
    return subprocess.run([sys.executable, "-m", "hub.cli.main", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def registered(url: str) -> dict[str, list[str]]:
    from hub.db.engine import make_engine
    from hub.peers.models import Peer

    engine = make_engine(url)
    try:
        with session_scope(engine, write=False) as session:
            return {p.base_url: list(p.municipalities) for p in session.scalars(select(Peer))}
    finally:
        engine.dispose()


def test_peers_cli_adds_lists_and_removes_a_peer_with_its_keys(fed, tmp_path):
    db = Database.fresh(tmp_path, "cli")
    try:
        added = stafett(db.url, "peers", "add", "--municipality", "1146", "--municipality", "1149", "--url", fed.proxy.url + "/")
        assert added.returncode == 0, added.stderr
        assert f"peer: {fed.proxy.url} municipalities: 1146 1149 keys: fetched" in added.stdout
        listed = stafett(db.url, "peers", "list")
        b_kids = [k["kid"] for k in ok(fed.b.http.get("/.well-known/jwks.json"))["keys"]]
        assert fed.proxy.url in listed.stdout and all(kid in listed.stdout for kid in b_kids)
        assert stafett(db.url, "peers", "remove", "--municipality", "1149").returncode == 0
        assert registered(db.url) == {fed.proxy.url: ["1146"]}
        assert stafett(db.url, "peers", "remove", "--url", fed.proxy.url).returncode == 0
        assert registered(db.url) == {}
    finally:
        db.drop()


def test_bulk_transfer_is_resumable_and_records_the_legal_basis(fed):
    a, b = origin_caller(fed), destination_caller(fed)
    built = [simple_case(a, consent=False) for _ in range(3)]
    cases = [arg for c in built for arg in ("--case", c.case_id)]
    common = ("transfer", "bulk", "--to", "1146", *cases, "--legal-reference", "inndelingslova § 3 (kommunesammenslåing)")
    first = stafett(fed.a.hub.db.url, *common, "--limit", "1", public_url=fed.a.hub.url)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "transfers created: 1;" in first.stdout
    rest = stafett(fed.a.hub.db.url, *common, public_url=fed.a.hub.url)  # the rerun skips what moved and resumes
    assert "transfers created: 2;" in rest.stdout, rest.stdout
    with session_scope(fed.a.engine, write=False) as session:
        outgoing = session.scalars(select(Transfer).where(Transfer.case_id.in_([uuid.UUID(c.case_id) for c in built]))).all()
        ids = [(str(t.id), str(t.transfer_id)) for t in outgoing]
    assert len(ids) == 3
    for _local_id, transfer_id in ids:
        ok(b.post(f"/api/v1/transfers/{incoming(b, transfer_id)['id']}/accept", json={}))
    for local_id, _ in ids:
        assert outgoing_status(a, local_id, FINAL)["status"] == "accepted"
    assert all(cases_of_child(fed.a.engine, c.fnr) == [(c.case_id, "transferred_out")] for c in built)


def test_a_parked_delivery_is_retried_by_hand(fed):
    a, b = origin_caller(fed), destination_caller(fed)
    fed.a.worker.stop()
    built = simple_case(a)
    transfer = start_transfer(a, built.case_id)
    with session_scope(fed.a.engine) as session:
        item = session.scalar(select(OutboxItem).where(OutboxItem.subject_id == uuid.UUID(transfer["id"])))
        original, item_id = item.body, item.id
        session.execute(update(OutboxItem).where(OutboxItem.id == item_id).values(body=b"not.a.jwe.at.all"))
    fed.a.worker.start()
    failed = outgoing_status(a, transfer["id"], FINAL)
    assert failed["status"] == "failed" and "HTTP 400" in failed["failure"]
    with session_scope(fed.a.engine) as session:
        session.execute(update(OutboxItem).where(OutboxItem.id == item_id).values(body=original))
    retried = ok(a.post(f"/api/v1/transfers/{transfer['id']}/retry"))
    assert retried["status"] == "pending" and retried["delivery"][0]["attempts"] == 0
    ok(b.post(f"/api/v1/transfers/{incoming(b, transfer['transfer_id'])['id']}/accept", json={}))
    assert outgoing_status(a, transfer["id"], FINAL)["status"] == "accepted"


def test_an_undecided_transfer_expires_and_the_origin_hears_it(fed):
    a, b = origin_caller(fed), destination_caller(fed)
    built = simple_case(a)
    transfer = start_transfer(a, built.case_id)
    row = incoming(b, transfer["transfer_id"])
    with session_scope(fed.b.engine) as session:
        session.execute(update(Transfer).where(Transfer.id == uuid.UUID(row["id"])).values(created_at=datetime.now(UTC) - timedelta(days=31)))
    settings = Settings(database_url=fed.b.hub.db.url, public_url=fed.proxy.url, municipality="1146", transfer_pending_days=30)
    assert tasks.expire_transfers(fed.b.engine, settings) >= 1
    final = outgoing_status(a, transfer["id"], FINAL)
    assert final["status"] == "rejected" and "expired" in final["decision_reason"]
    assert cases_of_child(fed.a.engine, built.fnr) == [(built.case_id, "open")]


def test_a_key_rotation_at_the_destination_is_honoured(fed):
    a, b = origin_caller(fed), destination_caller(fed)
    built = simple_case(a)
    transfer = start_transfer(a, built.case_id)
    row = incoming(b, transfer["transfer_id"])
    with session_scope(fed.b.engine) as session:
        new_kid = keys.rotate(session, use="sig", settings=Settings(database_url=fed.b.hub.db.url)).kid
    ok(b.post(f"/api/v1/transfers/{row['id']}/accept", json={}))  # the receipt is signed with the new key
    assert outgoing_status(a, transfer["id"], FINAL)["status"] == "accepted"
    with session_scope(fed.a.engine, write=False) as session:
        from hub.peers.models import Peer

        cached = session.scalar(select(Peer).where(Peer.base_url == fed.proxy.url)).jwks
    assert new_kid in [k["kid"] for k in cached["keys"]]  # A fetched B's keys again when it met the unknown kid
