"""Optimistic concurrency: cases, measures, goals and consents carry an ETag (their row version); a write with a stale
If-Match is refused with 412 and changes nothing, a current one goes through and answers the new ETag; a missing
If-Match is allowed unless the hub requires it (HUB_REQUIRE_IF_MATCH: 428).
"""

import pytest

from tests.cases.helpers import make_case

CASES = "/api/v1/cases"


@pytest.fixture
def clinic(callers):
    return callers.system("Haugesund helsestasjon", "health")


def _stale(response, current: str) -> None:
    assert response.status_code == 412, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["etag"] == current and response.json()["current_etag"] == current
    assert "changed since it was read" in response.json()["detail"]


def test_a_stale_level_write_is_refused_and_changes_nothing(clinic):
    case_id, _, _ = make_case(clinic, level=1)
    read = clinic.get(f"{CASES}/{case_id}")
    etag = read.headers["etag"]
    assert etag == f'"{read.json()["version"]}"'
    first = clinic.post(f"{CASES}/{case_id}/level", json={"bti_level": 2}, headers={"If-Match": etag})
    assert first.status_code == 200 and first.json()["bti_level"] == 2
    assert first.headers["etag"] != etag
    second = clinic.post(f"{CASES}/{case_id}/level", json={"bti_level": 3}, headers={"If-Match": etag})  # read before the first
    _stale(second, first.headers["etag"])
    assert clinic.get(f"{CASES}/{case_id}").json()["bti_level"] == 2
    closing = clinic.post(f"{CASES}/{case_id}/close", json={"reason": "x"}, headers={"If-Match": etag})
    _stale(closing, first.headers["etag"])
    assert clinic.get(f"{CASES}/{case_id}").json()["status"] == "open"


def test_a_stale_measure_status_write_is_refused(clinic):
    case_id, _, _ = make_case(clinic)
    created = clinic.post(f"{CASES}/{case_id}/measures", json={"description": "Logoped", "category": "health", "responsible_organization_id": clinic.org})
    assert created.status_code == 201 and created.headers["etag"] == f'"{created.json()["version"]}"'
    path = f"{CASES}/{case_id}/measures/{created.json()['id']}/status"
    completed = clinic.post(path, json={"status": "completed"}, headers={"If-Match": created.headers["etag"]})
    assert completed.status_code == 200 and completed.json()["status"] == "completed"
    stale = clinic.post(path, json={"status": "stopped"}, headers={"If-Match": created.headers["etag"]})
    _stale(stale, completed.headers["etag"])
    (measure,) = clinic.get(f"{CASES}/{case_id}").json()["measures"]
    assert measure["status"] == "completed" and f'"{measure["version"]}"' == completed.headers["etag"]


def test_a_stale_goal_status_write_is_refused(clinic):
    case_id, _, _ = make_case(clinic)
    goal = clinic.post(f"{CASES}/{case_id}/goals", json={"description": "Trygg skolestart"})
    assert goal.status_code == 201
    path = f"{CASES}/{case_id}/goals/{goal.json()['id']}/status"
    achieved = clinic.post(path, json={"status": "achieved"}, headers={"If-Match": goal.headers["etag"]})
    assert achieved.status_code == 200 and achieved.json()["status"] == "achieved"
    _stale(clinic.post(path, json={"status": "cancelled"}, headers={"If-Match": goal.headers["etag"]}), achieved.headers["etag"])
    assert clinic.get(f"{CASES}/{case_id}").json()["goals"][0]["status"] == "achieved"


def test_a_stale_consent_revocation_is_refused(clinic):
    _, _, child_id = make_case(clinic)
    guardian = clinic.post(f"/api/v1/children/{child_id}/guardians", json={"national_id": "05073500186"}).json()
    consent = clinic.post(f"/api/v1/children/{child_id}/consents", json={"guardian_id": guardian["id"], "sectors": ["school"]})
    etag = consent.headers["etag"]
    revoked = clinic.post(f"/api/v1/consents/{consent.json()['id']}/revoke", headers={"If-Match": etag})
    assert revoked.status_code == 200 and revoked.headers["etag"] != etag
    _stale(clinic.post(f"/api/v1/consents/{consent.json()['id']}/revoke", headers={"If-Match": etag}), revoked.headers["etag"])


def test_the_coordinator_decision_is_checked_against_the_case_version(clinic, callers):
    case_id, _, _ = make_case(clinic, coordinator="Kari")
    school = callers.system("Skole", "school")
    before = clinic.get(f"{CASES}/{case_id}").headers["etag"]
    proposal = clinic.post(f"{CASES}/{case_id}/coordinator/proposals", json={"person_name": "Per", "organization_id": school.org}, headers={"If-Match": before})
    assert proposal.status_code == 201
    stale = school.post(f"{CASES}/{case_id}/coordinator/proposals/{proposal.json()['id']}/accept", headers={"If-Match": before})
    _stale(stale, proposal.headers["etag"])
    assert clinic.get(f"{CASES}/{case_id}").json()["coordinator"]["person_name"] == "Kari"
    accepted = school.post(f"{CASES}/{case_id}/coordinator/proposals/{proposal.json()['id']}/accept", headers={"If-Match": proposal.headers["etag"]})
    assert accepted.status_code == 200


@pytest.mark.parametrize(("header", "status"), [("*", 200), ('W/"1"', 412), ('"1", "999"', 200), ("1", 400), ("", 400)])
def test_if_match_forms(clinic, header, status):
    case_id, _, _ = make_case(clinic)
    assert clinic.get(f"{CASES}/{case_id}").headers["etag"] == '"1"'
    response = clinic.post(f"{CASES}/{case_id}/level", json={"bti_level": 1}, headers={"If-Match": header})
    assert response.status_code == status, response.text
    if status == 400:
        assert response.json()["location"] == "If-Match" and "entity tags" in response.json()["detail"]


def test_without_if_match_a_write_goes_through_unless_the_hub_requires_it(clinic, make_hub):
    case_id, _, _ = make_case(clinic)
    assert clinic.post(f"{CASES}/{case_id}/level", json={"bti_level": 1}).status_code == 200
    _, strict = make_hub(require_if_match=True)
    other = strict.system("Tysvær helsestasjon", "health", kommune="1146")
    strict_case, _, _ = make_case(other, kommune="1146")
    required = other.post(f"{CASES}/{strict_case}/level", json={"bti_level": 1})
    assert required.status_code == 428 and "If-Match" in required.json()["detail"]
    etag = other.get(f"{CASES}/{strict_case}").headers["etag"]
    assert other.post(f"{CASES}/{strict_case}/level", json={"bti_level": 1}, headers={"If-Match": etag}).status_code == 200
    # appends change no existing object: no If-Match needed
    assert other.post(f"{CASES}/{strict_case}/entries", json={"kind": "note", "category": "health", "text": "x"}).status_code == 201
