"""The matcher through the real ingest: a school's SIF AU student (the real example: only school ids, no national id)
and a clinic's FHIR Patient with a fødselsnummer and a typo in the given name are one child; twins and a namesake born
the same day in another municipality are two children, at most a review.
"""

from __future__ import annotations

from datetime import date

from adapters.sif_au.constants import LOCALID_STUDENT
from hub.canonical.vocab import FNR_SYSTEM
from tests.identity.helpers import child_count, child_with, fnr, patient, push_patient
from tests.school_pull.helpers import push
from tests.shared_data import require_shared

SCOPES = ("ingest", "case.read", "case.write")
ADDRESS = {"line": ["Storgata 12"], "postalCode": "5525", "city": "Haugesund"}


def test_sif_student_and_fhir_patient_with_a_typo_are_one_child(callers, engine):
    clinic = callers.system("Haugesund helsestasjon", "health", scopes=SCOPES)
    school = callers.system("Skåredalen skole", "school", scopes=SCOPES)
    number = fnr(date(1990, 9, 26))
    # the clinic knows the child by fødselsnummer, and misspells "Fred" (the SIF example's student)
    push_patient(clinic, patient("Fredd", "Smith", "1990-09-26", "male", identifiers=((FNR_SYSTEM, number),)))
    child_id = child_with(engine, FNR_SYSTEM, number)
    assert child_id is not None
    sif = require_shared("sif-au", "examples", "StudentPersonal__1.xml").read_bytes()
    report = push(school, "sif-au", sif)
    assert report["children"] == [str(child_id)]
    assert child_count(engine) == 1
    # the school's ids are the child's now: both of its ids find the one child
    found = school.get("/api/v1/children", params={"identifier": f"{LOCALID_STUDENT}|S1234567"}).json()
    assert [c["id"] for c in found] == [str(child_id)]
    by_fnr = school.get("/api/v1/children", params={"identifier": f"{FNR_SYSTEM}|{number}"}).json()
    assert [c["id"] for c in by_fnr] == [str(child_id)]
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    assert admin.get("/api/v1/identity/reviews").json() == []


def test_twins_are_two_children_and_a_review(callers, engine):
    clinic = callers.system("Haugesund helsestasjon", "health", scopes=SCOPES)
    kindergarten = callers.system("Solsikken barnehage", "kindergarten", scopes=SCOPES)
    ola = fnr(date(2019, 5, 3))
    push_patient(clinic, patient("Ola", "Nordmann", "2019-05-03", "male", identifiers=((FNR_SYSTEM, ola),), address=ADDRESS))
    # his twin brother: same birth date, family name and address, another given name, no national id yet
    push_patient(kindergarten, patient("Ole", "Nordmann", "2019-05-03", "male", identifiers=(("urn:test:kindergarten", "k-17"),),
                                       address=ADDRESS))
    first, second = child_with(engine, FNR_SYSTEM, ola), child_with(engine, "urn:test:kindergarten", "k-17")
    assert first is not None and second is not None and first != second
    assert child_count(engine) == 2
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    [review] = admin.get("/api/v1/identity/reviews").json()
    assert {review["child"]["id"], review["candidate"]["id"]} == {str(first), str(second)}
    assert "given name" not in review["agreed"] and "birth date" in review["agreed"]


def test_twins_with_their_own_fodselsnummer_are_two_children(callers, engine):
    clinic = callers.system("Haugesund helsestasjon", "health", scopes=SCOPES)
    ola, kari = fnr(date(2019, 5, 3)), fnr(date(2019, 5, 3), individual=520)
    push_patient(clinic, patient("Ola", "Nordmann", "2019-05-03", "male", identifiers=((FNR_SYSTEM, ola),), address=ADDRESS))
    push_patient(clinic, patient("Ola", "Nordmann", "2019-05-03", "male", identifiers=((FNR_SYSTEM, kari),), address=ADDRESS))
    assert child_with(engine, FNR_SYSTEM, ola) != child_with(engine, FNR_SYSTEM, kari)
    assert child_count(engine) == 2


def test_a_namesake_born_the_same_day_in_another_municipality_is_not_linked(callers, engine):
    haugesund = callers.system("Haugesund helsestasjon", "health", scopes=SCOPES)
    tysvaer = callers.system("Tysvær helsestasjon", "health", kommune="1146", scopes=SCOPES)
    emma = fnr(date(2018, 11, 2))
    push_patient(haugesund, patient("Emma", "Hansen", "2018-11-02", "female", identifiers=((FNR_SYSTEM, emma),)))
    push_patient(tysvaer, patient("Emma", "Hansen", "2018-11-02", "female", identifiers=(("urn:test:tysvaer", "t-1"),)))
    assert child_count(engine) == 2
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    [review] = admin.get("/api/v1/identity/reviews").json()
    assert review["held_back"] == "another municipality"


def test_the_same_child_in_the_same_municipality_is_linked(callers, engine):
    # the counterpart of the namesake: the same pushes from one municipality link (sex and municipality agree)
    clinic = callers.system("Haugesund helsestasjon", "health", scopes=SCOPES)
    physio = callers.system("Haugesund fysioterapi", "health", scopes=SCOPES)
    emma = fnr(date(2018, 11, 2))
    push_patient(clinic, patient("Emma", "Hansen", "2018-11-02", "female", identifiers=((FNR_SYSTEM, emma),)))
    push_patient(physio, patient("Emma", "Hansen", "2018-11-02", "female", identifiers=(("urn:test:physio", "f-1"),)))
    assert child_count(engine) == 1
    assert child_with(engine, "urn:test:physio", "f-1") == child_with(engine, FNR_SYSTEM, emma)
