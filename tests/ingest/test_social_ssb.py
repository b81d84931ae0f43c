"""SSB barnevern examples through POST /api/v1/ingest/ssb-barnevern: what the hub stores per file (read back by the
pushing caller), re-sends change nothing, invalid.xml is refused whole, and v4.0.1 equals its v1.2 equivalent.
"""

from pathlib import Path

import pytest

from tests.ingest.helpers import row_counts
from tests.ingest.snapshot import case_snapshot
from tests.shared_data import require_shared, shared_files

INGEST = "/api/v1/ingest/ssb-barnevern"
SCOPES = ("ingest", "case.read")
V4_FIXTURE = Path(__file__).resolve().parents[1] / "adapters" / "ssb_barnevern" / "fixtures" / "v4_example.xml"

SAK = "7317a453-2d65-465a-9589-519311d66579"
MELDING = "Melding/bb6b82ea-c3da-4882-b591-cccd833c262d"
UNDERSOKELSE_1 = "Undersokelse/b6ef9c26-c3b9-4679-8b61-af5437891488"
UNDERSOKELSE_SAK = f"Undersokelse/{SAK}"
UNDERSOKELSE_9 = "Undersokelse/d28aa453-724a-4538-8c4e-2f27b36b7530"
VEDTAK_SAK = f"Vedtak/{SAK}"
VEDTAK_9A = "Vedtak/5365c6e6-be78-4a3e-8b28-b7af12085ede"
VEDTAK_9B = "Vedtak/ab0e61dd-1703-40e9-a6eb-d3cab2dc47ce"
PLAN_9 = "Plan/0b6ceeba-677d-45da-bf4d-cb14e3631c28"
INVESTIGATE = ("2", "investigation")
MEASURES = ("1", "measures")
HOME_CONSULTANT = "Hjemmekonsulent/miljøarbeider"

# Per file, pushed alone into a fresh hub: entries {source id: kind}, the referral's reporter code and conclusion,
# investigations' conclusions, decisions (legal basis, status codes), plans (type, evaluation dates), measures.
EXPECTED = {
    "test01_file01_changes.xml": {
        "entries": {MELDING: "referral"}, "reporter": "23", "referral_conclusion": None,
        "investigations": {}, "decisions": {}, "plans": {}, "measures": [],
    },
    "test01_file01_total.xml": {
        "entries": {MELDING: "referral"}, "reporter": "23", "referral_conclusion": None,
        "investigations": {}, "decisions": {}, "plans": {}, "measures": [],
    },
    "test01_file02_changes.xml": {
        "entries": {MELDING: "referral", UNDERSOKELSE_1: "assessment"}, "reporter": "1", "referral_conclusion": INVESTIGATE,
        "investigations": {UNDERSOKELSE_1: None}, "decisions": {}, "plans": {}, "measures": [],
    },
    "test01_file02_total.xml": {
        "entries": {MELDING: "referral", UNDERSOKELSE_1: "assessment"}, "reporter": "1", "referral_conclusion": INVESTIGATE,
        "investigations": {UNDERSOKELSE_1: None}, "decisions": {}, "plans": {}, "measures": [],
    },
    "test01_file03_changes.xml": {
        "entries": {UNDERSOKELSE_1: "assessment"}, "reporter": None, "referral_conclusion": None,
        "investigations": {UNDERSOKELSE_1: MEASURES}, "decisions": {}, "plans": {}, "measures": [],
    },
    "test01_file03_total.xml": {
        "entries": {MELDING: "referral", UNDERSOKELSE_1: "assessment"}, "reporter": "1", "referral_conclusion": INVESTIGATE,
        "investigations": {UNDERSOKELSE_1: MEASURES}, "decisions": {}, "plans": {}, "measures": [],
    },
    "test01_file04_total.xml": {
        "entries": {MELDING: "referral", UNDERSOKELSE_SAK: "assessment", VEDTAK_SAK: "decision"}, "reporter": "1",
        "referral_conclusion": INVESTIGATE, "investigations": {UNDERSOKELSE_SAK: MEASURES},
        "decisions": {VEDTAK_SAK: ("BVL § 4-12 (1)", ["1"], "2021-04-08", None)}, "plans": {}, "measures": [],
    },
    "test01_file05_total.xml": {
        "entries": {MELDING: "referral", UNDERSOKELSE_SAK: "assessment", VEDTAK_SAK: "decision"}, "reporter": "1",
        "referral_conclusion": INVESTIGATE, "investigations": {UNDERSOKELSE_SAK: MEASURES},
        "decisions": {VEDTAK_SAK: ("BVL § 4-12 (1)", ["3"], "2021-04-08", "2021-04-09")}, "plans": {},
        "measures": [(HOME_CONSULTANT, "active", "2021-04-08", None, "BVL § 4-12 (1)")],
    },
    "test01_file06_total.xml": {
        "entries": {MELDING: "referral", UNDERSOKELSE_SAK: "assessment", VEDTAK_SAK: "decision"}, "reporter": "1",
        "referral_conclusion": INVESTIGATE, "investigations": {UNDERSOKELSE_SAK: MEASURES},
        "decisions": {VEDTAK_SAK: ("BVL § 4-12 (1)", ["3"], "2021-04-08", "2021-04-09")}, "plans": {},
        "measures": [(HOME_CONSULTANT, "active", "2021-04-08", None, "BVL § 4-12 (1)")],
    },
    "test01_file09_total.xml": {
        "entries": {
            MELDING: "referral", UNDERSOKELSE_9: "assessment", VEDTAK_9A: "decision", VEDTAK_9B: "decision",
            PLAN_9: "document",
        },
        "reporter": "1", "referral_conclusion": INVESTIGATE, "investigations": {UNDERSOKELSE_9: MEASURES},
        "decisions": {
            VEDTAK_9A: ("BVL § 4-12 (1)", ["3", "1"], "2021-04-08", "2021-04-09"),
            VEDTAK_9B: ("BVL § 4-12 (1)", ["3"], "2021-07-08", "2021-07-09"),
        },
        "plans": {PLAN_9: ("1", ["2021-10-12", "2022-01-12"])},
        "measures": [(HOME_CONSULTANT, "stopped", "2021-04-08", "2021-07-09", "BVL § 1-1 (1)")],
    },
}


def extract_of(name: str) -> str:
    return "total" if name.endswith("_total.xml") else "changes"


def push(caller, payload: bytes, extract: str, **params):
    return caller.post(INGEST, content=payload, params=params, headers={"content-type": f"application/xml; extract={extract}"})


@pytest.fixture
def service(callers):
    """The child welfare service's fagsystem, pushing its SSB extracts."""
    return callers.system("Barneverntjenesten", "child_welfare", scopes=SCOPES)


def test_every_valid_example_is_covered_here():
    names = {p.name for p in shared_files("ssb-barnevern", "examples", pattern="*.xml")} - {"invalid.xml"}
    require_shared("ssb-barnevern", "examples")
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_is_stored_as_mapped_and_resending_changes_nothing(service, engine, name):
    expected = EXPECTED[name]
    payload = (require_shared("ssb-barnevern", "examples") / name).read_bytes()
    first = push(service, payload, extract_of(name))
    assert first.status_code == 200, first.text
    report = first.json()
    assert report["format"] == "ssb-barnevern" and report["format_version"] == "1.2"
    (case_id,) = report["cases"]
    case = service.get(f"/api/v1/cases/{case_id}").json()
    assert case["municipality"] == "3401"  # the Avgiver's Kommunenummer

    entries = {e["source_record_id"]: e for e in case["entries"] if not e["retracted"]}
    assert {sid: e["kind"] for sid, e in entries.items()} == expected["entries"]
    assert all(e["category"] == "child_welfare" and e["sensitivity"] == "confidential" for e in case["entries"])
    assert all(e["source_format"] == "ssb-barnevern" and e["mapping_version"] == "ssb-barnevern/1" for e in case["entries"])

    if expected["reporter"] is not None:
        melding = entries[MELDING]
        assert melding["text"] == "Bekymringsmelding mottatt"
        assert [r["code"] for r in melding["payload"]["reporters"]] == [expected["reporter"]]
        conclusion = melding["payload"]["conclusion"]
        assert (conclusion and (conclusion["code"], conclusion["outcome"])) == (expected["referral_conclusion"] or None)
    for sid, outcome in expected["investigations"].items():
        conclusion = entries[sid]["payload"]["conclusion"]
        assert (conclusion and (conclusion["code"], conclusion["outcome"])) == (outcome or None)
    decisions = {
        sid: (
            e["payload"]["legal_basis"]["text"],
            [c["code"] for c in e["codes"]],
            e["payload"]["start_date"],
            e["payload"]["end_date"],
        )
        for sid, e in entries.items()
        if e["kind"] == "decision"
    }
    assert decisions == expected["decisions"]
    plans = {
        sid: (e["payload"]["plan_type"]["code"], [ev["date"] for ev in e["payload"]["evaluations"]])
        for sid, e in entries.items()
        if sid.startswith("Plan/")
    }
    assert plans == expected["plans"]
    measures = [
        (m["description"], m["status"], m["start_date"], m["end_date"], m["payload"]["legal_basis"]["text"])
        for m in case["measures"]
        if not m["retracted"]
    ]
    assert measures == expected["measures"]
    for measure in case["measures"]:
        assert (measure["category"], measure["sensitivity"]) == ("child_welfare", "confidential")
        assert measure["payload"]["kategori"] == {"code": "3.10", "display": HOME_CONSULTANT, "category": "home"}
        assert measure["responsible_organization_id"] in {p["organization_id"] for p in case["participants"]}

    before = row_counts(engine)
    again = push(service, payload, extract_of(name))
    assert again.status_code == 200, again.text
    assert row_counts(engine) == before
    assert again.json()["created"] == again.json()["updated"] == 0
    assert again.json()["unchanged"] == report["created"] + report["updated"]
    assert service.get(f"/api/v1/cases/{case_id}").json()["entries"] == case["entries"]


def test_invalid_example_is_refused_naming_the_missing_element_and_nothing_is_stored(service, engine):
    before = row_counts(engine)
    payload = (require_shared("ssb-barnevern", "examples") / "invalid.xml").read_bytes()
    response = push(service, payload, "total")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400 and problem["type"].endswith("/payload-rejected")
    assert "required element Avgiver is missing" in problem["detail"] and "v1.2" in problem["detail"]
    assert problem["location"] == "/Barnevern/Sak"
    assert row_counts(engine) == before  # not even the raw archive keeps a refused payload


def test_v4_fixture_is_stored_like_its_v12_equivalent(make_hub):
    """tests/adapters/ssb_barnevern/fixtures/v4_example.xml is test01_file09_total.xml in the v4.0.1 form."""
    snapshots, versions, municipalities = [], [], []
    for payload in (V4_FIXTURE.read_bytes(), (require_shared("ssb-barnevern", "examples") / "test01_file09_total.xml").read_bytes()):
        _, hub_callers = make_hub()
        caller = hub_callers.system("Barneverntjenesten", "child_welfare", scopes=SCOPES)
        response = push(caller, payload, "total")
        assert response.status_code == 200, response.text
        report = response.json()
        versions.append(report["format_version"])
        (case_id,) = report["cases"]
        snapshots.append(case_snapshot(caller, case_id))
        municipalities.append(caller.get(f"/api/v1/cases/{case_id}").json()["municipality"])
    assert versions == ["4.0.1", "1.2"]
    assert municipalities == ["3401", "3401"]
    v4, v12 = snapshots
    assert v4 == v12
    assert len(v4["entries"]) == 5 and len(v4["measures"]) == 1
