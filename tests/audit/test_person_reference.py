"""Person references in the audit trail are HMAC-SHA256 under the hub's audit key (kept outside the database): the
fødselsnummer a guardian logged in with can no longer be read back from the stored value by trying every number of
their birth date, as it could from the unkeyed digest; two hubs with different keys store different references.
Rows from before the keyed scheme keep their marker (scheme 1) and verify as written.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import select

from hub.audit.models import GENESIS, AuditEvent
from hub.audit.service import SCHEME, check_chain, event_digest, person_reference
from hub.canonical.vocab import FNR_SYSTEM
from hub.db.engine import session_scope
from hub.db.migrate import downgrade, upgrade
from tests.conftest import TEST_SECRETS
from tests.family.test_guardians import CHILD, MOTHER

OTHER_KEY = base64.b64encode(b"another hub's audit key, 32 byte").decode()


def fnr_candidates(birth: str) -> list[str]:
    """Every fødselsnummer of a birth date (ddmmyy) with valid check digits: the whole space an attacker must try."""
    found = []
    for individual in range(1000):
        digits = [int(c) for c in f"{birth}{individual:03d}"]
        k1 = 11 - sum(d * w for d, w in zip(digits, (3, 7, 6, 1, 8, 9, 4, 5, 2))) % 11
        k1 = 0 if k1 == 11 else k1
        if k1 == 10:
            continue
        k2 = 11 - sum(d * w for d, w in zip([*digits, k1], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))) % 11
        k2 = 0 if k2 == 11 else k2
        if k2 != 10:
            found.append(f"{birth}{individual:03d}{k1}{k2}")
    return found


def unkeyed_digests(national_id: str) -> set[str]:
    return {
        hashlib.sha256(f"stafett-person:{national_id}".encode()).hexdigest(),  # the scheme before revision 0011
        hashlib.sha256(national_id.encode()).hexdigest(),
        hashlib.sha512(national_id.encode()).hexdigest()[:64],
    }


def brute_force(reference: str, birth: str) -> list[str]:
    return [c for c in fnr_candidates(birth) if reference in unkeyed_digests(c)]


def guardian_reads(clinic, person) -> None:
    child = clinic.post("/api/v1/children", json={
        "identifiers": [{"system": FNR_SYSTEM, "value": CHILD}], "birth_date": "2019-02-04",
        "guardians": [{"national_id": MOTHER, "relation": "parent", "parental_responsibility": "felles", "may_see_log": True}],
    })
    assert child.status_code == 201, child.text
    case = clinic.post("/api/v1/cases", json={"child_id": child.json()["id"], "municipality": "1106", "coordinator": {"person_name": "Hanne", "organization_id": clinic.org}})
    assert case.status_code == 201, case.text
    # the mother's log access, asked for at registration, is confirmed by the case's coordinator (the clinic)
    mother = child.json()["guardians"][0]["id"]
    assert clinic.post(f"/api/v1/cases/{case.json()['id']}/guardians/{mother}/log-access", json={"may_see_log": True}).status_code == 200
    mine = person.get("/api/v1/me/children")
    assert mine.status_code == 200 and mine.json() != []


def stored_references(engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.person_hash, AuditEvent.scheme).where(AuditEvent.actor_kind == "person")).all()
    assert rows and {scheme for _, scheme in rows} == {SCHEME}
    return {reference for reference, _ in rows}


def test_a_guardians_national_id_cannot_be_read_back_from_the_audit_trail(callers, engine, make_hub):
    assert MOTHER in brute_force(hashlib.sha256(f"stafett-person:{MOTHER}".encode()).hexdigest(), MOTHER[:6])  # the old attack
    assert len(fnr_candidates(MOTHER[:6])) > 800  # a few hundred tries: milliseconds

    guardian_reads(callers.system("Haugesund helsestasjon", "health"), callers.person(MOTHER))
    (here,) = stored_references(engine)
    assert brute_force(here, MOTHER[:6]) == []
    assert here == person_reference(base64.b64decode(TEST_SECRETS["HUB_AUDIT_HMAC_KEY"]), MOTHER)  # the key links it

    _, other = make_hub(audit_hmac_key=OTHER_KEY)
    guardian_reads(other.system("Haugesund helsestasjon", "health"), other.person(MOTHER))
    (there,) = stored_references(other.engine)
    assert there != here and brute_force(there, MOTHER[:6]) == []
    assert there == person_reference(base64.b64decode(OTHER_KEY), MOTHER)


def test_rows_from_before_the_keyed_scheme_keep_their_marker_and_verify(db_url, engine, callers):
    """Events written before revision 0011 (an unkeyed person reference, no scheme column) are marked scheme 1 by the
    migration and verify as they were written; new events chain on to them under scheme 2."""
    downgrade(db_url, "0010")
    old = sa.table("audit_event", *(sa.column(c.key, c.type) for c in AuditEvent.__table__.columns if c.key != "scheme"))
    prev, rows = GENESIS, []
    for seq in (1, 2, 3):
        event = AuditEvent(
            seq=seq, id=uuid.uuid4(), occurred_at=datetime.now(UTC), actor_kind="person", client_id=None, organization_id=None,
            person_hash=hashlib.sha256(f"stafett-person:{MOTHER}".encode()).hexdigest(), action="me.children", child_id=None,
            case_id=None, entry_ids=[], purpose=None, outcome="permit", reason=None, prev_hash=prev,
        )
        event.hash = prev = event_digest(event)
        rows.append({c.key: getattr(event, c.key) for c in old.columns})
    with engine.begin() as conn:
        conn.execute(old.insert(), rows)
        conn.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 3, :h)"), {"h": prev})
    upgrade(db_url)
    with session_scope(engine) as session:
        assert session.scalars(select(AuditEvent.scheme).order_by(AuditEvent.seq)).all() == [1, 1, 1]
        report = check_chain(session)
        assert report.problems == [] and report.legacy_events == 3
    guardian_reads(callers.system("Haugesund helsestasjon", "health"), callers.person(MOTHER))  # new rows: scheme 2
    with session_scope(engine) as session:
        schemes = session.scalars(select(AuditEvent.scheme).order_by(AuditEvent.seq)).all()
        report = check_chain(session)
    assert schemes[:3] == [1, 1, 1] and set(schemes[3:]) == {2} and report.problems == [] and report.events == len(schemes)
