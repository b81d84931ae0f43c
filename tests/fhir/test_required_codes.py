"""Required bindings: a coded element outside its R4 value set (Procedure.status "not-a-status" and the like) is
refused with 422 naming the element and the value, nothing is committed; the table is the R4 XML Schema's.
"""

from __future__ import annotations

import json

import pytest

from adapters.fhir_r4 import required_codes_build
from adapters.fhir_r4.codes import TABLE
from tests.fhir.helpers import health_system, observation, patient, post_bundle, transaction
from tests.ingest.helpers import row_counts
from tests.shared_data import require_shared, shared_files

PATIENT_URL = "urn:uuid:11111111-1111-4111-8111-111111111111"
SUBJECT = {"reference": PATIENT_URL}
CC = "http://terminology.hl7.org/CodeSystem/condition-clinical"

BAD = {
    "Procedure.status": ({"resourceType": "Procedure", "status": "not-a-status", "subject": SUBJECT}, "status", "not-a-status"),
    "Observation.status": ({**observation(PATIENT_URL), "status": "done"}, "status", "done"),
    "Condition.clinicalStatus": ({"resourceType": "Condition", "subject": SUBJECT, "clinicalStatus": {"coding": [{"system": CC, "code": "gone"}]}},
                                 "clinicalStatus.coding[0].code", "gone"),
    "Condition.verificationStatus without its system": (
        {"resourceType": "Condition", "subject": SUBJECT, "verificationStatus": {"text": "confirmed"}}, "verificationStatus", "condition-ver-status"),
    "Encounter.status": ({"resourceType": "Encounter", "status": "completed", "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"}, "subject": SUBJECT}, "status", "completed"),
    "Immunization.status": ({"resourceType": "Immunization", "status": "given", "patient": SUBJECT, "occurrenceDateTime": "2024-01-01",
                             "vaccineCode": {"text": "MMR"}}, "status", "given"),
    "MedicationRequest.intent": ({"resourceType": "MedicationRequest", "status": "active", "intent": "wish", "subject": SUBJECT,
                                  "medicationCodeableConcept": {"text": "paracetamol"}}, "intent", "wish"),
    "AllergyIntolerance.criticality": ({"resourceType": "AllergyIntolerance", "patient": SUBJECT, "criticality": "extreme"}, "criticality", "extreme"),
    "CarePlan.activity.detail.status": ({"resourceType": "CarePlan", "status": "active", "intent": "plan", "subject": SUBJECT,
                                         "activity": [{"detail": {"status": "paused"}}]}, "activity[0].detail.status", "paused"),
    "Communication.status": ({"resourceType": "Communication", "status": "sent", "subject": SUBJECT}, "status", "sent"),
    "DocumentReference.status": ({"resourceType": "DocumentReference", "status": "draft", "subject": SUBJECT,
                                  "content": [{"attachment": {"title": "x"}}]}, "status", "draft"),
    "Identifier.use in a Patient": ({"resourceType": "Flag", "status": "active", "code": {"text": "x"}, "subject": SUBJECT,
                                     "identifier": [{"use": "primary", "value": "1"}]}, "identifier[0].use", "primary"),
    "Quantity.comparator in an extension": (
        {**observation(PATIENT_URL), "extension": [{"url": "http://example.org/x", "valueQuantity": {"value": 1, "comparator": "=="}}]},
        "extension[0].valueQuantity.comparator", "=="),
}


def _bundle(resource: dict) -> bytes:
    return json.dumps(transaction({**patient(), "_url": PATIENT_URL}, resource)).encode()


@pytest.mark.parametrize("workers", [0, 1])
def test_procedure_status_outside_its_value_set_is_422_and_nothing_is_committed(make_hub, workers):
    client, callers = make_hub(validation_workers=workers)
    sender = health_system(callers)
    before = row_counts(client.app.state.engine)
    resource, _element, _value = BAD["Procedure.status"]
    response = post_bundle(sender, _bundle(resource), url="/api/v1/ingest/fhir-r4")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/code-not-in-value-set")
    assert problem["location"] == "Bundle.entry[1].resource.status"
    assert "'not-a-status'" in problem["detail"] and "Procedure.status" in problem["detail"] and "completed" in problem["detail"]
    assert row_counts(client.app.state.engine) == before


def test_the_facade_answers_an_operation_outcome_naming_the_element(make_hub):
    _client, callers = make_hub()
    resource, _, _ = BAD["Procedure.status"]
    response = post_bundle(health_system(callers), _bundle(resource))
    assert response.status_code == 422
    issue = response.json()["issue"][0]
    assert issue["code"] == "code-invalid" and issue["expression"] == ["Bundle.entry[1].resource.status"]


@pytest.mark.parametrize("name", BAD)
def test_each_required_binding_is_checked(make_hub, name):
    _client, callers = make_hub(validation_workers=0)
    resource, element, value = BAD[name]
    response = post_bundle(health_system(callers), _bundle(resource), url="/api/v1/ingest/fhir-r4")
    assert response.status_code == 422, response.text
    assert response.json()["location"].startswith(f"Bundle.entry[1].resource.{element}")
    assert value in response.json()["detail"]


def test_the_same_resources_with_valid_codes_are_taken(make_hub):
    _client, callers = make_hub()
    procedure = {"resourceType": "Procedure", "status": "completed", "subject": SUBJECT}
    condition = {"resourceType": "Condition", "subject": SUBJECT, "clinicalStatus": {"coding": [{"system": CC, "code": "active"}]}}
    response = post_bundle(health_system(callers), json.dumps(transaction({**patient(), "_url": PATIENT_URL}, procedure, condition)).encode(),
                           url="/api/v1/ingest/fhir-r4")
    assert response.status_code == 200, response.text


def test_the_table_is_the_one_built_from_the_r4_schema(tmp_path):
    xsd = require_shared("fhir-r4-xsd", "xsd-r4", "fhir-single.xsd")
    assert required_codes_build.render(required_codes_build.build(xsd)) == TABLE.read_text()


@pytest.mark.parametrize("path", shared_files("fhir-r4-spec-examples", "json", pattern="*.json"), ids=lambda p: p.name)
def test_the_spec_examples_keep_to_the_required_bindings(path):
    from adapters.fhir_r4.codes import check_codes

    check_codes(json.loads(path.read_text()))
