"""FHIR export: contract round trip on real samples, validity against the official R4 JSON schema and R4B,
and rendering of a case that did not come from FHIR (Communication, CarePlan with evaluations, Consent, Provenance).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from fhir.resources.R4B.bundle import Bundle

from adapters.testing import round_trip_difference
from hub.canonical import (
    CaseFact,
    CaseStatus,
    Category,
    ChildRecord,
    ConsentRecord,
    EntryKind,
    EntryRecord,
    EvaluationRecord,
    GoalRecord,
    GuardianRecord,
    HumanName,
    Identifier,
    MeasureRecord,
    OrganizationRecord,
    ParentalResponsibility,
    ParsedBatch,
    Participant,
    Provenance,
    Sector,
    Sensitivity,
)
from hub.canonical.vocab import FNR_SYSTEM
from hub.core.errors import HubError
from tests.adapters.fhir_r4.helpers import FIXTURES, adapter, media_type_for, schema_validator
from tests.shared_data import require_shared, shared_files

SAMPLES = (
    shared_files("synthea-r4", pattern="*.json")
    + shared_files("fhir-r4-spec-examples", "json", pattern="patient-example*.json")
    + shared_files("fhir-r4-spec-examples", "json", pattern="bundle-*.json")
    + shared_files("hl7norway-basisprofiler-r4", "Examples", pattern="no-basis-*Person*.xml")
)


def _assert_valid(rendered: bytes) -> dict:
    data = json.loads(rendered)
    errors = [e.message for e in schema_validator().iter_errors(data)]
    assert errors == []
    Bundle.model_validate(data)
    assert data["type"] == "collection"
    return data


@pytest.mark.parametrize("path", [*SAMPLES, FIXTURES / "case_transaction.json"], ids=lambda p: p.name)
def test_export_is_valid_r4_and_the_fixture_round_trips(path):
    """The round trip of the shared samples is the contract's (tests/adapters/test_contract.py); the fixture's here."""
    first = adapter.parse(path.read_bytes(), media_type=media_type_for(path))
    if path.parent == FIXTURES:
        assert round_trip_difference(adapter, first) == []
    if len(first.children) == 1:
        _assert_valid(adapter.render(first))


def test_fixture_export_has_the_expected_resources_and_is_deterministic():
    batch = adapter.parse((FIXTURES / "case_transaction.json").read_bytes())
    rendered = adapter.render(batch)
    assert rendered == adapter.render(batch)
    data = _assert_valid(rendered)
    types = sorted({e["resource"]["resourceType"] for e in data["entry"]})
    assert types == ["CarePlan", "CareTeam", "Communication", "Condition", "Consent", "DocumentReference",
                     "Encounter", "EpisodeOfCare", "Flag", "Goal", "Immunization", "Observation",
                     "Organization", "Patient", "RelatedPerson"]
    plan = next(e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "CarePlan")
    assert [a["detail"]["description"] for a in plan["activity"]] == [
        "Logopedtime hver uke", "Lesestund hjemme hver kveld"]
    urls = {e["fullUrl"] for e in data["entry"]}
    assert plan["subject"]["reference"] in urls and plan["goal"][0]["reference"] in urls


def _foreign_case() -> ParsedBatch:
    """A case as the hub would hand it over after ingesting school/kindergarten formats."""
    return ParsedBatch(
        format="sif-au", mapping_version="sif-au/1",
        organizations=[OrganizationRecord(source_id="school:1", name="Haugesund skole", sector=Sector.school,
                                          identifiers=[Identifier(system="urn:oid:2.16.578.1.12.4.1.4.101",
                                                                  value="974760673")], kommunenummer="1106")],
        children=[ChildRecord(source_id="elev:9", identifiers=[Identifier(system=FNR_SYSTEM, value="15061512346")],
                              names=[HumanName(given=["Kari"], family="Nordmann")], birth_date=date(2015, 6, 15),
                              sex="female")],
        guardians=[GuardianRecord(source_id="foresatt:1", child_ref="elev:9", relation="mor",
                                  parental_responsibility=ParentalResponsibility.felles,
                                  names=[HumanName(given=["Ola"], family="Nordmann")])],
        case_facts=[CaseFact(source_id="sak:1", child_ref="elev:9", bti_level=2, municipality="1106",
                             status=CaseStatus.open, participants=[Participant(org_ref="school:1", role="stafettholder")])],
        entries=[EntryRecord(source_id="logg:1", child_ref="elev:9", kind=EntryKind.highlight,
                             category=Category.education, sensitivity=Sensitivity.confidential,
                             occurred_at=datetime(2024, 3, 1, 12, tzinfo=UTC), text="Kari leste høyt i klassen",
                             author_org_ref="school:1",
                             provenance=Provenance(source_system="skole-sis", format="sif-au", mapping_version="sif-au/1",
                                                   source_record_id="rec-1",
                                                   recorded_at=datetime(2024, 3, 2, tzinfo=UTC)))],
        goals=[GoalRecord(source_id="mal:1", child_ref="elev:9", description="Lese en bok", target_date=date(2024, 6, 1))],
        measures=[MeasureRecord(source_id="tiltak:1", child_ref="elev:9", description="Leselyst-gruppe",
                                category=Category.education, responsible_org_ref="school:1", start=date(2024, 1, 8),
                                goal_refs=["mal:1"],
                                evaluations=[EvaluationRecord(evaluated_at=datetime(2024, 3, 1, tzinfo=UTC),
                                                              outcome="continue", text="God fremgang")])],
        consents=[ConsentRecord(source_id="samtykke:1", child_ref="elev:9", guardian_ref="foresatt:1",
                                categories=[Category.education, Category.health], sectors=[Sector.school],
                                purpose="stafettlogg", valid_from=datetime(2024, 1, 1, tzinfo=UTC),
                                revoked_at=datetime(2024, 5, 1, tzinfo=UTC), status="inactive")],
    )


def test_export_of_a_case_from_other_formats_is_valid_and_reimports():
    case = _foreign_case()
    data = _assert_valid(adapter.render(case))
    resources = [e["resource"] for e in data["entry"]]
    provenance = next(r for r in resources if r["resourceType"] == "Provenance")
    assert provenance["recorded"] == "2024-03-02T00:00:00Z" and provenance["agent"][0]["who"]["display"] == "skole-sis"
    back = adapter.parse(json.dumps(data).encode())
    [note] = back.entries
    assert note.kind == EntryKind.note and note.text == "Kari leste høyt i klassen"
    assert note.sensitivity == Sensitivity.confidential and note.author_org_ref == back.organizations[0].source_id
    [measure] = back.measures
    assert measure.description == "Leselyst-gruppe" and measure.start == date(2024, 1, 8)
    assert measure.evaluations[0].outcome == "continue" and measure.evaluations[0].text == "God fremgang"
    assert measure.goal_refs == [back.goals[0].source_id]
    [consent] = back.consents
    assert consent.categories == [Category.education, Category.health] and consent.sectors == [Sector.school]
    assert consent.purpose == "stafettlogg" and consent.status == "inactive"
    assert consent.revoked_at == datetime(2024, 5, 1, tzinfo=UTC)
    assert consent.guardian_ref == back.guardians[0].source_id
    assert back.guardians[0].parental_responsibility == ParentalResponsibility.felles
    [fact] = back.case_facts
    assert fact.bti_level == 2 and fact.municipality == "1106" and fact.participants[0].role == "stafettholder"
    assert back.organizations[0].sector == Sector.school and back.organizations[0].kommunenummer == "1106"


def test_render_refuses_a_view_without_exactly_one_child():
    case = _foreign_case()
    with pytest.raises(HubError, match="exactly one child"):
        adapter.render(case.model_copy(update={"children": []}))


def test_registry_finds_the_adapter():
    from adapters.registry import get_adapter

    assert get_adapter("fhir-r4") is adapter or get_adapter("fhir-r4").format == "fhir-r4"
    assert require_shared("synthea-r4").is_dir()


def test_render_as_xml_is_refused_clearly():
    from hub.core.errors import UnsupportedMediaType

    with pytest.raises(UnsupportedMediaType, match="JSON only"):
        adapter.render(_foreign_case(), media_type="application/fhir+xml")
