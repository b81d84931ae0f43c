"""KS bekymringsmelding examples through POST /api/v1/ingest/ks-bekymringsmelding: every official example is stored
or refused with a stated schema reason; the public v2 report as the hub stores it, read back through the API.
"""

import pytest

from hub.canonical.vocab import FNR_SYSTEM, KOMMUNENUMMER_SYSTEM
from tests.ingest.helpers import row_counts
from tests.shared_data import require_shared, shared_files

INGEST = "/api/v1/ingest/ks-bekymringsmelding"
EXAMPLES = ("ks-bekymringsmelding", "schema", "examples")

# name -> format_version stored, or the reason a refusal must name
OUTCOME = {
    "offentligBekymringsmeldingV1.json": ("stored", "offentlig.v1"),
    "offentligBekymringsmeldingV2.json": ("stored", "offentlig.v2"),
    "privatBekymringsmeldingV1.json": ("stored", "privat.v1"),
    "privatBekymringsmeldingV2.json": ("stored", "privat.v1"),  # privat v1 and v2 bodies are indistinguishable
    "feilmelding.json": ("refused", "KS error receipt (feilmelding"),
    "feilmelding_tom.json": ("refused", "KS error receipt (feilmelding"),
}


@pytest.fixture
def service(callers):
    """Bergen's child welfare service receiving reports from KS Fiks IO."""
    return callers.system("Barneverntjenesten Bergen", "child_welfare", kommune="1201", scopes=("ingest", "case.read"))


def example(name: str) -> bytes:
    return (require_shared(*EXAMPLES) / name).read_bytes()


def push(caller, payload: bytes):
    return caller.post(INGEST, content=payload, headers={"content-type": "application/json"})


def test_every_example_is_covered_here():
    require_shared(*EXAMPLES)
    assert {p.name for p in shared_files(*EXAMPLES, pattern="*.json")} == set(OUTCOME)


@pytest.mark.parametrize("name", sorted(OUTCOME))
def test_example_is_stored_or_refused_with_its_reason(service, engine, name):
    outcome, detail = OUTCOME[name]
    before = row_counts(engine)
    response = push(service, example(name))
    if outcome == "refused":
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("application/problem+json")
        assert detail in response.json()["detail"] and "not a bekymringsmelding" in response.json()["detail"]
        assert row_counts(engine) == before
        return
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["format_version"] == detail and report["warnings"] == [] and report["not_mapped"] == []
    assert len(report["children"]) == len(report["cases"]) == 2  # two children named, one case each
    names = []
    for child_id, case_id in zip(report["children"], report["cases"], strict=True):
        names.append(service.get(f"/api/v1/children/{child_id}").json()["names"][0]["text"])
        case = service.get(f"/api/v1/cases/{case_id}").json()
        assert case["municipality"] == "1201" and case["child_id"] == child_id
        (entry,) = case["entries"]
        assert (entry["kind"], entry["category"], entry["sensitivity"]) == ("referral", "child_welfare", "confidential")
        assert entry["text"].startswith("Her kommer selve innholdet i bekymringsmeldingen!")
        assert entry["payload"]["message_type"] == f"no.ks.fiks.bekymringsmelding.{detail}"
    assert names == ["Barn Barnesen", "Bare Barnet"]
    counts = row_counts(engine)
    assert push(service, example(name)).json()["created"] == 0
    assert row_counts(engine) == counts


def test_public_v2_report_as_the_hub_stores_it(service):
    response = push(service, example("offentligBekymringsmeldingV2.json"))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["format_version"] == "offentlig.v2"

    children = [service.get(f"/api/v1/children/{c}").json() for c in report["children"]]
    assert [(c["names"][0]["text"], [(i["system"], i["value"]) for i in c["identifiers"]]) for c in children] == [
        ("Barn Barnesen", [(FNR_SYSTEM, "28071364498")]),
        ("Bare Barnet", [(FNR_SYSTEM, "16081688781")]),
    ]
    assert children[0]["address"]["lines"] == ["Rådhusgaten 10"] and children[0]["address"]["postal_code"] == "5020"
    assert [[g["names"][0]["text"] for g in c["guardians"]] for c in children] == [["Foresatt Foresatt"]] * 2
    assert children[0]["guardians"][0]["contact"] == [{"system": "phone", "value": "45444342", "use": None}]

    case = service.get(f"/api/v1/cases/{report['cases'][0]}").json()
    assert case["municipality"] == "1201"  # the report's kommunenummer, not the sender's
    roles = {p["role"]: p["organization_id"] for p in case["participants"]}
    # the reporter is no participant: reporting a concern gives no access to the case
    assert set(roles) == {"source", "receiver"} and roles["source"] == service.org
    bundle = service.get(f"/api/v1/cases/{case['id']}/export", params={"format": "fhir-r4"}).json()
    organizations = [r["resource"] for r in bundle["entry"] if r["resource"]["resourceType"] == "Organization"]
    districts = [o for o in organizations if {"system": KOMMUNENUMMER_SYSTEM, "value": "1201"} in o.get("identifier", [])]
    assert [o["name"] for o in districts] == ["Bergen, bydel Bergenhus"]
    (entry,) = case["entries"]
    reporter_org = service.get(f"/api/v1/organizations/{entry['author_organization_id']}").json()
    assert (reporter_org["name"], reporter_org["orgnr"]) == ("Lærerskolen", "123455789")
    receiver_org = service.get(f"/api/v1/organizations/{roles['receiver']}").json()
    assert receiver_org["name"] == "Bergen, bydel Bergenhus"

    assert (entry["kind"], entry["category"], entry["sensitivity"]) == ("referral", "child_welfare", "confidential")
    assert entry["author_name"] == "Navnesen Navn Mellomnavn"
    assert entry["occurred_at"] == "2020-03-16T12:29:33Z"  # 13:29:33 Europe/Oslo
    assert entry["text"] == (
        "Her kommer selve innholdet i bekymringsmeldingen!\n\n"
        "Historikk:\nHer kommer selve historien i bekymringsmeldingen!\n\n"
        "Andre synspunkter:\nHer kommer andre synspunkter i bekymringsmeldingen!"
    )
    payload = entry["payload"]
    assert payload["municipality"] == {"number": "1201", "name": "Bergen"}
    assert payload["district"] == {"number": "02", "name": "Bergenhus"}
    assert payload["reporter"]["name"] == "Navnesen Navn Mellomnavn" and payload["reporter"]["role"] == "Lærer"
    assert payload["reporter"]["organization"]["orgnr"] == "123455789"
    assert payload["child_informed"] is False
    assert entry["source_format"] == "ks-bekymringsmelding" and entry["raw_checksum"] == report["raw_checksum"]
