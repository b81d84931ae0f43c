"""The baton is decided exactly once: three accepts and three declines of one proposal sent at the same moment to a
served hub (on PostgreSQL they run in parallel) give one decision and five conflicts, and the case always has its
coordinator: the old one until an acceptance, the new one after.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.cases.helpers import make_case
from tests.served_callers import served_hub  # noqa: F401 - the fixture
from tests.transfer.scenario import fnr

CASES = "/api/v1/cases"
ROUNDS = 4


def _race(url: str, calls: list[tuple[str, str, dict | None, str]]) -> list[tuple[str, int]]:
    """Send every call at once (each from its own thread and connection, released together by a barrier)."""
    barrier = threading.Barrier(len(calls))

    def send(call):
        kind, path, body, token = call
        with httpx.Client(base_url=url, timeout=60) as http:
            barrier.wait()
            return kind, http.post(path, json=body, headers={"Authorization": f"Bearer {token}"}).status_code

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


def test_one_proposal_is_decided_once_and_the_case_never_loses_its_coordinator(served_hub):  # noqa: F811
    callers = served_hub.callers
    clinic = callers.system("Haugesund helsestasjon", "health")
    school = callers.system("Skåredalen skole", "school")
    winners = []
    for _ in range(ROUNDS):
        case_id, _, _ = make_case(clinic, coordinator="Kari", fnr=fnr())
        proposal = clinic.post(f"{CASES}/{case_id}/coordinator/proposals", json={"person_name": "Per", "organization_id": school.org})
        assert proposal.status_code == 201, proposal.text
        base = f"{CASES}/{case_id}/coordinator/proposals/{proposal.json()['id']}"
        calls = [("accept", f"{base}/accept", None, school.token)] * 3 + [("decline", f"{base}/decline", {"reason": "nei"}, school.token)] * 3
        answers = _race(served_hub.hub.url, calls)
        decided = [kind for kind, status in answers if status == 200]
        assert len(decided) == 1, answers
        assert sorted(status for _, status in answers) == [200, 409, 409, 409, 409, 409], answers
        case = clinic.get(f"{CASES}/{case_id}").json()
        history = {h["person_name"]: h for h in case["coordinator_history"]}
        assert case["coordinator"] is not None, "the case lost its coordinator"
        if decided == ["accept"]:
            assert case["coordinator"]["person_name"] == "Per" and history["Per"]["status"] == "accepted"
            assert history["Kari"]["ended_at"] == history["Per"]["started_at"]
        else:
            assert case["coordinator"]["person_name"] == "Kari" and history["Kari"]["ended_at"] is None
            assert history["Per"]["status"] == "declined"
        winners += decided
    assert set(winners) <= {"accept", "decline"}


def test_two_proposals_accepted_at_once_leave_one_holder(served_hub):  # noqa: F811
    callers = served_hub.callers
    clinic = callers.system("Haugesund helsestasjon", "health")
    school, ppt = callers.system("Skåredalen skole", "school"), callers.system("PPT Haugesund", "ppt")
    case_id, _, _ = make_case(clinic, coordinator="Kari", fnr=fnr())
    calls = []
    for who, caller in (("Per", school), ("Pia", ppt)):
        proposal = clinic.post(f"{CASES}/{case_id}/coordinator/proposals", json={"person_name": who, "organization_id": caller.org}).json()
        calls.append((who, f"{CASES}/{case_id}/coordinator/proposals/{proposal['id']}/accept", None, caller.token))
    answers = _race(served_hub.hub.url, calls)
    assert [status for _, status in answers] == [200, 200], answers  # both handovers happen, one after the other
    case = clinic.get(f"{CASES}/{case_id}").json()
    held = [h for h in case["coordinator_history"] if h["status"] == "accepted" and h["ended_at"] is None]
    assert len(held) == 1 and case["coordinator"]["id"] == held[0]["id"]
    assert sum(1 for h in case["coordinator_history"] if h["ended_at"] is not None) == 2  # Kari's and the first new one's
