"""Small builders for case tests: an organisation, a child and an open case through the real API."""

from hub.canonical.vocab import FNR_SYSTEM


def make_org(client, name="Haugesund helsestasjon", sector="health", kommune="1106", orgnr=None):
    body = {"name": name, "sector": sector, "kommunenummer": kommune}
    if orgnr:
        body["orgnr"] = orgnr
    response = client.post("/api/v1/organizations", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def make_child(client, fnr="21030550231"):
    response = client.post("/api/v1/children", json={"identifiers": [{"system": FNR_SYSTEM, "value": fnr}]})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def make_case(client, *, org=None, kommune="1106", level=0, coordinator="Kari Koordinator"):
    org = org or make_org(client)
    child = make_child(client)
    body = {
        "child_id": child,
        "municipality": kommune,
        "bti_level": level,
        "participants": [{"organization_id": org, "role": "health"}],
        "coordinator": {"person_name": coordinator, "organization_id": org},
    }
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"], org, child
