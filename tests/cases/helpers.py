"""Small builders for case tests: a child and an open case through the real API, by an authenticated caller."""

from hub.canonical.vocab import FNR_SYSTEM


def make_child(caller, fnr="21030550231", **extra):
    response = caller.post("/api/v1/children", json={"identifiers": [{"system": FNR_SYSTEM, "value": fnr}], **extra})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def make_case(caller, *, kommune="1106", level=0, coordinator="Kari Koordinator", fnr="21030550231", participants=()):
    child = make_child(caller, fnr)
    body = {
        "child_id": child,
        "municipality": kommune,
        "bti_level": level,
        "participants": [{"organization_id": caller.org, "role": "health"}, *participants],
        "coordinator": {"person_name": coordinator, "organization_id": caller.org},
    }
    response = caller.post("/api/v1/cases", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"], caller.org, child
