"""Signed audit heads travel with transfers: the destination keeps the origin's head from the package, the origin the
destination's from the receipt, each verified with the sender's keys; the heads a peer keeps, written out with
`stafett audit witnesses`, are anchors the sender's `stafett audit verify` holds its chain to.
"""

from __future__ import annotations

import json

from joserfc import jws
from joserfc.jwk import KeySet
from sqlalchemy import func, select

from hub.audit.models import AuditEvent, AuditWitness
from hub.db.engine import session_scope
from tests.processes import env_for, stafett
from tests.transfer.flows import destination_caller, incoming, origin_caller, outgoing_status, start_transfer
from tests.transfer.scenario import ok, simple_case


def _witnesses(engine, hub: str) -> list[AuditWitness]:
    with session_scope(engine, write=False) as session:
        rows = list(session.scalars(select(AuditWitness).where(AuditWitness.hub == hub).order_by(AuditWitness.seq)))
        for row in rows:
            session.expunge(row)
        return rows


def _last_seq(engine) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(select(func.max(AuditEvent.seq)))


def test_each_hub_keeps_the_others_signed_head_and_the_origin_verifies_against_them(fed, tmp_path):
    a, b = origin_caller(fed), destination_caller(fed)
    built = simple_case(a)
    transfer = start_transfer(a, built.case_id)
    ok(b.post(f"/api/v1/transfers/{incoming(b, transfer['transfer_id'])['id']}/accept", json={}))
    assert outgoing_status(a, transfer["id"], ("accepted",))["status"] == "accepted"

    origin, destination = fed.a.hub.url, fed.proxy.url
    kept_at_b = _witnesses(fed.b.engine, origin)
    assert kept_at_b and kept_at_b[-1].via == f"package of transfer {transfer['transfer_id']}"
    a_keys = KeySet.import_key_set(ok(fed.a.http.get("/.well-known/jwks.json")))
    claims = json.loads(jws.deserialize_compact(kept_at_b[-1].anchor, a_keys).payload)  # A's own signature
    assert claims["iss"] == origin and claims["seq"] == kept_at_b[-1].seq <= _last_seq(fed.a.engine)
    kept_at_a = _witnesses(fed.a.engine, destination)
    assert kept_at_a and kept_at_a[-1].via == f"receipt of transfer {transfer['transfer_id']}"

    exported = tmp_path / "witnessed-by-b.jsonl"
    stafett("audit", "witnesses", "--hub", origin, "--out", str(exported), env=env_for(fed.b.hub.db, HUB_PUBLIC_URL=destination))
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    assert {line["hub"] for line in lines} == {origin} and all(line["kept_by"] == destination for line in lines)
    verified = stafett("audit", "verify", "--anchors", str(exported), env=env_for(fed.a.hub.db, COLUMNS="250"))
    assert "audit trail intact" in verified.stdout and f"reaches all {len(lines)} anchors" in verified.stdout
    # B's own chain is not vouched for by what it keeps of A's: those anchors are A's keys, not B's.
    refused = stafett("audit", "verify", "--anchors", str(exported), env=env_for(fed.b.hub.db, COLUMNS="250"), check=False)
    assert refused.returncode == 1 and "BAD ANCHOR" in refused.stdout
