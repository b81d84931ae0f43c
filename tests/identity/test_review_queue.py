"""The review queue acts: possible duplicates listed with both children side by side; dismiss (never suggested again)
and merge (one child), then unmerge (both children as they were, an entry that came in between with its own child);
each decision audited for both children with who decided.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from hub.audit.models import AuditEvent
from hub.canonical.vocab import FNR_SYSTEM
from hub.cases.models import Case, Entry
from hub.db.engine import session_scope
from tests.fhir.helpers import observation, post_bundle, transaction
from tests.identity.helpers import child_count, child_with, fnr, patient, push_patient

SCOPES = ("ingest", "case.read", "case.write")
EMMA = fnr(date(2018, 11, 2))


def push_with_weight(caller, resource: dict, oid: str, value: float) -> dict:
    url = f"urn:uuid:{uuid.uuid4()}"
    bundle = transaction({**resource, "_url": url}, {**observation(url, oid=oid, value=value), "_url": f"urn:uuid:{uuid.uuid4()}"},
                         if_none_exist=False)
    response = post_bundle(caller, bundle, url="/api/v1/ingest/fhir-r4")
    assert response.status_code == 200, response.text
    return response.json()


def emma(system: str, value: str) -> dict:
    resource = patient("Emma", "Hansen", "2018-11-02", "female", identifiers=((system, value),))
    resource["id"] = value  # one source id per source: a re-send is the same record
    return resource


def two_emmas(callers):
    """Emma in Haugesund (fødselsnummer, a weight) and a namesake record in Tysvær (a local id, a weight): a review."""
    haugesund = callers.system("Haugesund helsestasjon", "health", scopes=SCOPES)
    tysvaer = callers.system("Tysvær helsestasjon", "health", kommune="1146", scopes=SCOPES)
    admin = callers.system("Kommunens driftsadministrator", "municipality", scopes=("admin",))
    push_with_weight(haugesund, emma(FNR_SYSTEM, EMMA), "w1", 14.0)
    push_with_weight(tysvaer, emma("urn:test:tysvaer", "t-1"), "w2", 14.5)
    [review] = admin.get("/api/v1/identity/reviews").json()
    return haugesund, tysvaer, admin, review


def audit_of(engine, action: str) -> list[AuditEvent]:
    with session_scope(engine, write=False) as session:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))
        session.expunge_all()
        return rows


def test_the_list_shows_both_children_side_by_side(callers, engine):
    _, _, _, review = two_emmas(callers)
    child, candidate = review["child"], review["candidate"]
    assert candidate["id"] == str(child_with(engine, FNR_SYSTEM, EMMA))
    assert child["id"] == str(child_with(engine, "urn:test:tysvaer", "t-1"))
    assert {"system": FNR_SYSTEM, "value": EMMA} in candidate["identifiers"]
    assert child["names"][0]["given"] == ["Emma"] and child["birth_date"] == candidate["birth_date"] == "2018-11-02"
    assert [s["source_format"] for s in child["sources"]] == ["fhir-r4"]
    assert {"given name", "family name", "birth date", "sex"} <= set(review["agreed"])
    assert review["score"] >= 10 and review["held_back"] == "another municipality"
    assert audit_of(engine, "identity.review")  # the listing itself is audited by the read door


def test_a_dismissed_pair_is_not_suggested_again(callers, engine):
    haugesund, _, admin, review = two_emmas(callers)
    answer = admin.post(f"/api/v1/identity/reviews/{review['id']}/dismiss")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "dismissed" and answer.json()["decided_by"] == f"client:{admin.client_id}"
    assert admin.get("/api/v1/identity/reviews").json() == []
    [first, second] = audit_of(engine, "identity.review.dismiss")
    assert {first.child_id, second.child_id} == {uuid.UUID(review["child"]["id"]), uuid.UUID(review["candidate"]["id"])}
    assert first.client_id == admin.client_id and first.organization_id == admin.organization_id
    # a record that names both children's identifiers would put the pair on the list: not once dismissed
    both = patient("Emma", "Hansen", "2018-11-02", "female", identifiers=((FNR_SYSTEM, EMMA), ("urn:test:tysvaer", "t-1")))
    push_patient(haugesund, both)
    assert admin.get("/api/v1/identity/reviews").json() == []
    assert admin.post(f"/api/v1/identity/reviews/{review['id']}/dismiss").status_code == 409  # decided already


def canonical(engine, child_id: str) -> dict:
    """A child's canonical content as the hub holds it: its shown columns, identifiers, guardians, cases and entries."""
    from hub.children.models import Child

    with session_scope(engine, write=False) as session:
        child = session.get(Child, uuid.UUID(child_id))
        cases = list(session.scalars(select(Case).where(Case.child_id == child.id)))
        entries = list(session.scalars(select(Entry).where(Entry.case_id.in_([c.id for c in cases])))) if cases else []
        return {
            "shown": {c: getattr(child, c) for c in ("names", "birth_date", "sex", "address", "kommunenummer", "name_key",
                                                      "extra", "registered_by_organization_id", "merged_into_id")},
            "identifiers": sorted((i.system, i.value) for i in child.identifiers),
            "guardians": sorted(str(g.id) for g in child.guardians),
            "cases": sorted(str(c.id) for c in cases),
            "entries": sorted(str(e.id) for e in entries),
        }


def test_merge_then_unmerge_returns_both_children_as_they_were(callers, engine):
    haugesund, tysvaer, admin, review = two_emmas(callers)
    kept, other = review["candidate"]["id"], review["child"]["id"]
    before = {kept: canonical(engine, kept), other: canonical(engine, other)}
    # and as each service reads it (the answer's bytes)
    read_before = (haugesund.get(f"/api/v1/children/{kept}").content, tysvaer.get(f"/api/v1/children/{other}").content)
    merged = admin.post(f"/api/v1/identity/reviews/{review['id']}/merge", json={"keep": kept})
    assert merged.status_code == 200, merged.text
    assert merged.json()["kept_child_id"] == kept and merged.json()["status"] == "merged"
    # one child: the Tysvær record's id finds the kept child, which holds both cases
    assert child_with(engine, "urn:test:tysvaer", "t-1") == uuid.UUID(kept)
    after_merge = canonical(engine, kept)
    assert set(after_merge["cases"]) == set(before[kept]["cases"]) | set(before[other]["cases"])
    assert canonical(engine, other)["cases"] == [] and canonical(engine, other)["shown"]["merged_into_id"] == uuid.UUID(kept)
    assert child_count(engine) == 2  # the merged child's row stays, for the unmerge
    # Tysvær sends another weight while the two are one
    push_with_weight(tysvaer, emma("urn:test:tysvaer", "t-1"), "w3", 15.0)
    assert len(canonical(engine, kept)["entries"]) == len(after_merge["entries"]) + 1
    undone = admin.post(f"/api/v1/children/{other}/unmerge")
    assert undone.status_code == 200, undone.text
    assert undone.json() == {"restored_child_id": other}
    assert canonical(engine, kept) == before[kept]
    restored = canonical(engine, other)
    new_entries = set(restored["entries"]) - set(before[other]["entries"])
    assert len(new_entries) == 1  # the weight that came in between is with the child its source belongs to
    assert {**restored, "entries": before[other]["entries"]} == before[other]
    assert child_with(engine, "urn:test:tysvaer", "t-1") == uuid.UUID(other)
    assert (haugesund.get(f"/api/v1/children/{kept}").content, tysvaer.get(f"/api/v1/children/{other}").content) == read_before
    for action in ("identity.merge", "identity.unmerge"):
        events = audit_of(engine, action)
        assert {e.child_id for e in events} == {uuid.UUID(kept), uuid.UUID(other)}
        assert {e.client_id for e in events} == {admin.client_id}
    assert admin.post(f"/api/v1/children/{other}/unmerge").status_code == 409  # nothing left to undo


def test_decisions_need_the_admin_scope(callers):
    haugesund, _, _, review = two_emmas(callers)
    assert haugesund.get("/api/v1/identity/reviews").status_code == 403
    assert haugesund.post(f"/api/v1/identity/reviews/{review['id']}/merge").status_code == 403
    assert haugesund.post(f"/api/v1/identity/reviews/{review['id']}/dismiss").status_code == 403
    assert haugesund.post(f"/api/v1/children/{review['child']['id']}/unmerge").status_code == 403
