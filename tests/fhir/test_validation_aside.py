"""FHIR validation in a worker process beside the pipeline (HUB_VALIDATION_WORKERS >= 1, the default) answers exactly
as validation in the request's own thread (0): the same status and message for every bad payload, nothing persisted,
even where mapping and writing would have gone through or failed on their own.
"""

from __future__ import annotations

import json

import pytest

from adapters.fhir_r4 import validation
from hub.core.errors import PayloadRejected
from tests.fhir.helpers import health_system, observation, patient, post_bundle, transaction
from tests.fhir.test_errors import CASES as BAD_PAYLOADS
from tests.ingest.helpers import row_counts

DOOR = "/api/v1/ingest/fhir-r4"
PATIENT_URL = "urn:uuid:11111111-1111-4111-8111-111111111111"


def _with_patient(resource: dict) -> bytes:
    return json.dumps(transaction({**patient(), "_url": PATIENT_URL}, resource)).encode()


INVALID_BUT_MAPPABLE = {
    # fhir.resources refuses a list where one Reference belongs; the mapper alone would take its only item.
    "subject as a list": (_with_patient({**observation(PATIENT_URL), "subject": [{"reference": PATIENT_URL}]}), "subject"),
    # ... and a string where a list of activities belongs, on which the mapper alone fails in its own words.
    "activity as a string": (_with_patient({"resourceType": "CarePlan", "status": "active", "intent": "plan",
                                            "subject": {"reference": PATIENT_URL}, "activity": "every day"}), "activity"),
}
PAYLOADS = {**{name: case[0] for name, case in BAD_PAYLOADS.items()}, **{n: c[0] for n, c in INVALID_BUT_MAPPABLE.items()}}


def _answer(make_hub, workers: int, payload: bytes) -> tuple[int, str, bool]:
    client, callers = make_hub(validation_workers=workers)
    sender = health_system(callers)
    before = row_counts(client.app.state.engine)
    response = post_bundle(sender, payload, url=DOOR)
    unchanged = row_counts(client.app.state.engine) == before
    return response.status_code, response.json().get("detail", ""), unchanged


@pytest.mark.parametrize("name", PAYLOADS)
def test_worker_and_request_thread_give_the_same_answer_and_persist_nothing(make_hub, name):
    in_thread = _answer(make_hub, 0, PAYLOADS[name])
    aside = _answer(make_hub, 1, PAYLOADS[name])
    assert aside == in_thread
    status, detail, unchanged = aside
    assert 400 <= status < 500 and unchanged, (status, detail)


@pytest.mark.parametrize("name", INVALID_BUT_MAPPABLE)
def test_the_validators_fault_is_reported_not_the_mappers(make_hub, name):
    payload, element = INVALID_BUT_MAPPABLE[name]
    status, detail, unchanged = _answer(make_hub, 1, payload)
    assert (status, unchanged) == (400, True)
    assert detail.startswith("invalid FHIR resource: Bundle.entry.") and element in detail


def test_with_a_worker_the_request_thread_does_not_validate(make_hub, monkeypatch):
    def refuse(data):
        raise AssertionError("validated in the request's thread")

    monkeypatch.setattr(validation, "problem_of", refuse)
    _client, callers = make_hub(validation_workers=1)
    response = post_bundle(health_system(callers), _with_patient(observation(PATIENT_URL)), url=DOOR)
    assert response.status_code == 200, response.text
    assert response.json()["created"] >= 2


def test_a_dead_worker_leaves_the_verdict_to_the_request_thread():
    invalid, valid = {"resourceType": "Patient", "gender": 5}, {"resourceType": "Patient", "gender": "female"}
    workers = validation._Workers(1)
    dying = workers.checkout()
    dying.send(json.dumps(valid).encode())
    dying.process.kill()  # dies before it answers
    dying.process.wait()
    with pytest.raises(PayloadRejected, match=r"Patient\.gender"):
        validation.Verdict(invalid, dying, workers).wait()
    assert workers.started == 0  # the dead one is gone; the next checkout starts a fresh worker
    fresh = workers.checkout()
    fresh.send(json.dumps(invalid).encode())
    with pytest.raises(PayloadRejected, match=r"Patient\.gender"):
        validation.Verdict(invalid, fresh, workers).wait()
    assert workers.idle == [fresh]
    fresh.close()


@pytest.mark.parametrize("refused", [b'{"resourceType": "Patient", "id": "a", "id": "b"}',  # FHIR-valid to the worker
                                     b'{"resourceType": "Patient", "gender": "female"',  # the worker's loader fails too
                                     b'{"resourceType": "Patient", "multipleBirthInteger": NaN}'])
def test_the_hubs_loader_judges_the_json_and_the_worker_stays_in_step(refused):
    from adapters.fhir_r4.reader import read_validating_aside

    with pytest.raises(PayloadRejected, match=r"twice|malformed|NaN"):
        read_validating_aside(refused, media_type="application/fhir+json", workers=1)
    pool = validation._workers(1)
    assert pool.started == 1 and len(pool.idle) == 1  # its answer was read and dropped; the worker is free again
    _, verdict = read_validating_aside(b'{"resourceType": "Patient", "gender": 5}', media_type="application/fhir+json", workers=1)
    with pytest.raises(PayloadRejected, match=r"Patient\.gender"):  # this payload's own verdict, not the dropped one
        verdict.wait()
