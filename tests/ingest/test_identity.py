"""Identity resolution through the real pipeline: national ids and shared identifiers link, a D-nummer child who
gets a fødselsnummer stays one child, and name + birth date alone only puts a pair on the review list.
"""

from datetime import date

from hub.canonical import ChildRecord, EntryRecord, HumanName, Identifier, ParsedBatch
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, Category, EntryKind
from hub.children.models import Child
from tests.ingest.helpers import write_batch


def batch(*children, entries=()):
    return ParsedBatch(format="test", mapping_version="test/1", children=list(children), entries=list(entries))


def child(sid, *identifiers, name=("Emma", "Hansen"), born=date(2019, 2, 4)):
    return ChildRecord(
        source_id=sid,
        identifiers=[Identifier(system=s, value=v) for s, v in identifiers],
        names=[HumanName(given=[name[0]], family=name[1])],
        birth_date=born,
    )


def note(sid, child_ref, text="x"):
    return EntryRecord(source_id=sid, child_ref=child_ref, kind=EntryKind.note, category=Category.health, text=text)


def test_d_nummer_then_fodselsnummer_stays_one_child(session):
    first = write_batch(session, batch(child("p1", (DNR_SYSTEM, "41667987421")), entries=[note("e1", "p1")]), source_system="a")
    second = write_batch(
        session,
        batch(child("p9", (DNR_SYSTEM, "41667987421"), (FNR_SYSTEM, "04021950128")), entries=[note("e2", "p9")]),
        source_system="b",
    )
    third = write_batch(session, batch(child("x", (FNR_SYSTEM, "04021950128")), entries=[note("e3", "x")]), source_system="c")
    assert first.children == second.children == third.children
    assert first.cases == second.cases == third.cases  # everything on one case
    assert third.cases_opened == []
    stored = session.get(Child, first.children[0])
    assert {(i.system, i.value) for i in stored.identifiers} == {(DNR_SYSTEM, "41667987421"), (FNR_SYSTEM, "04021950128")}
    assert session.query(Child).count() == 1


def test_shared_other_identifier_links(session):
    a = write_batch(session, batch(child("s1", ("urn:sif:au:refid:StudentPersonal", "ABC"))), source_system="school")
    b = write_batch(session, batch(child("s2", ("urn:sif:au:refid:StudentPersonal", "ABC"), ("urn:school:local", "77"))), source_system="other")
    assert a.children == b.children
    assert session.query(Child).count() == 1


def test_name_and_birth_date_alone_is_not_merged_but_reviewed(callers, session):
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    a = write_batch(session, batch(child("k1", (FNR_SYSTEM, "04021950128"), name=("Émma", "Hansen"))), source_system="a")
    b = write_batch(session, batch(child("k2", ("urn:kindergarten:local", "9"), name=("emma", "HANSEN"))), source_system="b")
    assert a.children != b.children
    assert session.query(Child).count() == 2
    reviews = admin.get("/api/v1/identity/review").json()
    assert len(reviews) == 1
    assert reviews[0]["child_id"] == str(b.children[0]) and reviews[0]["candidate_child_id"] == str(a.children[0])
    assert "name and birth date" in reviews[0]["reason"]
    assert b.identity_reviews == [reviews[0]["id"]] or [str(r) for r in b.identity_reviews] == [reviews[0]["id"]]


def test_different_birth_date_is_not_a_review(callers, session):
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    write_batch(session, batch(child("k1", (FNR_SYSTEM, "04021950128"))), source_system="a")
    write_batch(session, batch(child("k2", ("urn:x", "1"), born=date(2019, 2, 5))), source_system="b")
    assert admin.get("/api/v1/identity/review").json() == []


def test_resend_from_same_source_finds_the_child_without_identifiers(session):
    unborn = ChildRecord(source_id="u1", unborn=True)
    a = write_batch(session, batch(unborn, entries=[note("e1", "u1")]))
    b = write_batch(session, batch(unborn, entries=[note("e1", "u1")]))
    assert a.children == b.children and b.unchanged == 2 and b.created == 0


def test_school_local_ids_never_link_children_of_different_schools(session):
    local = "urn:sif:au:localid:StudentPersonal"
    a = write_batch(session, batch(child("s1", (local, "1001"), name=("Ada", "A"))), source_system="school-a")
    b = write_batch(session, batch(child("s1", (local, "1001"), name=("Bo", "B"))), source_system="school-b")
    assert a.children != b.children
    assert any("local identifier" in w.message for w in b.warnings)
    again = write_batch(session, batch(child("s1", (local, "1001"), name=("Ada", "A"))), source_system="school-a")
    assert again.children == a.children
