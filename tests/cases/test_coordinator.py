"""The baton (stafettholder): a handover is not effective until the new coordinator accepts; history shows who held it when."""

import pytest

from tests.cases.helpers import make_case

CASES = "/api/v1/cases"


@pytest.fixture
def client(callers):
    return callers.system("Haugesund helsestasjon", "health")


def test_handover_needs_acceptance_by_the_new_coordinator(client, callers):
    case_id, _org, _ = make_case(client, coordinator="Kari")
    school = callers.system("Skole", "school")
    proposal = client.post(f"{CASES}/{case_id}/coordinator/proposals", json={"person_name": "Per", "organization_id": school.org, "proposed_by": "Kari"}).json()
    assert proposal["status"] == "proposed"
    assert client.get(f"{CASES}/{case_id}").json()["coordinator"]["person_name"] == "Kari"

    by_the_old_holder = client.post(f"{CASES}/{case_id}/coordinator/proposals/{proposal['id']}/accept")
    assert by_the_old_holder.status_code == 403
    accepted = school.post(f"{CASES}/{case_id}/coordinator/proposals/{proposal['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    case = client.get(f"{CASES}/{case_id}").json()
    assert case["coordinator"]["person_name"] == "Per"
    history = {h["person_name"]: h for h in case["coordinator_history"]}
    assert history["Kari"]["ended_at"] == history["Per"]["started_at"]
    assert history["Kari"]["started_at"] < history["Per"]["started_at"]


def test_declined_handover_leaves_the_baton(client):
    case_id, _, _ = make_case(client, coordinator="Kari")
    proposal = client.post(f"{CASES}/{case_id}/coordinator/proposals", json={"person_name": "Per"}).json()
    declined = client.post(f"{CASES}/{case_id}/coordinator/proposals/{proposal['id']}/decline", json={"reason": "permisjon"})
    assert declined.json()["status"] == "declined" and declined.json()["decline_reason"] == "permisjon"
    assert client.get(f"{CASES}/{case_id}").json()["coordinator"]["person_name"] == "Kari"
    again = client.post(f"{CASES}/{case_id}/coordinator/proposals/{proposal['id']}/accept")
    assert again.status_code == 409


def test_unknown_proposal_is_404(client):
    case_id, _, _ = make_case(client)
    assert client.post(f"{CASES}/{case_id}/coordinator/proposals/00000000-0000-0000-0000-000000000000/accept").status_code == 404
