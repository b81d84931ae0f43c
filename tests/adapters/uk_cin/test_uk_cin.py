"""Tests of the UK Children in Need census adapter: the liia-tools sample, own rule fixtures, rejections, UPN.

The XSDs come from ../shared/data, so the parse tests need it (skip locally, fail in CI when absent).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from adapters.uk_cin import adapter
from adapters.uk_cin.mapping import UK_FORMER_UPN_SYSTEM, UK_UPN_SYSTEM
from adapters.uk_cin.upn import upn_check_letter, upn_problem
from hub.core.errors import PayloadRejected
from tests.shared_data import require_shared

FIXTURE = Path(__file__).parent / "fixtures" / "cin-2024-rules.xml"


@pytest.fixture
def sample() -> bytes:
    return (require_shared("uk-childrens-social-care", "cin_census", "samples") / "cin-2022.xml").read_bytes()


@pytest.fixture
def fixture_bytes() -> bytes:
    require_shared("uk-childrens-social-care", "cin_census")
    return FIXTURE.read_bytes()


def test_sample_maps_child_identifiers_and_characteristics(sample: bytes) -> None:
    batch = adapter.parse(sample)  # the contract itself: tests/adapters/test_contract.py
    assert (batch.format, batch.format_version, batch.mapping_version) == ("uk-cin", "2022", "uk-cin/1")
    assert batch.source_system == "Local Authority"
    (la,) = batch.organizations
    assert (la.source_id, la.identifiers[0].value, la.sector) == ("la:201", "201", "social")
    (child,) = batch.children
    assert child.source_id == "cin:201:DfEX0000001"
    assert [(i.system, i.value) for i in child.identifiers] == [
        ("urn:uk:la:201:child-id", "DfEX0000001"),
        (UK_UPN_SYSTEM, "A123456789123"),
        (UK_FORMER_UPN_SYSTEM, "X98765432123B"),
    ]
    assert child.birth_date == date(1966, 3, 24) and child.expected_birth_date == date(1966, 3, 22)
    assert child.sex == "male" and not child.unborn
    assert child.deceased_at == datetime(1980, 10, 7, 23, 0, tzinfo=UTC)  # midnight in London (BST) on 8 Oct
    assert child.extra["death_date"] == "1980-10-08"
    ethnicity = {"system": "urn:uk:dfe:cin:ethnicitytype", "code": "WBRI", "display": "White British"}
    assert child.extra["ethnicity"] == ethnicity
    assert [d["code"] for d in child.extra["disabilities"]] == ["HAND", "HEAR"]
    assert child.extra["upn_unknown"]["code"] == "UN3"
    observation = next(e for e in batch.entries if e.kind == "observation")
    assert [(c.code, c.display) for c in observation.codes] == [("HAND", "Hand function"), ("HEAR", "Hearing")]


def test_sample_maps_referral_assessment_s47_and_plans(sample: bytes) -> None:
    batch = adapter.parse(sample)
    (case,) = batch.case_facts
    # London midnight in British Standard Time (1968-71: UTC+1 all year) is 23:00 UTC the day before
    assert case.status == "closed"
    assert (case.opened_at.date(), case.closed_at.date()) == (date(1970, 10, 5), date(1971, 2, 26))
    by_kind: dict[str, list] = {}
    for entry in batch.entries:
        by_kind.setdefault(entry.kind, []).append(entry)
        assert (entry.category, entry.sensitivity, entry.author_org_ref) == ("social", "confidential", "la:201")
    (referral,) = by_kind["referral"]
    assert [c.code for c in referral.codes] == ["1A", "N4", "RC1"]
    assert referral.codes[1].display == "Family in acute stress"
    assert referral.payload["closure_date"] == "1971-02-27" and referral.payload["referral_nfa"] is False
    assessment, s47 = by_kind["assessment"]
    assert [c.code for c in assessment.codes] == ["2A", "2B"]
    assert assessment.payload["authorisation_date"] == "1971-07-18"
    assert assessment.related_refs == [referral.source_id]
    assert s47.text == "Section 47 enquiry" and s47.payload["initial_cpc_target"] == "1970-06-23"
    assert sorted(d.payload["date_of_initial_cpc"] for d in by_kind["decision"]) == ["1970-06-17", "1970-12-06"]
    cin_plan, cpp = batch.measures
    assert cin_plan.description == "Child in need plan"
    assert (cin_plan.start, cin_plan.end) == (date(1971, 1, 24), date(1971, 1, 26))
    assert (cpp.description, cpp.status) == ("Child protection plan", "completed")
    assert (cpp.start, cpp.end) == (date(1970, 2, 17), date(1971, 3, 14))
    assert [(c.code, c.display) for c in cpp.codes] == [("PHY", "Physical abuse")]
    assert cpp.payload["number_of_previous_cpp"] == 10
    assert [e.evaluated_at.date() for e in cpp.evaluations] == [date(1971, 2, 14)]
    assert "/Message/Header/CollectionDetails/ReferenceDate" in [n.path for n in batch.not_mapped]


def test_sample_business_rule_warnings(sample: bytes) -> None:
    batch = adapter.parse(sample)
    assert [(w.code, w.path.rsplit("/", 1)[-1]) for w in batch.warnings] == [
        ("upn-check-letter", "UPN"),  # A123456789123: weights give 404 mod 23 = 13 -> 'P'
        ("upn-check-letter", "FormerUPN"),
        ("assessment-after-closure", "AssessmentAuthorisationDate"),
        ("assessment-before-referral", "AssessmentActualStartDate"),
        ("s47-before-referral", "S47ActualStartDate"),
        ("plan-before-referral", "CPPstartDate"),
    ]
    assert "gives 'P'" in batch.warnings[0].message


def test_own_fixture_triggers_every_rule_on_the_rule_breaker_only(fixture_bytes: bytes) -> None:
    batch = adapter.parse(fixture_bytes)
    assert (batch.format, batch.mapping_version) == ("uk-cin", "uk-cin/1")
    assert batch.format_version == "2024"  # referral source 5D and closure reason RC9 only exist in 2024
    assert [(w.code, w.path) for w in batch.warnings] == [
        ("death-before-birth", "/Message/Children/Child[2]/ChildIdentifiers/PersonDeathDate"),
        ("upn-check-letter", "/Message/Children/Child[2]/ChildIdentifiers/UPN"),
        ("assessment-after-closure", "/Message/Children/Child[2]/CINdetails[1]/Assessments/AssessmentActualStartDate"),
        ("plan-before-referral", "/Message/Children/Child[2]/CINdetails[1]/CINPlanDates/CINPlanStartDate"),
        ("end-before-start", "/Message/Children/Child[2]/CINdetails[1]/CINPlanDates/CINPlanEndDate"),
        ("closure-before-referral", "/Message/Children/Child[2]/CINdetails[2]/CINclosureDate"),
    ]
    clean, breaker, unborn = batch.children
    assert [(i.system, i.value) for i in clean.identifiers][1] == (UK_UPN_SYSTEM, "Q201123422001")
    assert (clean.sex, clean.extra["ethnicity"]["display"]) == ("female", "Indian")
    assert unborn.unborn and unborn.expected_birth_date == date(2024, 6, 1) and unborn.sex == "unknown"
    assert unborn.extra["upn_unknown"]["code"] == "UN1"
    referral = next(e for e in batch.entries if e.source_id == "cin:202:TEST001/referral:2023-09-01")
    assert referral.codes[0].code == "5D" and "early help" in referral.codes[0].display
    cpp = next(m for m in batch.measures if m.description == "Child protection plan")
    assert [c.code for c in cpp.codes] == ["NEG", "EMO"] and cpp.status == "active" and cpp.end is None
    # GMT in winter: London midnight is UTC midnight
    assert [e.evaluated_at.date() for e in cpp.evaluations] == [date(2023, 12, 1), date(2024, 3, 1)]
    decision = next(e for e in batch.entries if e.kind == "decision")
    assert decision.text == "Initial child protection conference not required"
    second = next(e for e in batch.entries if e.source_id == "cin:202:TEST002/referral:2023-12-01")
    assert second.payload["referral_nfa"] is True
    closed = [f for f in batch.case_facts if f.child_ref == breaker.source_id]
    assert [f.status for f in closed] == ["closed", "closed"]


def test_source_ids_are_stable_and_unique(fixture_bytes: bytes) -> None:
    def ids(batch) -> list[str]:
        records = (*batch.children, *batch.case_facts, *batch.entries, *batch.measures)
        return [r.source_id for r in records]

    first, again = adapter.parse(fixture_bytes), adapter.parse(fixture_bytes)
    assert ids(first) == ids(again)
    assert len(set(ids(first))) == len(ids(first))


def test_version_is_detected_from_the_header_year(fixture_bytes: bytes) -> None:
    as_2023 = fixture_bytes.replace(b"<Year>2024</Year>", b"<Year>2023</Year>")
    with pytest.raises(PayloadRejected, match=r"2022 XSD.*ReferralSource.*'5D'"):
        adapter.parse(as_2023)


def test_schema_invalid_files_are_rejected_naming_the_first_error(fixture_bytes: bytes) -> None:
    missing_gender = fixture_bytes.replace(b"<GenderCurrent>2</GenderCurrent>", b"", 1)
    with pytest.raises(PayloadRejected, match=r"Missing child element.*GenderCurrent") as caught:
        adapter.parse(missing_gender)
    assert "Child[1]/ChildIdentifiers" in caught.value.detail
    bad_date = fixture_bytes.replace(b"<CINreferralDate>2024-01-10", b"<CINreferralDate>10/01/2024", 1)
    with pytest.raises(PayloadRejected, match=r"CINreferralDate.*'10/01/2024'"):
        adapter.parse(bad_date)
    with pytest.raises(PayloadRejected, match="No matching global declaration"):
        adapter.parse(b"<Census><Children/></Census>")
    with pytest.raises(PayloadRejected, match="DOCTYPE"):
        adapter.parse(b'<!DOCTYPE Message [<!ENTITY x "y">]><Message/>')
    far_future = fixture_bytes.replace(b"<CINreferralDate>2024-01-10", b"<CINreferralDate>12024-01-10", 1)
    with pytest.raises(PayloadRejected, match=r"Child\[3\]/CINdetails/CINreferralDate: date '12024-01-10' is outside"):
        adapter.parse(far_future)


def test_upn_check_letter_by_hand() -> None:
    assert upn_check_letter("P000000000001") == "P"  # 13 * 1 = 13 -> P
    assert upn_check_letter("A00000000000A") == "A"  # temporary UPN: final A counts 0
    assert upn_check_letter("P00000000000B") == "P"  # final B counts 1: 13 * 1 -> P
    assert upn_check_letter("A123456789123") == "P"  # 404 mod 23 = 13
    assert upn_problem("P000000000001") is None
    assert "gives 'P'" in upn_problem("A000000000001")
    assert "not a 13-character UPN" in upn_problem("A00000000000I")
