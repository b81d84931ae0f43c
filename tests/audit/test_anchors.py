"""Anchors: the chain's head signed by the hub's key and kept outside its tables. `stafett audit verify --anchors`
finds, and names, the tamperings a hash chain alone cannot: the tail deleted and the head row moved back, both audit
tables wiped, a row edited and the chain re-hashed forward with the hub's own digest, each after an anchor was taken;
what happened after the last anchor it cannot see, and says how many events that is.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import delete, func, select, update

from hub.audit import anchors
from hub.audit import service as audit
from hub.audit.models import GENESIS, AuditEvent, AuditHead
from hub.audit.service import event_digest
from hub.core.settings import Settings
from hub.db.engine import session_scope
from hub.keys import service as keys
from tests.cases.helpers import make_case
from tests.processes import wait_until

ROOT = Path(__file__).resolve().parents[2]


def stafett(*args: str, db_url: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "HUB_DATABASE_URL": db_url, "COLUMNS": "250", **env}
    return subprocess.run([sys.executable, "-m", "hub.cli.main", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


def verify(db_url: str, *anchor_files: Path, **env: str) -> subprocess.CompletedProcess:
    return stafett("audit", "verify", *[a for f in anchor_files for a in ("--anchors", str(f))], db_url=db_url, **env)


def anchor(db_url: str, out: Path) -> int:
    done = stafett("audit", "anchor", "--out", str(out), db_url=db_url)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text().splitlines()[-1])["seq"]


def signed_head(file: Path) -> str:
    return json.loads(file.read_text().splitlines()[-1])["head"]


def activity(clinic, case_id: str, reads: int = 3) -> None:
    for _ in range(reads):
        assert clinic.get(f"/api/v1/cases/{case_id}").status_code == 200


def last_seq(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.max(AuditEvent.seq))).scalar_one()


def hash_at(engine, seq: int) -> str:
    with engine.connect() as conn:
        return conn.execute(select(AuditEvent.hash).where(AuditEvent.seq == seq)).scalar_one()


def cut_tail_and_move_head_back(engine, keep: int) -> None:
    """Delete every event after `keep` and set the head row to the last one kept: the chain is whole again."""
    with session_scope(engine) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq > keep))
        kept = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == keep))
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=keep, hash=kept))


def wipe(engine) -> None:
    with session_scope(engine) as session:
        session.execute(delete(AuditEvent))
        session.execute(delete(AuditHead))


def edit_and_rehash_forward(engine, seq: int, **changes) -> None:
    """Change row `seq`, then recompute it and every later row with the hub's own digest, and the head row."""
    with session_scope(engine) as session:
        prev = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq - 1)) or GENESIS
        for event in session.scalars(select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq)):
            if event.seq == seq:
                for name, value in changes.items():
                    setattr(event, name, value)
            event.prev_hash = prev
            event.hash = prev = event_digest(event)
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev))


def busy_hub(callers):
    clinic = callers.system("Haugesund helsestasjon", "health")
    case_id, _, _ = make_case(clinic)
    activity(clinic, case_id)
    return clinic, case_id


# --- an untampered hub ------------------------------------------------------------------------------------------


def test_an_untampered_hub_is_intact_against_its_anchors(callers, db_url, engine, tmp_path):
    clinic, case_id = busy_hub(callers)
    file = tmp_path / "anchors.jsonl"
    first = anchor(db_url, file)
    activity(clinic, case_id)
    second = anchor(db_url, file)
    activity(clinic, case_id, reads=2)
    done = verify(db_url, file)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "audit trail intact" in done.stdout and "reaches all 2 anchors" in done.stdout
    assert f"the newest of seq {second} " in done.stdout and f"{last_seq(engine) - second} events after it" in done.stdout
    assert first < second < last_seq(engine)
    lines = [json.loads(line) for line in file.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [first, second] and lines[1]["head"] == hash_at(engine, second)


def test_the_configured_anchor_file_is_used_without_naming_it(callers, db_url, engine, tmp_path):
    busy_hub(callers)
    file = tmp_path / "anchors.jsonl"
    anchor(db_url, file)
    cut_tail_and_move_head_back(engine, keep=2)
    done = verify(db_url, HUB_AUDIT_ANCHOR_FILE=str(file))
    assert done.returncode == 1 and "events missing" in done.stdout


# --- the three tamperings, each after an anchor -----------------------------------------------------------------


def test_a_deleted_tail_with_the_head_moved_back_is_found(callers, db_url, engine, tmp_path):
    _clinic, _case_id = busy_hub(callers)
    file = tmp_path / "anchors.jsonl"
    signed = anchor(db_url, file)
    keep = signed - 3
    cut_tail_and_move_head_back(engine, keep)
    assert verify(db_url).returncode == 0  # the chain alone cannot tell: what is left of it is whole
    done = verify(db_url, file)
    assert done.returncode == 1, done.stdout
    assert f"the chain ends at seq {keep} but the anchor of " in done.stdout
    assert f"signed seq {signed} with head {signed_head(file)[:16]}" in done.stdout
    assert "3 events missing" in done.stdout and "intact" not in done.stdout


def test_a_deleted_tail_is_found_even_after_the_hub_wrote_on(callers, db_url, engine, tmp_path):
    """The hub goes on writing after the cut: the numbers come back, but not the hashes the anchor signed."""
    clinic, case_id = busy_hub(callers)
    file = tmp_path / "anchors.jsonl"
    signed = anchor(db_url, file)
    cut_tail_and_move_head_back(engine, signed - 2)
    activity(clinic, case_id, reads=4)
    assert last_seq(engine) > signed
    done = verify(db_url, file)
    assert done.returncode == 1
    assert f"the chain no longer reaches the signed head of seq {signed}" in done.stdout and f"a row in seq 1..{signed}" in done.stdout


def test_wiped_audit_tables_are_found(callers, db_url, engine, tmp_path):
    busy_hub(callers)
    file = tmp_path / "anchors.jsonl"
    signed = anchor(db_url, file)
    wipe(engine)
    assert verify(db_url).returncode == 0  # an empty chain is a whole chain
    done = verify(db_url, file)
    assert done.returncode == 1, done.stdout
    assert "the audit tables are empty but an anchor exists" in done.stdout
    assert f"signed seq {signed} with head {signed_head(file)[:16]}" in done.stdout
    assert f"all {signed} events missing" in done.stdout


def test_an_edited_row_rehashed_forward_is_found_between_the_anchors_around_it(callers, db_url, engine, tmp_path):
    clinic, case_id = busy_hub(callers)
    file = tmp_path / "anchors.jsonl"
    before = anchor(db_url, file)
    activity(clinic, case_id)
    after = anchor(db_url, file)
    activity(clinic, case_id)
    edited = before + 2
    assert before < edited <= after
    edit_and_rehash_forward(engine, edited, reason="nobody read anything")
    assert verify(db_url).returncode == 0  # every row matches its hash and links to the one before: the chain is whole
    done = verify(db_url, file)
    assert done.returncode == 1, done.stdout
    assert f"the chain no longer reaches the signed head of seq {after}" in done.stdout
    assert f"a row in seq {before + 1}..{after} was changed and the chain re-hashed after it" in done.stdout
    assert "intact" not in done.stdout


# --- what anchors cannot see, and bad anchors ----------------------------------------------------------------------


def test_tampering_after_the_last_anchor_is_not_seen_and_verify_says_how_much_is_uncovered(callers, db_url, engine, tmp_path):
    clinic, case_id = busy_hub(callers)
    file = tmp_path / "anchors.jsonl"
    signed = anchor(db_url, file)
    activity(clinic, case_id, reads=4)
    edit_and_rehash_forward(engine, signed + 2, reason="rewritten after the anchor")
    done = verify(db_url, file)
    assert done.returncode == 0  # the limit: an anchor vouches for the chain up to its own seq, not after
    assert f"the newest of seq {signed} " in done.stdout and f"{last_seq(engine) - signed} events after it are vouched for by no anchor" in done.stdout


def test_an_altered_or_foreign_anchor_is_refused(callers, db_url, engine, tmp_path, make_hub):
    busy_hub(callers)
    file = tmp_path / "anchors.jsonl"
    anchor(db_url, file)
    line = json.loads(file.read_text())
    header, payload, signature = line["anchor"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["seq"] = 1
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    altered = tmp_path / "altered.jsonl"
    altered.write_text(json.dumps({**line, "anchor": f"{header}.{forged}.{signature}"}) + "\n")
    done = verify(db_url, altered)
    assert done.returncode == 1 and "BAD ANCHOR" in done.stdout and "does not verify" in done.stdout
    # An anchor of another hub (its own signing key) does not vouch for this one.
    _, other = make_hub()
    other_settings = Settings(database_url=other.engine.url.render_as_string(hide_password=False))
    with session_scope(other.engine) as session:
        keys.rotate(session, use="sig", settings=other_settings)  # test hubs start as copies of one template
        audit.record(session, principal=None, action="test.other-hub")
    with session_scope(other.engine) as session:
        foreign = anchors.sign_head(session, settings=other_settings)
    strange = tmp_path / "foreign.jsonl"
    anchors.append(strange, foreign)
    done = verify(db_url, strange)
    assert done.returncode == 1 and "which is not among the keys it is checked against" in done.stdout


def test_anchor_refuses_a_head_row_that_its_last_event_does_not_match(callers, db_url, engine, tmp_path):
    busy_hub(callers)
    with session_scope(engine) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == last_seq(engine)))
    file = tmp_path / "anchors.jsonl"
    done = stafett("audit", "anchor", "--out", str(file), db_url=db_url)
    assert done.returncode == 1 and "no anchor was signed" in done.stdout and not file.exists()


# --- the worker --------------------------------------------------------------------------------------------------


def anchored_seqs(file: Path) -> list[int]:
    return [json.loads(line)["seq"] for line in file.read_text().splitlines()] if file.exists() else []


def test_the_worker_anchors_the_chain_at_intervals_while_it_grows(callers, db_url, engine, tmp_path):
    clinic, case_id = busy_hub(callers)
    file = tmp_path / "worker" / "anchors.jsonl"
    env = {"HUB_AUDIT_ANCHOR_FILE": str(file)}
    assert stafett("worker", "--once", db_url=db_url, **env).returncode == 0
    assert anchored_seqs(file) == [last_seq(engine)]
    assert stafett("worker", "--once", db_url=db_url, **env).returncode == 0
    assert anchored_seqs(file) == [last_seq(engine)]  # the head has not moved: nothing new to sign

    environment = {**os.environ, "HUB_DATABASE_URL": db_url, **env, "HUB_AUDIT_ANCHOR_SECONDS": "0.2"}
    worker = subprocess.Popen([sys.executable, "-m", "hub.cli.main", "worker"], cwd=ROOT, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(2):
            activity(clinic, case_id, reads=2)
            grown = last_seq(engine)
            wait_until(lambda grown=grown: grown in anchored_seqs(file), timeout=30, what=f"an anchor of seq {grown}")
    finally:
        worker.terminate()
        assert worker.wait(timeout=20) == 0, worker.stderr.read().decode()[-2000:]
    seqs = anchored_seqs(file)
    assert seqs == sorted(set(seqs)) and len(seqs) >= 3
    done = verify(db_url, file)
    assert done.returncode == 0 and f"reaches all {len(seqs)} anchors" in done.stdout
