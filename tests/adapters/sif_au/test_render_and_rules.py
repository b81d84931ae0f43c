"""sif-au export (validates against the 3.4.8 XSD, re-parses identically) and the parsing rules around it.

Norwegian national ids, contact flags, stable source ids and named rejections of bad input.
"""

from __future__ import annotations

import pytest

from adapters.sif_au import adapter
from adapters.testing import round_trip_difference
from hub.canonical.compare import content_view
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM
from hub.core.errors import PayloadRejected
from tests.adapters.sif_au.samples import STUDENT, assert_valid_sif, combined_document, example

SAMPLES = [
    "StudentPersonal__1", "StudentContactRelationship__1", "StudentSchoolEnrollment__1",
    "StudentAttendanceSummary__1", "PersonalisedPlan__1", "WellbeingCharacteristic__1", "WellbeingAlert__1",
    "WellbeingEvent__1", "WellbeingResponse__1", "WellbeingAppeal__1", "WellbeingPersonLink__1",
]


@pytest.mark.parametrize("name", SAMPLES)
def test_export_of_each_real_sample_validates_against_the_xsd(name):
    """The round trip of these samples is the contract's (tests/adapters/test_contract.py)."""
    rendered = adapter.render(adapter.parse(example(name)))
    assert_valid_sif(rendered)


def test_multi_object_document_round_trips_and_validates():
    payload = combined_document("StudentContactPersonal__1", "StudentContactRelationship__1",
                                "StudentSchoolEnrollment__1", "PersonalisedPlan__1", "WellbeingCharacteristic__1",
                                "WellbeingAlert__1", "WellbeingEvent__1", "WellbeingResponse__1")
    batch = adapter.parse(payload)
    assert round_trip_difference(adapter, batch) == []
    assert len(batch.children) == 1 and len(batch.guardians) == 1 and len(batch.measures) == 1
    assert {e.kind.value for e in batch.entries} >= {"alert", "enrolment", "document", "observation"}
    assert all(e.child_ref == f"StudentPersonal/{STUDENT}" for e in batch.entries)
    rendered = adapter.render(batch)
    assert rendered.count(b"<StudentPersonal ") == 1 and b"<PersonalisedPlans>" in rendered
    assert_valid_sif(rendered)


def test_collection_root_is_accepted():
    obj = example("WellbeingAlert__1").split(b"?>", 1)[1]
    collection = (b'<WellbeingAlerts xmlns="http://www.sifassociation.org/datamodel/au/3.4">' + obj
                  + b"</WellbeingAlerts>")
    assert adapter.parse(collection).entries[0].text == "This Student is allergic to peanuts"


def _with_other_id(type_: str, value: str) -> bytes:
    return example("StudentPersonal__1").replace(
        b'<OtherId Type="DiocesanStudentId">1234</OtherId>',
        f'<OtherId Type="{type_}">{value}</OtherId>'.encode())


def test_norwegian_national_id_travels_as_other_id():
    batch = adapter.parse(_with_other_id("NorwegianNationalId", "15072052088"))
    assert {(i.system, i.value) for i in batch.children[0].identifiers} >= {(FNR_SYSTEM, "15072052088")}
    rendered = adapter.render(batch)
    assert b'<OtherId Type="NorwegianNationalId">15072052088</OtherId>' in rendered
    assert_valid_sif(rendered)
    d_number = adapter.parse(_with_other_id("NorwegianNationalId", "55072052082"))
    assert not any(i.system == DNR_SYSTEM for i in d_number.children[0].identifiers)  # bad check digits
    assert any(w.code == "invalid-norwegian-id" for w in d_number.warnings)


def test_d_number_maps_to_dnr_system():
    from hub.identity.numbers import is_d_number

    value = next(f"5507205{i:04d}" for i in range(10000) if is_d_number(f"5507205{i:04d}"))
    batch = adapter.parse(_with_other_id("NorwegianNationalId", value))
    assert (DNR_SYSTEM, value) in {(i.system, i.value) for i in batch.children[0].identifiers}


def test_intervention_order_warns_and_is_kept():
    payload = example("StudentContactRelationship__1").replace(
        b"<InterventionOrder>N</InterventionOrder>", b"<InterventionOrder>Y</InterventionOrder>")
    batch = adapter.parse(payload)
    assert any(w.code == "sif-intervention-order" for w in batch.warnings)
    assert batch.guardians[0].extra["sif_contact_flags"]["InterventionOrder"] == "Y"


def test_custody_without_legal_guardianship_is_andre_and_access_sets_log():
    payload = example("StudentContactRelationship__1").replace(
        b"<ParentLegalGuardian>Y</ParentLegalGuardian>", b"<ParentLegalGuardian>N</ParentLegalGuardian>").replace(
        b"<HasCustody>N</HasCustody>", b"<HasCustody>Y</HasCustody>").replace(
        b"<AccessToRecords>U</AccessToRecords>", b"<AccessToRecords>Y</AccessToRecords>")
    guardian = adapter.parse(payload).guardians[0]
    assert guardian.parental_responsibility.value == "andre" and guardian.may_see_log is True


def test_source_ids_are_stable_across_resends():
    payload = example("StudentPersonal__1")
    first, second = adapter.parse(payload), adapter.parse(payload)
    assert [e.source_id for e in first.entries] == [e.source_id for e in second.entries]
    assert content_view(first) == content_view(second)


@pytest.mark.parametrize(("payload", "fragment"), [
    (b"<x/>", "not in the SIF AU 3.4 namespace"),
    (b'<SchoolInfo xmlns="http://www.sifassociation.org/datamodel/au/3.4" RefId="A"/>', "not supported"),
    (b'<WellbeingAlert xmlns="http://www.sifassociation.org/datamodel/au/3.4"/>', "RefId"),
    (b'<PersonalisedPlan xmlns="http://www.sifassociation.org/datamodel/au/3.4" RefId="A">'
     b"<StudentPersonalRefId>B</StudentPersonalRefId></PersonalisedPlan>", "SchoolInfoRefId"),
    (b"not xml", "XML refused"),
])
def test_bad_input_is_rejected_with_a_named_problem(payload, fragment):
    with pytest.raises(PayloadRejected, match=fragment):
        adapter.parse(payload)


def test_bad_date_is_rejected_naming_the_element():
    payload = example("PersonalisedPlan__1").replace(b"2017-11-01", b"01.11.2017")
    with pytest.raises(PayloadRejected, match="PersonalisedPlanStartDate"):
        adapter.parse(payload)


def test_case_without_named_student_uses_first_object_as_root():
    from lxml import etree

    from tests.adapters.sif_au.samples import NS, rewired

    root = rewired("PersonalisedPlan__1")
    holder = etree.SubElement(root, f"{{{NS}}}SIF_ExtendedElements")
    ext = etree.SubElement(holder, f"{{{NS}}}SIF_ExtendedElement", Name="urn:stafett:sif-au:related-objects")
    etree.SubElement(ext, f"{{{NS}}}WellbeingAlerts").append(rewired("WellbeingAlert__1"))
    batch = adapter.parse(etree.tostring(root))
    assert round_trip_difference(adapter, batch) == []
    assert [c.names for c in batch.children] == [[]] and len(batch.entries) == 2
    rendered = adapter.render(batch)
    assert rendered.split(b"\n", 2)[1].startswith(b"<PersonalisedPlan ")
    assert_valid_sif(rendered)


def test_kindergarten_case_exports_as_valid_sif_with_the_fnr():
    from pathlib import Path

    from adapters.kindergarten import adapter as kindergarten

    example = Path(__file__).resolve().parents[3] / "schemas" / "examples" / "kindergarten-v1-example.xml"
    rendered = adapter.render(kindergarten.parse(example.read_bytes()))
    assert_valid_sif(rendered)
    again = adapter.parse(rendered)
    assert (FNR_SYSTEM, "15072052088") in {(i.system, i.value) for i in again.children[0].identifiers}
    mother = again.guardians[0]
    assert (mother.relation, mother.parental_responsibility.value, mother.may_see_log) == ("Parent", "felles", True)


def test_doctype_is_refused():
    with pytest.raises(PayloadRejected, match="DOCTYPE"):
        adapter.parse(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
                      b'<WellbeingAlert xmlns="http://www.sifassociation.org/datamodel/au/3.4">&a;</WellbeingAlert>')
