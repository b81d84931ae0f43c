"""The FHIR facade through real HTTP calls with real tokens: metadata, transaction and batch answers, conditional
create, Patient search, read by hub id, $everything, access (404 for non-participants), audit, content types.
"""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.observation import Observation
from sqlalchemy import func, select

from hub.audit.models import AuditEvent
from hub.children.models import Child
from tests.fhir.helpers import (
    FHIR_JSON,
    FNR,
    health_system,
    observation,
    patient,
    patient_with_observation,
    post_bundle,
    transaction,
)
from tests.ingest.helpers import row_counts, take_into_case


def _children(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Child)).scalar_one()


def _search(caller, fnr="15061512345"):
    response = caller.get(f"/fhir/Patient?identifier={FNR}|{fnr}")
    assert response.status_code == 200, response.text
    return response.json()


def test_metadata_is_a_public_r4_capability_statement(client):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200 and response.headers["content-type"].startswith(FHIR_JSON)
    statement = CapabilityStatement.model_validate(response.json())
    assert statement.fhirVersion == "4.0.1" and {"json", "xml"} <= set(statement.format)
    [rest] = statement.rest
    assert {i.code for i in rest.interaction} == {"transaction", "batch"}
    by_type = {r.type: r for r in rest.resource}
    assert len(by_type) == len(rest.resource), "a resource type is described once per rest mode (FHIR cpt-5)"
    assert {"Patient", "EpisodeOfCare", "Organization", "Observation", "Condition", "CarePlan"} <= set(by_type)
    patient_res = by_type["Patient"]
    assert {i.code for i in patient_res.interaction} == {"read", "search-type"}
    assert [p.name for p in patient_res.searchParam] == ["identifier"]
    assert [o.name for o in patient_res.operation] == ["everything"]


def test_transaction_answers_each_entry_with_status_and_location(callers, engine):
    caller = health_system(callers)
    response = post_bundle(caller, patient_with_observation())
    assert response.status_code == 200, response.text
    answer = response.json()
    Bundle.model_validate(answer)
    assert answer["type"] == "transaction-response"
    first, second = (e["response"] for e in answer["entry"])
    assert first["status"] == "201 Created" and first["location"].startswith("Patient/")
    assert second["status"] == "201 Created" and second["location"].startswith("Observation/")
    assert second["location"].endswith("/_history/1") and second["etag"] == 'W/"1"'
    patient_id = first["location"].split("/")[1]
    read = caller.get(f"/fhir/{first['location']}")
    assert read.status_code == 200 and read.json()["name"][0]["family"] == "Nordmann"
    observation_id = second["location"].split("/")[1]
    obs = caller.get(f"/fhir/Observation/{observation_id}").json()
    assert obs["valueQuantity"]["value"] == 21.5 and obs["subject"]["reference"] == f"Patient/{patient_id}"
    assert obs["meta"]["versionId"] == "1"


def test_changed_resend_versions_the_entry_and_an_equal_resend_changes_nothing(callers, engine):
    caller = health_system(callers)
    post_bundle(caller, patient_with_observation(value=21.5))
    before = row_counts(engine)
    again = post_bundle(caller, patient_with_observation(value=21.5)).json()
    assert row_counts(engine) == before
    assert [e["response"]["status"] for e in again["entry"]] == ["200 OK", "200 OK"]
    changed = post_bundle(caller, patient_with_observation(value=22.0)).json()
    location = changed["entry"][1]["response"]["location"]
    assert location.endswith("/_history/2")
    obs = caller.get("/fhir/" + location.split("/_history")[0]).json()
    assert obs["valueQuantity"]["value"] == 22.0 and obs["meta"]["versionId"] == "2"


def test_conditional_create_finds_the_existing_patient_and_creates_nothing(callers, engine):
    kindergarten_health = health_system(callers, "Tysvær helsestasjon", kommune="1146")
    created = post_bundle(kindergarten_health, patient_with_observation()).json()
    existing = created["entry"][0]["response"]["location"]
    other = health_system(callers, "Fastlegen")
    # the GP takes part in the child's case (a push alone would not make it a participant)
    take_into_case(engine, child_id=existing.split("/")[1], organization_id=other.org, role="health")
    url = "urn:uuid:0e9a2c1e-0000-4000-8000-000000000001"
    bundle = transaction({**patient(pid="another-id", family="Nordmann"), "_url": url},
                         {**observation(url, oid="o-other", value=30.0), "_url": f"urn:uuid:0e9a2c1e-0000-4000-8000-00000000000{2}"})
    answer = post_bundle(other, bundle)
    assert answer.status_code == 200, answer.text
    patient_answer = answer.json()["entry"][0]["response"]
    assert patient_answer == {"status": "200 OK", "location": existing}
    assert answer.json()["entry"][1]["response"]["status"] == "201 Created"
    assert _children(engine) == 1
    assert _search(other)["entry"][0]["resource"]["id"] == existing.split("/")[1]


def test_conditional_create_on_an_identifier_the_patient_does_not_carry_is_rejected(callers, engine):
    caller = health_system(callers)
    bundle = patient_with_observation()
    bundle["entry"][0]["request"]["ifNoneExist"] = f"identifier={FNR}|01010112345"
    before = row_counts(engine)
    response = post_bundle(caller, bundle)
    assert response.status_code == 400
    assert "does not carry it" in response.json()["issue"][0]["diagnostics"]
    assert row_counts(engine) == before


def test_batch_gets_a_batch_response(callers):
    caller = health_system(callers)
    bundle = patient_with_observation()
    bundle["type"] = "batch"
    answer = post_bundle(caller, bundle).json()
    assert answer["type"] == "batch-response"
    assert [e["response"]["status"] for e in answer["entry"]] == ["201 Created", "201 Created"]


def test_unmapped_entries_are_answered_with_the_reason(callers):
    caller = health_system(callers)
    bundle = patient_with_observation()
    bundle["entry"].append({"fullUrl": "urn:uuid:7d3c5a52-8f0b-4c6e-9a3d-333333333333",
                            "resource": {"resourceType": "Practitioner", "id": "dr", "name": [{"family": "Lege"}]},
                            "request": {"method": "POST", "url": "Practitioner"}})
    third = post_bundle(caller, bundle).json()["entry"][2]["response"]
    assert third["status"] == "200 OK" and "Practitioner has no canonical record" in third["outcome"]["issue"][0]["diagnostics"]


def test_search_read_and_everything_are_limited_to_participants_and_audited(callers, engine):
    owner = health_system(callers)
    post_bundle(owner, patient_with_observation())
    [match] = _search(owner)["entry"]
    patient_id = match["resource"]["id"]
    everything = owner.get(f"/fhir/Patient/{patient_id}/$everything")
    assert everything.status_code == 200
    bundle = everything.json()
    Bundle.model_validate(bundle)
    types = sorted(e["resource"]["resourceType"] for e in bundle["entry"])
    assert types == ["CareTeam", "EpisodeOfCare", "Observation", "Organization", "Patient", "Provenance"]
    episode = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "EpisodeOfCare")
    assert owner.get(f"/fhir/EpisodeOfCare/{episode['id']}").json()["patient"]["reference"] == f"Patient/{patient_id}"
    organization = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Organization")
    assert owner.get(f"/fhir/Organization/{organization['id']}").json()["name"] == "Haugesund helsestasjon"

    stranger = health_system(callers, "Annen helsestasjon")
    assert _search(stranger)["total"] == 0
    for path in (f"Patient/{patient_id}", f"Patient/{patient_id}/$everything", f"EpisodeOfCare/{episode['id']}"):
        refused = stranger.get(f"/fhir/{path}")
        assert refused.status_code == 404, path
        assert refused.json()["resourceType"] == "OperationOutcome"
        assert refused.json()["issue"][0]["code"] == "not-found"
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.action, AuditEvent.outcome, AuditEvent.organization_id)).all()
    actions = {(a, o, str(org)) for a, o, org in rows}
    assert ("fhir.search", "permit", owner.org) in actions and ("fhir.everything", "permit", owner.org) in actions
    assert ("fhir.search", "deny", stranger.org) in actions and ("fhir.read", "deny", stranger.org) in actions


def test_unknown_ids_and_types_are_404_operation_outcomes(callers):
    caller = health_system(callers)
    for path in ("Patient/8d4bd5b0-55c4-4d67-a5a3-8b1c5c8f3a2e", "Patient/not-a-uuid", "Observation/8d4bd5b0-55c4-4d67-a5a3-8b1c5c8f3a2e",
                 "Basic/8d4bd5b0-55c4-4d67-a5a3-8b1c5c8f3a2e"):
        response = caller.get(f"/fhir/{path}")
        assert response.status_code == 404, path
        assert response.json()["resourceType"] == "OperationOutcome" and response.json()["issue"][0]["diagnostics"]


def test_reads_need_a_token_with_case_read_and_posts_need_ingest(client, callers):
    assert client.get("/fhir/Patient?identifier=a|b").status_code == 401
    reader_only = callers.system("Skolen", "school", scopes=("case.read",))
    refused = post_bundle(reader_only, patient_with_observation())
    assert refused.status_code == 403 and "ingest" in refused.json()["issue"][0]["diagnostics"]


def test_xml_in_and_out(callers):
    """XML is read on POST and answered when asked for (Accept or _format); other formats are 406."""
    caller = health_system(callers)
    for asked in ({"headers": {"accept": "application/fhir+xml"}}, {"params": {"_format": "xml"}}):
        metadata = caller.get("/fhir/metadata", **asked)
        assert metadata.status_code == 200 and metadata.headers["content-type"].startswith("application/fhir+xml")
        assert CapabilityStatement.model_validate_xml(metadata.content).fhirVersion == "4.0.1"
    refused = caller.get("/fhir/metadata", headers={"accept": "text/csv"})
    assert refused.status_code == 406 and refused.json()["issue"][0]["code"] == "not-supported"
    xml = (
        '<Bundle xmlns="http://hl7.org/fhir"><type value="transaction"/><entry>'
        '<fullUrl value="urn:uuid:7d3c5a52-8f0b-4c6e-9a3d-444444444444"/><resource><Patient><id value="x1"/>'
        f'<identifier><system value="{FNR}"/><value value="15061512345"/></identifier>'
        '<name><family value="Nordmann"/></name></Patient></resource>'
        '<request><method value="POST"/><url value="Patient"/></request></entry><entry>'
        '<fullUrl value="urn:uuid:7d3c5a52-8f0b-4c6e-9a3d-555555555555"/><resource><Observation><id value="x2"/>'
        '<status value="final"/><code><text value="Hørsel"/></code>'
        '<subject><reference value="urn:uuid:7d3c5a52-8f0b-4c6e-9a3d-444444444444"/></subject>'
        '<valueString value="normal"/></Observation></resource>'
        '<request><method value="POST"/><url value="Observation"/></request></entry></Bundle>'
    ).encode()
    answer = post_bundle(caller, xml, content_type="application/fhir+xml")
    assert answer.status_code == 200, answer.text
    assert answer.json()["entry"][0]["response"]["status"] == "201 Created"
    assert _search(caller)["entry"][0]["resource"]["name"][0]["family"] == "Nordmann"
    location = "/fhir/" + answer.json()["entry"][1]["response"]["location"].split("/_history")[0]
    observation = caller.get(location).json()
    assert observation["valueString"] == "normal" and observation["code"]["text"] == "Hørsel"
    as_xml = caller.get(location, headers={"accept": "application/fhir+xml"})
    assert as_xml.headers["content-type"].startswith("application/fhir+xml")
    assert Observation.model_validate_xml(as_xml.content).model_dump(mode="json") == observation
    patient_id = _search(caller)["entry"][0]["resource"]["id"]
    everything = caller.get(f"/fhir/Patient/{patient_id}/$everything", params={"_format": "application/fhir+xml"})
    bundle = Bundle.model_validate_xml(everything.content)
    assert {e.resource.get_resource_type() for e in bundle.entry} >= {"Patient", "Observation"}


def test_search_needs_a_system_and_value(callers):
    caller = health_system(callers)
    response = caller.get("/fhir/Patient?identifier=15061512345")
    assert response.status_code == 422 and "system|value" in response.json()["issue"][0]["diagnostics"]
    response = caller.get("/fhir/Patient?name=Kari")
    assert response.status_code == 422 and "name" in response.json()["issue"][0]["diagnostics"]


def test_confidential_entries_of_another_sender_are_not_readable_without_consent(callers, engine):
    owner = health_system(callers)
    bundle = patient_with_observation()
    bundle["entry"][1]["resource"]["meta"] = {"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}]}
    answer = post_bundle(owner, bundle).json()
    observation_path = answer["entry"][1]["response"]["location"].split("/_history")[0]
    patient_path = answer["entry"][0]["response"]["location"]
    school = callers.system("Skolen", "school", scopes=("ingest", "case.read"))
    # the school is taken into the case (a push alone would not make it a participant), then pushes its own record
    take_into_case(engine, child_id=patient_path.split("/")[1], organization_id=school.org, role="school")
    url = "urn:uuid:7d3c5a52-8f0b-4c6e-9a3d-666666666666"
    school_bundle = transaction({**patient(), "_url": url}, {**observation(url, oid="school-1", code="8302-2"), "_url": f"{url[:-1]}7"})
    assert post_bundle(school, school_bundle).status_code == 200
    assert school.get(f"/fhir/{patient_path}").status_code == 200
    assert owner.get(f"/fhir/{observation_path}").status_code == 200
    hidden = school.get(f"/fhir/{observation_path}")
    assert hidden.status_code == 404
    everything = school.get(f"/fhir/{patient_path}/$everything").json()
    seen = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in everything["entry"]}
    assert observation_path not in seen
    assert sum(path.startswith("Observation/") for path in seen) == 1  # the school's own observation
