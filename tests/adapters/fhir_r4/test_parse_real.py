"""Parsing real FHIR R4 files: Synthea bundles, the R4 spec examples and the HL7 Norway basisprofil examples.

Asserts mapped values, and that every resource is either mapped or listed in not_mapped with a reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hub.canonical import EntryKind, ParentalResponsibility
from hub.canonical.vocab import FNR_SYSTEM
from hub.core.errors import PayloadRejected
from tests.adapters.fhir_r4.helpers import parse_file, unaccounted
from tests.shared_data import require_shared, shared_files

SPEC_PREFIXES = ("patient", "relatedperson", "careplan", "careteam", "condition", "observation", "consent",
                 "goal", "episodeofcare", "bundle")
SPEC_JSON = shared_files("fhir-r4-spec-examples", "json", pattern="*.json")  # all of them, not only SPEC_PREFIXES
SPEC_XML = shared_files("fhir-r4-spec-examples", "xml", pattern="*.xml")
SYNTHEA = shared_files("synthea-r4", pattern="*.json")
NORWAY = shared_files("hl7norway-basisprofiler-r4", "Examples", pattern="*.xml")
NOT_VALID_FHIR = "no-basis-HealthcareService-example.xml"  # its id contains a space


@pytest.mark.parametrize("path", SYNTHEA + SPEC_JSON + SPEC_XML, ids=lambda p: p.name)
def test_examples_parse_and_account_for_every_resource(path):
    batch = parse_file(path)
    assert batch.format == "fhir-r4" and batch.mapping_version == "fhir-r4/1"
    assert unaccounted(path, batch) == []
    assert all(n.reason for n in batch.not_mapped)


@pytest.mark.parametrize("path", [p for p in NORWAY if p.name != NOT_VALID_FHIR], ids=lambda p: p.name)
def test_norwegian_examples_parse(path):
    batch = parse_file(path)
    assert unaccounted(path, batch) == []


def test_norwegian_example_with_space_in_id_is_rejected_naming_the_fault():
    path = require_shared("hl7norway-basisprofiler-r4", "Examples", NOT_VALID_FHIR)
    with pytest.raises(PayloadRejected) as info:
        parse_file(path)
    assert "HealthcareService.id" in info.value.detail and "pattern" in info.value.detail


def test_the_acceptance_resource_types_are_all_among_the_examples():
    prefixes = {p.name.split("-")[0] for p in SPEC_JSON}
    assert set(SPEC_PREFIXES) <= prefixes or not SPEC_JSON


def test_synthea_bundle_values():
    path = require_shared("synthea-r4", "Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json")
    batch = parse_file(path)
    [child] = batch.children
    assert child.source_id == "Patient/1ae0605d-e5b8-4d6d-a96d-c93dcbd57e06"
    assert child.birth_date == date(2020, 10, 20) and child.sex == "male"
    assert child.names[0].family == "Wiegand" and child.names[0].given == ["Luigi"]
    assert {"system": "http://hl7.org/fhir/sid/us-ssn", "value": "999-91-5172"} in [
        i.model_dump() for i in child.identifiers]
    assert child.address.city == "Quincy" and child.languages == ["en-US"]
    assert batch.organizations[0].name == "CARNEY HOSPITAL"
    kinds = {e.payload["resourceType"]: e.kind for e in batch.entries}
    assert kinds == {"Observation": EntryKind.observation, "Encounter": EntryKind.meeting,
                     "Immunization": EntryKind.observation, "DiagnosticReport": EntryKind.assessment}
    assert len(batch.entries) == 48 and all(e.child_ref == child.source_id for e in batch.entries)
    height = next(e for e in batch.entries if e.source_id == "Observation/f8d3edab-799c-40d0-a48e-614a709e30f3")
    assert height.codes[0].code == "8302-2" and height.text == "Body Height"
    assert height.payload["value"]["value"]["unit"] == "cm"
    assert height.payload["value"]["value"]["value"] == pytest.approx(52.692030001960916)
    assert height.occurred_at == datetime(2020, 10, 20, 19, 19, 3, tzinfo=UTC)
    encounter_refs = {e.source_id for e in batch.entries if e.kind == EntryKind.meeting}
    assert set(height.related_refs) <= encounter_refs and height.related_refs
    reasons = {n.reason for n in batch.not_mapped}
    assert "Claim is not mapped (kept in the raw archive)" in reasons
    assert "ExplanationOfBenefit is not mapped (kept in the raw archive)" in reasons
    assert sum(n.path.startswith("Claim/") for n in batch.not_mapped) == 4


def test_synthea_lists_what_it_left_unmapped():
    unmapped = {}
    for path in SYNTHEA:
        batch = parse_file(path)
        unmapped[path.name] = sorted({n.reason.split(" ")[0] for n in batch.not_mapped})
    assert unmapped, "no synthea bundles found"
    for reasons in unmapped.values():
        assert "Claim" in reasons and "ExplanationOfBenefit" in reasons and "Practitioner" in reasons


def test_norwegian_patient_xml_with_municipality_extension_on_district():
    path = require_shared("hl7norway-basisprofiler-r4", "Examples", "no-basis-Patient-Jannice-Søreng.xml")
    batch = parse_file(path)
    [child] = batch.children
    assert child.identifiers[0].model_dump() == {"system": FNR_SYSTEM, "value": "21030550231"}
    assert child.address.kommunenummer == "0301" and child.address.postal_code == "0603"
    assert child.names[0].family == "Søreng"
    [contact] = batch.guardians
    assert contact.relation == "Emergency Contact" and contact.names[0].text == "Pål Pårørende Olsen"


def test_norwegian_related_person_with_parental_responsibility_and_logical_patient():
    path = require_shared("hl7norway-basisprofiler-r4", "Examples", "no-basis-RelatedPerson-Solid-æresdoktor.xml")
    batch = parse_file(path)
    [child] = batch.children  # identifier-only child from the logical reference RelatedPerson.patient
    assert child.identifiers[0].value == "04021950128"
    [father] = batch.guardians
    assert father.child_ref == child.source_id
    assert father.parental_responsibility == ParentalResponsibility.far and father.relation == "far"
    assert father.address.kommunenummer == "1201"  # no-basis-propertyinformation municipality
    assert father.names[0].family == "ÆRESDOKTOR"


@pytest.mark.parametrize("name", ["no-basis-Organization-example.xml", "no-basis-Patient-Espen-Eksempel.xml",
                                  "no-basis-Patient-Jannice-Søreng.xml", "no-basis-RelatedPerson-Solid-æresdoktor.xml"])
def test_norwegian_xml_that_trips_fhir_resources_reader_keeps_extension_values(name):
    """fhir.resources' XML reader fails on valueBoolean inside extensions here; our converter keeps the value."""
    from adapters.fhir_r4.xml_reader import xml_to_json

    path = require_shared("hl7norway-basisprofiler-r4", "Examples", name)
    data = xml_to_json(path.read_bytes())
    official = "http://hl7.no/fhir/StructureDefinition/no-basis-address-official"
    flags = [e["valueBoolean"] for a in data.get("address", []) for e in a.get("extension", []) if e["url"] == official]
    assert flags == [True] * len(flags) and flags
    assert parse_file(path).format == "fhir-r4"


def test_spec_patient_xml_and_json_map_to_the_same_records():
    json_batch = parse_file(require_shared("fhir-r4-spec-examples", "json", "patient-example.json"))
    xml_batch = parse_file(require_shared("fhir-r4-spec-examples", "xml", "patient-example.xml"))
    assert json_batch.children == xml_batch.children and json_batch.guardians == xml_batch.guardians
    assert json_batch.children[0].names[0].family == "Chalmers"
    assert json_batch.children[0].birth_date == date(1974, 12, 25)


R4_TEST_EXAMPLES = [p for p in shared_files("fhir-test-cases", "r4-examples") if p.suffix in (".json", ".xml")]


@pytest.mark.parametrize("path", R4_TEST_EXAMPLES, ids=lambda p: p.name)
def test_fhir_test_case_examples_map_or_are_rejected_never_crash(path):
    try:
        batch = parse_file(path)
    except PayloadRejected as exc:
        assert exc.detail
        return
    assert unaccounted(path, batch) == []


def test_given_name_with_only_an_extension_is_reported_not_dropped():
    path = require_shared("fhir-test-cases", "r4-examples", "patient-name-extensions.json")
    batch = parse_file(path)
    assert batch.children[0].names[0].given == ["James"] and batch.children[0].names[0].family == "Windsor"
    assert any(n.path.endswith(".name[0]") and "extensions" in n.reason for n in batch.not_mapped)


def test_malformed_national_id_is_kept_and_warned():
    path = require_shared("hl7norway-basisprofiler-r4", "Examples", "no-basis-Patient-Espen-Eksempel.xml")
    batch = parse_file(path)
    [warning] = batch.warnings
    assert warning.code == "national-id-invalid" and "11 digits" in warning.message
    assert any(i.system == FNR_SYSTEM for i in batch.children[0].identifiers)
