"""Cases over the API: open, list, level, close (then read-only), timeline with append-only corrections."""

import pytest

from tests.cases.helpers import make_case, make_child

CASES = "/api/v1/cases"


def note(org, text="Bekymring for språk", **extra):
    return {"kind": "note", "category": "health", "author_organization_id": org, "text": text, **extra}


@pytest.fixture
def client(callers):
    """Every test here acts as one health clinic with all case scopes."""
    return callers.system("Haugesund helsestasjon", "health")


def test_open_case_and_list_by_child_and_municipality(client):
    case_id, org, child = make_case(client, level=2)
    case = client.get(f"{CASES}/{case_id}").json()
    assert case["bti_level"] == 2 and case["status"] == "open" and case["municipality"] == "1106"
    assert case["participants"][0]["organization_id"] == org
    assert [c["id"] for c in client.get(CASES, params={"child_id": child}).json()] == [case_id]
    assert [c["id"] for c in client.get(CASES, params={"municipality": "1106"}).json()] == [case_id]
    assert client.get(CASES, params={"municipality": "1146"}).json() == []


def test_second_open_case_in_same_municipality_is_409(client):
    _case_id, _org, child = make_case(client)
    response = client.post(CASES, json={"child_id": child, "municipality": "1106"})
    assert response.status_code == 409


def test_unknown_child_or_organisation_is_404(client):
    assert client.post(CASES, json={"child_id": "00000000-0000-0000-0000-000000000001", "municipality": "1106"}).status_code == 404
    child = make_child(client)
    response = client.post(CASES, json={"child_id": child, "municipality": "1106", "participants": [{"organization_id": "00000000-0000-0000-0000-000000000002"}]})
    assert response.status_code == 404
    assert client.get(CASES, params={"child_id": child}).json() == []  # nothing half-written


def test_level_change_and_bounds(client):
    case_id, _, _ = make_case(client)
    assert client.post(f"{CASES}/{case_id}/level", json={"bti_level": 3}).json()["bti_level"] == 3
    assert client.post(f"{CASES}/{case_id}/level", json={"bti_level": 1}).json()["bti_level"] == 1
    assert client.post(f"{CASES}/{case_id}/level", json={"bti_level": 4}).status_code == 422


def test_closed_case_is_read_only(client):
    case_id, org, _ = make_case(client)
    closed = client.post(f"{CASES}/{case_id}/close", json={"status": "handed_off", "reason": "individuell plan opprettet"})
    assert closed.json()["status"] == "handed_off" and closed.json()["closed_at"]
    response = client.post(f"{CASES}/{case_id}/entries", json=note(org))
    assert response.status_code == 409 and "read-only" in response.json()["detail"]


def test_timeline_corrections_are_new_versions(client):
    case_id, org, _ = make_case(client)
    first = client.post(f"{CASES}/{case_id}/entries", json=note(org, "Første versjon", occurred_at="2026-03-01T10:00:00+01:00")).json()
    corrected = client.post(f"{CASES}/{case_id}/entries/{first['id']}/corrections", json={"reason": "skrivefeil", "text": "Rettet versjon"})
    assert corrected.status_code == 201
    second = corrected.json()
    assert second["version"] == 2 and second["previous_id"] == first["id"] and second["lineage_id"] == first["lineage_id"]
    timeline = client.get(f"{CASES}/{case_id}").json()["entries"]
    assert [(e["text"], e["version"]) for e in timeline] == [("Rettet versjon", 2)]
    assert timeline[0]["occurred_at"] == "2026-03-01T09:00:00Z"  # stored in UTC
    history = client.get(f"{CASES}/{case_id}/entries/{second['id']}/history").json()
    assert [h["text"] for h in history] == ["Første versjon", "Rettet versjon"]
    stale = client.post(f"{CASES}/{case_id}/entries/{first['id']}/corrections", json={"reason": "igjen", "text": "x"})
    assert stale.status_code == 409


def test_retraction_keeps_the_history(client):
    case_id, org, _ = make_case(client)
    first = client.post(f"{CASES}/{case_id}/entries", json=note(org)).json()
    retracted = client.post(f"{CASES}/{case_id}/entries/{first['id']}/corrections", json={"reason": "feil barn", "retract": True}).json()
    assert retracted["retracted"] is True and retracted["text"] == first["text"]
    assert len(client.get(f"{CASES}/{case_id}/entries/{first['id']}/history").json()) == 2


def test_entry_validation(client):
    case_id, org, _ = make_case(client)
    assert client.post(f"{CASES}/{case_id}/entries", json=note(org, kind="gossip")).status_code == 422
    assert client.post(f"{CASES}/{case_id}/entries", json={"kind": "note", "category": "health", "author_organization_id": org}).status_code == 422
    naive = client.post(f"{CASES}/{case_id}/entries", json=note(org, occurred_at="2026-03-01T10:00:00"))
    assert naive.status_code == 422 and "timezone" in naive.json()["detail"]
    someone_else = client.post(f"{CASES}/{case_id}/entries", json=note("00000000-0000-0000-0000-000000000003"))
    assert someone_else.status_code == 403 and "own name" in someone_else.json()["detail"]


def test_goals_measures_and_evaluations(client):
    case_id, org, _ = make_case(client)
    goal = client.post(f"{CASES}/{case_id}/goals", json={"description": "Trygg i barnehagen", "category": "early_childhood"}).json()
    home = client.post(
        f"{CASES}/{case_id}/measures",
        json={"description": "Lese sammen hver kveld", "category": "home", "responsible_home": True, "goal_ids": [goal["id"]], "start_date": "2026-01-01", "evaluation_due": "2026-04-01"},
    )
    assert home.status_code == 201, home.text
    by_org = client.post(f"{CASES}/{case_id}/measures", json={"description": "Språkgruppe", "category": "health", "responsible_organization_id": org})
    assert by_org.status_code == 201
    both = client.post(f"{CASES}/{case_id}/measures", json={"description": "x", "category": "home", "responsible_home": True, "responsible_organization_id": org})
    assert both.status_code == 422 and "exactly one responsible party" in both.json()["detail"]
    measure_id = home.json()["id"]
    evaluation = client.post(f"{CASES}/{case_id}/measures/{measure_id}/evaluations", json={"outcome": "continue", "text": "Går bra"})
    assert evaluation.status_code == 201
    client.post(f"{CASES}/{case_id}/measures/{measure_id}/status", json={"status": "completed"})
    case = client.get(f"{CASES}/{case_id}").json()
    measures = {m["description"]: m for m in case["measures"]}
    assert measures["Lese sammen hver kveld"]["responsible_home"] is True
    assert measures["Lese sammen hver kveld"]["status"] == "completed"
    assert measures["Lese sammen hver kveld"]["evaluations"][0]["text"] == "Går bra"
    assert measures["Språkgruppe"]["responsible_organization_id"] == org
    assert case["goals"][0]["description"] == "Trygg i barnehagen"


def test_measure_with_goal_of_another_case_is_404(client):
    case_id, _org, _ = make_case(client)
    response = client.post(f"{CASES}/{case_id}/measures", json={"description": "x", "category": "home", "responsible_home": True, "goal_ids": ["00000000-0000-0000-0000-000000000009"]})
    assert response.status_code == 404
