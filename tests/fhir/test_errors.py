"""Bad FHIR payloads on both doors — POST /fhir (OperationOutcome) and POST /api/v1/ingest/fhir-r4 (problem+json):
a 4xx that names the fault, and nothing persisted.
"""

from __future__ import annotations

import json

import pytest

from tests.fhir.helpers import health_system, patient, post_bundle
from tests.ingest.helpers import row_counts

PATIENT_URL = "urn:uuid:11111111-1111-4111-8111-111111111111"


def _entry(resource: dict, url: str) -> dict:
    return {"fullUrl": url, "resource": resource, "request": {"method": "POST", "url": resource["resourceType"]}}


def _tx(*entries: dict) -> bytes:
    return json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": list(entries)}).encode()


PATIENT = _entry(patient(), PATIENT_URL)
OBS = {"resourceType": "Observation", "status": "final", "code": {"text": "Vekt"}, "subject": {"reference": PATIENT_URL}}


def _deep(depth: int) -> bytes:
    inner: dict = {"url": "https://x.invalid/e", "valueString": "x"}
    for _ in range(depth):
        inner = {"url": "https://x.invalid/e", "extension": [inner]}
    return _tx(_entry({**patient(), "extension": [inner]}, PATIENT_URL))


CASES = {
    "malformed JSON": (b'{"resourceType": "Bundle", "type": "transaction"', 400, "malformed JSON"),
    "NaN": (_tx(_entry({**patient(), "multipleBirthInteger": 1}, PATIENT_URL)).replace(b'"multipleBirthInteger": 1', b'"multipleBirthInteger": NaN'), 400, "NaN"),
    "Infinity": (_tx(_entry({**patient(), "multipleBirthInteger": 1}, PATIENT_URL)).replace(b'"multipleBirthInteger": 1', b'"multipleBirthInteger": Infinity'), 400, "Infinity"),
    "unknown resourceType": (b'{"resourceType": "Klient", "id": "x"}', 400, "Klient"),
    "invalid resource": (_tx(_entry({**patient(), "gender": 5}, PATIENT_URL)), 400, "gender"),
    "id with a space": (_tx(_entry({**patient(), "id": "a b"}, PATIENT_URL)), 400, "id"),
    "reference that does not resolve": (
        _tx(PATIENT, _entry({**OBS, "subject": {"reference": "urn:uuid:99999999-9999-4999-8999-999999999999"}},
                            "urn:uuid:22222222-2222-4222-8222-222222222222")), 400, "does not resolve"),
    "duplicate fullUrls": (_tx(PATIENT, _entry({**patient(fnr="01010112345"), "id": "p2"}, PATIENT_URL)), 400, "duplicates Bundle.entry[0]"),
    "over-deep payload": (_deep(80), 400, "nesting depth"),
    "empty body": (b"", 400, "empty"),
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("door", ["/fhir", "/api/v1/ingest/fhir-r4"])
def test_bad_payloads_are_4xx_naming_the_fault_and_persist_nothing(callers, engine, door, name):
    payload, status, fragment = CASES[name]
    sender = health_system(callers)
    before = row_counts(engine)
    response = post_bundle(sender, payload, url=door)
    assert response.status_code == status, response.text
    body = response.json()
    if door == "/fhir":
        assert response.headers["content-type"].startswith("application/fhir+json")
        assert body["resourceType"] == "OperationOutcome"
        message = body["issue"][0]["diagnostics"]
        assert body["issue"][0]["severity"] == "error"
    else:
        assert response.headers["content-type"].startswith("application/problem+json")
        message = body["detail"]
    assert fragment in message
    assert row_counts(engine) == before


@pytest.mark.parametrize("door", ["/fhir", "/api/v1/ingest/fhir-r4"])
def test_oversize_payloads_are_413(make_hub, door):
    _, callers = make_hub(max_payload_bytes=2048)
    sender = health_system(callers)
    big = _tx(_entry({**patient(), "name": [{"text": "x" * 4000}]}, PATIENT_URL))
    response = post_bundle(sender, big, url=door)
    assert response.status_code == 413
    message = response.json()["issue"][0]["diagnostics"] if door == "/fhir" else response.json()["detail"]
    assert "limit of 2048" in message or "limit is 2048" in message


def test_the_facade_takes_only_transaction_and_batch_bundles(callers, engine):
    sender = health_system(callers)
    before = row_counts(engine)
    collection = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [PATIENT]}).encode()
    response = post_bundle(sender, collection)
    assert response.status_code == 400 and "transaction or batch" in response.json()["issue"][0]["diagnostics"]
    single = post_bundle(sender, json.dumps(patient()).encode())
    assert single.status_code == 400 and "'Patient'" in single.json()["issue"][0]["diagnostics"]
    delete = json.dumps({"resourceType": "Bundle", "type": "transaction",
                         "entry": [{"request": {"method": "DELETE", "url": "Patient/p1"}}]}).encode()
    refused = post_bundle(sender, delete)
    assert refused.status_code == 400 and "DELETE" in refused.json()["issue"][0]["diagnostics"]
    no_request = json.dumps({"resourceType": "Bundle", "type": "batch", "entry": [{"fullUrl": PATIENT_URL, "resource": patient()}]}).encode()
    missing = post_bundle(sender, no_request)
    assert missing.status_code == 400 and "request is required" in missing.json()["issue"][0]["diagnostics"]
    unsupported = json.loads(_tx(PATIENT))
    unsupported["entry"][0]["request"]["ifNoneExist"] = "name=Kari"
    refused = post_bundle(sender, json.dumps(unsupported).encode())
    assert refused.status_code == 400 and "ifNoneExist" in refused.json()["issue"][0]["diagnostics"]
    assert row_counts(engine) == before


def test_unsupported_content_type_is_415(callers):
    sender = health_system(callers)
    for door in ("/fhir", "/api/v1/ingest/fhir-r4"):
        response = post_bundle(sender, _tx(PATIENT), url=door, content_type="text/csv")
        assert response.status_code == 415, door

