"""Mapping of every supported resource type, on our own transaction bundle (fixtures/case_transaction.json).

Covers guardians with parental responsibility, case facts, entries by kind, measures, goals and consents.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hub.canonical import CaseStatus, EntryKind, GoalStatus, MeasureStatus, ParentalResponsibility, Sensitivity
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, ORGNR_SYSTEM
from tests.adapters.fhir_r4.helpers import FIXTURES, parse_file, unaccounted

PATH = FIXTURES / "case_transaction.json"


@pytest.fixture(scope="module")
def batch():
    return parse_file(PATH)


def test_child(batch):
    [child] = batch.children
    assert child.source_id == "Patient/child-1"
    assert child.identifiers[0].model_dump() == {"system": FNR_SYSTEM, "value": "15061512346"}
    assert child.identifiers[1].value == "HS-77"
    assert child.preferred_language == "nb" and child.languages == ["nb", "pl"]
    assert child.address.kommunenummer == "1106" and child.address.city == "Haugesund"
    assert child.extra["meta"] == {"versionId": "3", "lastUpdated": "2024-02-01T10:00:00+01:00"}


def test_guardians(batch):
    mother = next(g for g in batch.guardians if g.source_id == "RelatedPerson/mother-1")
    # a D-number sent under the fødselsnummer system is classified as what it is
    assert mother.identifiers[0].model_dump() == {"system": DNR_SYSTEM, "value": "55061510086"}
    assert mother.parental_responsibility == ParentalResponsibility.felles and mother.relation == "mother"
    assert mother.contact[0].value == "mor@example.no"
    contact = next(g for g in batch.guardians if g.source_id == "Patient/child-1#contact[0]")
    assert contact.relation == "grandmother" and contact.contact[0].value == "+4799999999"
    assert contact.parental_responsibility is None


def test_organization_and_case_fact(batch):
    [org] = batch.organizations
    assert org.identifiers[0].model_dump() == {"system": ORGNR_SYSTEM, "value": "974760673"}
    assert org.sector.value == "health"
    [fact] = batch.case_facts  # the CareTeam named by the episode is folded into it
    assert fact.source_id == "EpisodeOfCare/episode-1" and fact.status == CaseStatus.open
    assert fact.opened_at == datetime(2024, 1, 9, 23, 0, tzinfo=UTC)  # a plain date is midnight in Oslo
    assert {(p.org_ref, p.role) for p in fact.participants} == {
        ("Organization/hs-haugesund", "managing organisation"), ("Organization/hs-haugesund", "helsesykepleier")}


def test_entries(batch):
    by_id = {e.source_id: e for e in batch.entries}
    concern = by_id["Condition/concern-1"]
    assert concern.kind == EntryKind.concern and concern.sensitivity == Sensitivity.sensitive
    assert concern.codes[0].code == "229733008" and concern.text == "Sen taleutvikling"
    assert concern.author_org_ref == "Organization/hs-haugesund"
    assert concern.payload["fhir"]["subject"] == {"reference": "Patient/child-1"}  # references normalised
    weight = by_id["Observation/weight-1"]
    assert weight.payload["value"] == {"type": "Quantity", "value": {
        "value": 20.5, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}
    assert weight.related_refs == ["Condition/concern-1"]
    assert weight.occurred_at == datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
    bp = by_id["Observation/bp-1"]
    assert [c["codes"][0]["code"] for c in bp.payload["components"]] == ["8480-6", "8462-4"]
    assert bp.payload["components"][0]["value"]["value"]["value"] == 100
    flag = by_id["Flag/flag-1"]
    assert flag.kind == EntryKind.alert and flag.sensitivity == Sensitivity.confidential
    assert by_id["Encounter/meeting-1"].kind == EntryKind.meeting
    assert by_id["Encounter/meeting-1"].text == "Samarbeidsmøte"
    assert by_id["Immunization/mmr-1"].codes[0].code == "03"
    assert by_id["DocumentReference/doc-1"].kind == EntryKind.document
    assert by_id["DocumentReference/doc-1"].text == "Rapport fra logoped"
    assert by_id["Communication/note-1"].kind == EntryKind.note
    assert by_id["Communication/note-1"].text.startswith("Mor melder")


def test_measures_and_goals(batch):
    by_id = {m.source_id: m for m in batch.measures}
    plan = by_id["CarePlan/plan-1"]
    assert plan.description == "Språkstimulering" and plan.status == MeasureStatus.active
    assert plan.start == date(2024, 1, 15) and plan.end == date(2024, 6, 30)
    assert plan.goal_refs == ["Goal/goal-1"] and plan.responsible_org_ref == "Organization/hs-haugesund"
    first = by_id["CarePlan/plan-1#activity[0]"]
    assert first.description == "Logopedtime hver uke" and first.codes[0].code == "311555007"
    assert first.responsible_org_ref == "Organization/hs-haugesund" and first.end == date(2024, 3, 31)
    assert by_id["CarePlan/plan-1#activity[1]"].status == MeasureStatus.planned
    [goal] = batch.goals
    assert goal.description.startswith("Kari snakker") and goal.status == GoalStatus.active
    assert goal.target_date == date(2024, 6, 30)


def test_consent(batch):
    [consent] = batch.consents
    assert consent.guardian_ref == "RelatedPerson/mother-1" and consent.org_refs == ["Organization/hs-haugesund"]
    assert consent.status == "active" and consent.purpose == "treatment"
    assert consent.valid_from == datetime(2024, 1, 9, 23, 0, tzinfo=UTC)
    assert consent.valid_to == datetime(2025, 1, 9, 23, 0, tzinfo=UTC)


def test_not_mapped_and_accounting(batch):
    paths = {n.path: n.reason for n in batch.not_mapped}
    assert paths["Claim/claim-1"].startswith("Claim is not mapped")
    assert "Patient/child-1.maritalStatus" in paths
    assert any(p.startswith("Bundle.entry[17] DELETE Observation/old-1") for p in paths)
    assert unaccounted(PATH, batch) == []


def test_parse_is_stable_across_resends(batch):
    again = parse_file(PATH)
    assert again == batch
