"""Real FHIR files through the API (Synthea also through POST /fhir): Synthea, spec examples of the acceptance
types and HL7 Norway examples ingest (except the one invalid example), unmapped parts have reasons, re-sends change nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.cases.models import Entry
from tests.fhir.helpers import health_system, post_bundle
from tests.ingest.helpers import row_counts
from tests.shared_data import require_shared, shared_files

ACCEPTANCE_PREFIXES = ("patient-", "relatedperson-", "careplan-", "careteam-", "condition-", "observation-",
                       "consent-", "goal-", "episodeofcare-", "bundle-")
SYNTHEA = shared_files("synthea-r4", pattern="*.json")
SPEC = [p for p in shared_files("fhir-r4-spec-examples", "json", pattern="*.json") if p.name.startswith(ACCEPTANCE_PREFIXES)]
NOT_VALID_FHIR = "no-basis-HealthcareService-example.xml"  # its id contains a space
NORWAY = [p for p in shared_files("hl7norway-basisprofiler-r4", "Examples", pattern="*.xml") if p.name != NOT_VALID_FHIR]


def _content_type(path) -> str:
    return "application/fhir+xml" if path.suffix == ".xml" else "application/fhir+json"


def _push(caller, path) -> dict:
    response = caller.post("/api/v1/ingest/fhir-r4", content=path.read_bytes(), headers={"content-type": _content_type(path)})
    assert response.status_code == 200, response.text
    return response.json()


def _versions(engine) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        return sorted((str(lineage), v) for lineage, v in conn.execute(select(Entry.lineage_id, Entry.version)))


@pytest.fixture
def sender(callers):
    return health_system(callers)


@pytest.mark.parametrize("path", SYNTHEA + SPEC + NORWAY, ids=lambda p: p.name)
def test_ingests_with_reasons_and_a_resend_changes_nothing(sender, engine, path):
    first = _push(sender, path)
    assert all(n["reason"] and n["path"] for n in first["not_mapped"])
    before, versions = row_counts(engine), _versions(engine)
    again = _push(sender, path)
    assert row_counts(engine) == before and _versions(engine) == versions
    assert again["created"] == again["updated"] == 0
    assert again["unchanged"] == first["created"] + first["updated"] + first["unchanged"]


def test_the_acceptance_types_are_all_there():
    assert len(SYNTHEA) == 3 and len(NORWAY) >= 10
    assert {p.name.split("-")[0] + "-" for p in SPEC} == set(ACCEPTANCE_PREFIXES)


@pytest.mark.parametrize("path", SYNTHEA, ids=lambda p: p.name)
def test_synthea_transactions_through_the_facade(sender, engine, path):
    answer = post_bundle(sender, path.read_bytes())
    assert answer.status_code == 200, answer.text
    statuses = [e["response"]["status"] for e in answer.json()["entry"]]
    created = [e["response"]["location"] for e in answer.json()["entry"] if e["response"]["status"] == "201 Created"]
    assert set(statuses) == {"201 Created", "200 OK"}
    assert sum(loc.startswith("Patient/") for loc in created) == 1
    for location in created[:5]:
        read = sender.get("/fhir/" + location.split("/_history")[0])
        assert read.status_code == 200, location
    before = row_counts(engine)
    again = post_bundle(sender, path.read_bytes()).json()
    assert row_counts(engine) == before
    assert {e["response"]["status"] for e in again["entry"]} == {"200 OK"}


def test_what_was_left_unmapped_is_listed(sender):
    luigi = _push(sender, require_shared("synthea-r4", "Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json"))
    reasons = {n["reason"] for n in luigi["not_mapped"]}
    assert "Claim is not mapped (kept in the raw archive)" in reasons
    assert "ExplanationOfBenefit is not mapped (kept in the raw archive)" in reasons
    assert sum(n["path"].startswith("Claim/") for n in luigi["not_mapped"]) == 4

    observation = _push(sender, require_shared("fhir-r4-spec-examples", "json", "observation-example.json"))
    assert {"path": "Observation/example", "reason": "Observation: the patient it is about is not in the payload"} in observation["not_mapped"]
    assert observation["created"] == 0

    practitioner = _push(sender, require_shared("hl7norway-basisprofiler-r4", "Examples", "no-basis-Practitioner-example.xml"))
    assert [n["reason"] for n in practitioner["not_mapped"]] == ["Practitioner has no canonical record (its name is used as entry author)"]

    patient = _push(sender, require_shared("fhir-r4-spec-examples", "json", "patient-example.json"))
    paths = {n["path"] for n in patient["not_mapped"]}
    assert {"Patient/example.active", "Patient/example.managingOrganization"} <= paths


def test_the_example_with_a_space_in_its_id_is_rejected_naming_the_fault(sender, engine):
    path = require_shared("hl7norway-basisprofiler-r4", "Examples", NOT_VALID_FHIR)
    before = row_counts(engine)
    response = sender.post("/api/v1/ingest/fhir-r4", content=path.read_bytes(), headers={"content-type": _content_type(path)})
    assert response.status_code == 400
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "HealthcareService.id" in problem["detail"] and "pattern" in problem["detail"]
    assert row_counts(engine) == before
