"""Every SIF AU example of the object kinds the hub reads, pushed by a school through POST /api/v1/ingest/sif-au:
the mapped values are in the hub (child, guardians, entries, measures, the school), and a re-send changes nothing.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from adapters.sif_au.constants import LOCALID_STUDENT, REFID_SCHOOL, REFID_STUDENT, STATE_PROVINCE_ID
from hub.children.models import Child
from hub.db.engine import session_scope
from hub.organizations.models import Organization
from tests.adapters.sif_au.samples import combined_document
from tests.ingest.helpers import row_counts
from tests.school_pull.helpers import push
from tests.shared_data import require_shared, shared_files

KINDS = ("StudentPersonal", "StudentContactPersonal", "StudentContactRelationship", "StudentSchoolEnrollment",
         "StudentAttendanceSummary", "PersonalisedPlan", "Wellbeing")
EXAMPLES = [p for p in shared_files("sif-au", "examples", pattern="*.xml") if p.name.startswith(KINDS)]


@pytest.fixture
def school(callers):
    return callers.system("Skåredalen skole", "school", scopes=("ingest", "case.read"))


def example(name: str) -> bytes:
    return require_shared("sif-au", "examples", f"{name}.xml").read_bytes()


def ingest(school, name: str) -> tuple[dict, dict]:
    """Push one example; the report and the one case it touched, as the school reads it."""
    report = push(school, "sif-au", example(name))
    (case_id,) = report["cases"]
    return report, school.get(f"/api/v1/cases/{case_id}").json()


def child_of(school, case: dict) -> dict:
    return school.get(f"/api/v1/children/{case['child_id']}").json()


def test_every_example_ingests_and_a_resend_changes_nothing(school, engine):
    assert len(EXAMPLES) >= 13, [p.name for p in EXAMPLES]
    for path in EXAMPLES:
        first = push(school, "sif-au", path.read_bytes())
        assert first["archived"] is True
        assert first["created"] + first["updated"] > 0 or first["not_mapped"], path.name
        before = row_counts(engine)
        again = push(school, "sif-au", path.read_bytes())
        assert row_counts(engine) == before, path.name
        assert (again["created"], again["updated"], again["archived"]) == (0, 0, False), path.name


def test_student_personal(school):
    report, case = ingest(school, "StudentPersonal__1")
    assert len(report["cases_opened"]) == 1 and case["municipality"] == "1106"  # the sender's municipality
    child = child_of(school, case)
    ids = {i["system"]: i["value"] for i in child["identifiers"]}
    assert ids[REFID_STUDENT] == "7C834EA9-EDA1-2090-347F-83297E1C290C"
    assert (ids[LOCALID_STUDENT], ids[STATE_PROVINCE_ID]) == ("S1234567", "ABC1234")
    assert next((n["given"], n["family"], n["use"]) for n in child["names"]) == (["Fred"], "Smith", "official")
    assert (child["birth_date"], child["sex"], child["languages"]) == ("1990-09-26", "male", ["ascl:0001"])
    alerts = {e["text"]: e for e in case["entries"]}
    assert len(case["entries"]) == 3 and all(e["kind"] == "alert" for e in case["entries"])
    peanut = alerts["Student has Peanut Allergy"]
    assert (peanut["kind"], peanut["category"], peanut["sensitivity"]) == ("alert", "health", "sensitive")
    legal = alerts["Mother is legal guardian"]
    assert (legal["category"], legal["payload"]["type"], legal["source_format"]) == ("education", "Legal", "sif-au")


def test_contact_relationship_gives_a_guardian_with_flags(school, engine):
    """A relationship alone names no case content: the child and guardian are stored, no case is opened (and the
    report counts the child without naming it: the school takes part in none of its cases)."""
    report = push(school, "sif-au", example("StudentContactRelationship__1"))
    assert report["cases"] == [] and report["children"] == [] and report["children_not_listed"] == 1
    with session_scope(engine, write=False) as session:
        (child,) = session.scalars(select(Child)).all()
        assert [(i.system, i.value) for i in child.identifiers] == [(REFID_STUDENT, "DEE34B35-9D75-101A-8C3D-00AA001A1652")]
        (guardian,) = child.guardians
        assert (guardian.relation, guardian.parental_responsibility.value, guardian.may_see_log) == ("Parent", "felles", False)
        assert guardian.extra["sif_contact_flags"]["PickupRights"] == "Y"
        assert guardian.extra["sif_households"] == ["FamilyA", "FamilyB"] and guardian.source_format == "sif-au"


def test_contact_personal_alone_is_reported_and_stores_only_the_raw_payload(school, engine):
    before = row_counts(engine)
    report = push(school, "sif-au", example("StudentContactPersonal__1"))
    assert report["children"] == [] and report["cases"] == []
    assert any("no child to attach" in n["reason"] for n in report["not_mapped"])
    after = row_counts(engine)
    assert {t: after[t] - before[t] for t in after if after[t] != before[t]} == {"source_record": 1}


def test_contact_personal_with_its_relationship_gives_a_named_guardian(school):
    report = push(school, "sif-au", combined_document("StudentContactPersonal__1", "StudentContactRelationship__1"))
    case = school.get(f"/api/v1/cases/{report['cases'][0]}").json()
    (guardian,) = child_of(school, case)["guardians"]
    assert guardian["names"][0]["given"] == ["Fred"] and guardian["names"][0]["family"] == "Smith"
    assert {("email", "fsmith@yahoo.com"), ("phone", "03 9637-2289")} <= {(c["system"], c["value"]) for c in guardian["contact"]}


def test_enrolment_makes_the_school_a_participant(school, engine):
    _, case = ingest(school, "StudentSchoolEnrollment__1")
    (entry,) = case["entries"]
    assert (entry["kind"], entry["category"], entry["sensitivity"]) == ("enrolment", "education", "sensitive")
    assert entry["occurred_at"].startswith("2004-01-28T23:00:00")  # 2004-01-29 in Europe/Oslo
    assert (entry["payload"]["year_level"], entry["payload"]["school_year"]) == ("10", "2004")
    roles = {p["role"]: p["organization_id"] for p in case["participants"]}
    assert roles["source"] == school.org and roles["school"] == entry["author_organization_id"]
    with session_scope(engine, write=False) as session:
        org = session.get(Organization, uuid.UUID(roles["school"]))
        assert org.sector.value == "school"
        assert [(i.system, i.value) for i in org.identifiers] == [(REFID_SCHOOL, "D3E34B35-9D75-101A-8C3D-00AA001A1651")]
        assert session.scalar(select(Organization).where(Organization.id == school.organization_id)).name == "Skåredalen skole"


def test_attendance_summary(school):
    _, case = ingest(school, "StudentAttendanceSummary__1")
    (entry,) = case["entries"]
    assert (entry["kind"], entry["category"], entry["sensitivity"]) == ("attendance", "education", "normal")
    p = entry["payload"]
    assert (p["days_attended"], p["days_absent"], p["days_in_membership"]) == (178, 2, 180)
    assert entry["text"] == "Attended 178 of 180 days, 2 absent (2014-08-30 to 2015-06-10)"


def test_personalised_plan(school):
    _, case = ingest(school, "PersonalisedPlan__1")
    (entry,) = case["entries"]
    assert (entry["kind"], entry["category"], entry["sensitivity"]) == ("document", "health", "sensitive")
    assert entry["text"] == "This Student is allergic to cashews."
    assert [(c["code"], c["display"]) for c in entry["codes"]] == [("M", "Medical")]
    assert entry["payload"]["review_date"] == "2018-11-10"


def test_wellbeing_characteristic_alert_and_event(school):
    _, case = ingest(school, "WellbeingCharacteristic__1")
    (entry,) = case["entries"]
    assert (entry["kind"], entry["category"], entry["sensitivity"], entry["text"]) == (
        "observation", "education", "sensitive", "This Student has a special need.")
    _, case = ingest(school, "WellbeingAlert__1")
    alert = next(e for e in case["entries"] if e["payload"].get("sif_object") == "WellbeingAlert")
    assert (alert["kind"], alert["category"], alert["text"]) == ("alert", "health", "This Student is allergic to peanuts")
    _, case = ingest(school, "WellbeingEvent__1")
    event = next(e for e in case["entries"] if e["payload"].get("sif_object") == "WellbeingEvent")
    assert event["kind"] == "observation" and event["codes"][0]["display"] == "Positive"
    assert event["occurred_at"].startswith("2017-10-31T23:00:00")


def test_wellbeing_response_is_a_measure_and_appeal_a_decision(school):
    _, case = ingest(school, "WellbeingResponse__1")
    (measure,) = case["measures"]
    assert (measure["description"], measure["status"], measure["start_date"], measure["end_date"]) == (
        "This Student is to be withdrawn.", "completed", "2017-11-01", "2017-11-10")
    assert (measure["category"], measure["codes"][0]["display"]) == ("education", "Suspension")
    assert case["entries"] == []
    _report, case = ingest(school, "WellbeingAppeal__1")
    appeal = next(e for e in case["entries"] if e["payload"].get("sif_object") == "WellbeingAppeal")
    assert (appeal["kind"], appeal["payload"]["status"], appeal["codes"][0]["display"]) == ("decision", "SU", "Successful")


def test_wellbeing_person_link_resent_with_a_change_is_a_new_version(school):
    """WellbeingPersonLink__2 is __1 (same RefId) with HowInvolved changed: a correction, not a second entry."""
    first, case = ingest(school, "WellbeingPersonLink__1")
    child = child_of(school, case)
    assert [i["value"] for i in child["identifiers"]] == ["D3E34B35-9D75-101A-8C3D-00AA001A1652"]
    (original,) = case["entries"]
    assert (original["kind"], original["payload"]["how_involved"], original["version"]) == ("note", "Victim", 1)
    assert original["payload"]["follow_up_details"] == ["Parent's notified"]
    second, case = ingest(school, "WellbeingPersonLink__2")
    assert (second["children"], second["created"], second["updated"]) == (first["children"], 0, 1)
    (current,) = case["entries"]
    assert (current["payload"]["how_involved"], current["version"], current["previous_id"]) == ("Instigator", 2, original["id"])
    assert current["lineage_id"] == original["lineage_id"] and current["correction_reason"] == "updated by the source system"
