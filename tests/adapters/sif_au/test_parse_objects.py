"""Every SIF AU object kind the adapter accepts, parsed from the real examples, with the mapped values checked.

One test per object kind (StudentPersonal, contacts, enrolment, attendance, plans, wellbeing objects).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.sif_au import adapter
from adapters.sif_au.constants import (
    CS_PLAN,
    LOCALID_STUDENT,
    NUSI_SYSTEM,
    REFID_CONTACT,
    REFID_SCHOOL,
    REFID_STUDENT,
    STATE_PROVINCE_ID,
)
from hub.canonical.vocab import Category, EntryKind, MeasureStatus, ParentalResponsibility, Sector, Sensitivity
from tests.adapters.sif_au.samples import example
from tests.shared_data import shared_files

D3E = "D3E34B35-9D75-101A-8C3D-00AA001A1652"


def _ids(record) -> dict[str, str]:
    return {i.system: i.value for i in record.identifiers}


def test_student_personal_maps_ids_names_demographics_and_alerts():
    batch = adapter.parse(example("StudentPersonal__1"))
    assert batch.format == "sif-au" and batch.mapping_version == "sif-au/1" and batch.format_version == "3.4"
    (child,) = batch.children
    ids = _ids(child)
    assert ids[REFID_STUDENT] == "7C834EA9-EDA1-2090-347F-83297E1C290C"
    assert ids[LOCALID_STUDENT] == "S1234567"
    assert ids[STATE_PROVINCE_ID] == "ABC1234"
    assert ids[NUSI_SYSTEM] == "12345678"
    assert ids["urn:sif:au:other-id:DiocesanStudentId"] == "1234"
    assert ids["urn:sif:au:other-id:PreviousNAPPlatformStudentId"] == "888rdgf"
    assert [i.value for i in child.identifiers if i.system == "urn:sif:au:electronic-id:03"] == ["ZZZZZZ21",
                                                                                               "ZZZZZZ22"]
    assert [(n.use, n.given, n.family, n.text) for n in child.names] == [
        ("official", ["Fred"], "Smith", "Fred Smith"),
        ("nickname", ["Samuel"], "Anderson", "Samuel Anderson"),
        ("usual", ["Sam"], "Rowinski", "Sam Rowinski"),
    ]
    assert child.birth_date == date(1990, 9, 26) and child.sex == "male"
    assert child.languages == ["ascl:0001"] and child.extra["sif_language_types"] == {"0001": "1"}
    alerts = {e.text: e for e in batch.entries}
    assert alerts["Mother is legal guardian"].payload["type"] == "Legal"
    assert alerts["Mother is legal guardian"].category == Category.education
    peanut = alerts["Student has Peanut Allergy"]
    assert (peanut.kind, peanut.category, peanut.sensitivity) == (EntryKind.alert, Category.health,
                                                                  Sensitivity.sensitive)
    assert peanut.payload["severity"] == "Severe"
    # Newer-than-3.4.8 elements are reported, not rejected; unmapped 3.4.8 elements are listed.
    newer = {w.path.rsplit("/", 1)[-1] for w in batch.warnings if w.code == "sif-newer-than-3.4.8"}
    assert {"NationalUniqueStudentIdentifier", "Passport"} <= newer
    paths = {n.path for n in batch.not_mapped}
    assert any(p.endswith("/MostRecent") for p in paths)
    assert any(p.endswith("/Demographics/Religion") for p in paths)
    assert len({e.source_id for e in batch.entries}) == 3


def test_contact_relationship_alone_gives_guardian_with_flags_and_minimal_child():
    batch = adapter.parse(example("StudentContactRelationship__1"))
    (child,) = batch.children
    assert child.identifiers[0].system == REFID_STUDENT
    assert child.identifiers[0].value == "DEE34B35-9D75-101A-8C3D-00AA001A1652" and not child.names
    (guardian,) = batch.guardians
    assert guardian.child_ref == child.source_id
    assert _ids(guardian) == {REFID_CONTACT: "6472B261-0947-583A-463D-BB345291B001"}
    assert guardian.relation == "Parent"
    assert guardian.parental_responsibility == ParentalResponsibility.felles  # ParentLegalGuardian=Y
    assert guardian.may_see_log is None  # AccessToRecords=U
    assert guardian.extra["sif_contact_flags"]["PickupRights"] == "Y"
    assert guardian.extra["sif_households"] == ["FamilyA", "FamilyB"]
    newer = {w.path.rsplit("/", 1)[-1] for w in batch.warnings}
    assert {"ContactMethod", "FeePercentage"} <= newer


def test_contact_personal_alone_is_reported_not_mapped():
    batch = adapter.parse(example("StudentContactPersonal__1"))
    assert batch.guardians == [] and batch.children == []
    assert any("no child to attach" in n.reason for n in batch.not_mapped)


def test_contact_personal_with_its_relationship_gives_named_guardian():
    from tests.adapters.sif_au.samples import combined_document

    batch = adapter.parse(combined_document("StudentContactPersonal__1", "StudentContactRelationship__1"))
    (guardian,) = batch.guardians
    assert guardian.names[0].given == ["Fred"] and guardian.names[0].family == "Smith"
    assert ("email", "fsmith@yahoo.com") in {(c.system, c.value) for c in guardian.contact}
    assert ("phone", "03 9637-2289") in {(c.system, c.value) for c in guardian.contact}
    assert _ids(guardian)["urn:sif:au:localid:StudentContactPersonal"] == "P1234567"
    assert guardian.child_ref == batch.children[0].source_id and batch.children[0].names


def test_enrollment_gives_enrolment_entry_school_and_participant():
    batch = adapter.parse(example("StudentSchoolEnrollment__1"))
    (org,) = batch.organizations
    assert org.sector == Sector.school and _ids(org) == {REFID_SCHOOL: "D3E34B35-9D75-101A-8C3D-00AA001A1651"}
    (entry,) = batch.entries
    assert entry.kind == EntryKind.enrolment and entry.category == Category.education
    assert entry.occurred_at == datetime(2004, 1, 28, 23, 0, tzinfo=UTC)  # 2004-01-29 Europe/Oslo
    assert entry.payload["school_year"] == "2004" and entry.payload["year_level"] == "10"
    assert entry.payload["membership_type"] == "01" and entry.payload["fte"] == "1.00"
    assert entry.author_org_ref == org.source_id
    (fact,) = batch.case_facts
    assert [(p.org_ref, p.role) for p in fact.participants] == [(org.source_id, "school")]
    assert any(w.path.endswith("/IntendedEntryDate") for w in batch.warnings)


def test_attendance_summary_gives_attendance_observation():
    batch = adapter.parse(example("StudentAttendanceSummary__1"))
    (entry,) = batch.entries
    assert entry.kind == EntryKind.attendance and entry.sensitivity == Sensitivity.normal
    p = entry.payload
    assert (p["days_attended"], p["excused_absences"], p["unexcused_absences"], p["days_absent"]) == (178, 2, 0, 2)
    assert (p["start_date"], p["end_date"], p["days_in_membership"], p["days_tardy"]) == (
        "2014-08-30", "2015-06-10", 180, 3)
    assert entry.child_ref == "StudentPersonal/7C834EA9-EDA1-2090-347F-83297E1C290C"


def test_personalised_plan_medical_is_health_and_sensitive():
    batch = adapter.parse(example("PersonalisedPlan__1"))
    (entry,) = batch.entries
    assert entry.kind == EntryKind.document
    assert (entry.category, entry.sensitivity) == (Category.health, Sensitivity.sensitive)
    assert entry.codes[0].system == CS_PLAN and entry.codes[0].code == "M" and entry.codes[0].display == "Medical"
    assert entry.text == "This Student is allergic to cashews."
    assert (entry.payload["start_date"], entry.payload["end_date"], entry.payload["review_date"]) == (
        "2017-11-01", "2019-11-10", "2018-11-10")


def test_wellbeing_characteristic_reports_preferred_hospital():
    batch = adapter.parse(example("WellbeingCharacteristic__1"))
    (entry,) = batch.entries
    assert entry.kind == EntryKind.observation and entry.category == Category.education
    assert entry.sensitivity == Sensitivity.sensitive  # privacy rating High
    assert entry.text == "This Student has a special need." and entry.payload["category"] == "S"
    assert entry.payload["end_date"] == "2017-11-10"
    assert [n.path.rsplit("/", 1)[-1] for n in batch.not_mapped] == ["PreferredHospital"]
    assert "PreferredHospital" in batch.warnings[0].message


def test_wellbeing_alert_event_response_appeal_and_person_link():
    alert = adapter.parse(example("WellbeingAlert__1")).entries[0]
    assert (alert.kind, alert.category, alert.text) == (EntryKind.alert, Category.health,
                                                        "This Student is allergic to peanuts")
    event = adapter.parse(example("WellbeingEvent__1")).entries[0]
    assert event.kind == EntryKind.observation and event.codes[0].display == "Positive"
    assert event.payload["time_period"] == "AM" and event.occurred_at == datetime(2017, 10, 31, 23, tzinfo=UTC)
    response = adapter.parse(example("WellbeingResponse__1"))
    assert response.entries == []
    (measure,) = response.measures
    assert measure.description == "This Student is to be withdrawn." and measure.codes[0].display == "Suspension"
    assert (measure.start, measure.end, measure.status) == (date(2017, 11, 1), date(2017, 11, 10),
                                                            MeasureStatus.completed)
    appeal = adapter.parse(example("WellbeingAppeal__1")).entries[0]
    assert appeal.kind == EntryKind.decision and appeal.payload["status"] == "SU"
    assert appeal.related_refs == ["WellbeingResponse/BC385746-359D-7510-1A8C-36432A901A36"]
    for name, role in (("WellbeingPersonLink__1", "Victim"), ("WellbeingPersonLink__2", "Instigator")):
        link = adapter.parse(example(name))
        assert link.children[0].identifiers[0].value == D3E
        assert link.entries[0].payload["how_involved"] == role
        assert link.entries[0].payload["follow_up_details"] == ["Parent's notified"]


_KINDS = ("StudentPersonal", "StudentContactPersonal", "StudentContactRelationship", "StudentSchoolEnrollment",
          "StudentAttendanceSummary", "PersonalisedPlan", "Wellbeing")
_ALL = [p for p in shared_files("sif-au", "examples", pattern="*.xml") if p.name.startswith(_KINDS)]


@pytest.mark.parametrize("path", _ALL, ids=[p.stem for p in _ALL])
def test_every_accepted_example_parses_to_records_or_reports(path):
    batch = adapter.parse(path.read_bytes())
    records = batch.children + batch.guardians + batch.entries + batch.measures
    assert records or any("no child" in n.reason for n in batch.not_mapped)
    assert all(r.source_id for r in records)
    assert len({e.source_id for e in batch.entries}) == len(batch.entries)
