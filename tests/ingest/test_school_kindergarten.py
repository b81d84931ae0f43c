"""Kindergarten and school data through the API: the kindergarten-v1 example ingests with its values, a kindergarten
report and a SIF StudentPersonal with the same national id land on one child and one case, and exports in both
formats validate against their schemas and re-ingest into a fresh hub to the same canonical content.
"""

from __future__ import annotations

import pytest

from adapters.kindergarten.constants import SCHEMA_PATH
from hub.canonical.vocab import FNR_SYSTEM
from hub.core.safe_xml import load_schema, parse_xml
from tests.examples import RECEIVING_SCHOOL_ORGNR, kindergarten_report
from tests.ingest.helpers import row_counts, take_into_case
from tests.ingest.snapshot import case_snapshot
from tests.school_pull.helpers import fixture, push
from tests.shared_data import require_shared

SIF_XSD = ("sif-au", "xsd", "SIF_AU_3.4.8_SIF_Message.xsd")


def assert_valid(schema_path, document: bytes) -> None:
    schema = load_schema(schema_path)
    assert schema.validate(parse_xml(document)), [str(e) for e in schema.error_log][:5]


@pytest.fixture
def kindergarten(callers):
    return callers.system("Solsikken barnehage", "kindergarten", scopes=("ingest", "case.read"))


@pytest.fixture
def school(callers):
    """The receiving school the example report's consent names (orgNr 971524960): that consent covers it alone."""
    organization = callers.organization("Skåredalen skole", "school", orgnr=RECEIVING_SCHOOL_ORGNR)
    return callers.system(scopes=("ingest", "case.read", "handover.read"), organization_id=organization)


def test_kindergarten_example_ingests_with_its_values(kindergarten, engine):
    report = push(kindergarten, "kindergarten-v1", kindergarten_report())
    assert report["format_version"] == "1.0" and len(report["children"]) == len(report["cases_opened"]) == 1
    case = kindergarten.get(f"/api/v1/cases/{report['cases'][0]}").json()
    assert case["municipality"] == "1106"
    child = kindergarten.get(f"/api/v1/children/{case['child_id']}").json()
    assert {(i["system"], i["value"]) for i in child["identifiers"]} >= {(FNR_SYSTEM, "15072052088")}
    assert child["names"][0]["given"] == ["Amina", "Sofie"] and child["birth_date"] == "2020-07-15"
    assert child["preferred_language"] == "so" and child["languages"] == ["so", "nb"]
    guardians = {g["relation"]: g for g in child["guardians"]}
    # the report asks that the mother may see the log: a payload only asks, the case's coordinator grants it
    assert (guardians["mor"]["may_see_log"], guardians["mor"]["log_access"]) == (False, "pending")
    assert (guardians["far"]["may_see_log"], guardians["far"]["log_access"]) == (False, "none")
    assert guardians["mor"]["parental_responsibility"] == "felles"
    kinds = sorted((e["kind"], e["category"], e["sensitivity"]) for e in case["entries"])
    assert kinds == sorted([
        ("highlight", "early_childhood", "normal"), ("highlight", "early_childhood", "normal"),
        ("observation", "early_childhood", "normal"), ("observation", "early_childhood", "normal"),
        ("observation", "early_childhood", "normal"), ("decision", "early_childhood", "sensitive"),
        ("meeting", "early_childhood", "normal"),
    ])
    measures = {m["description"]: m for m in case["measures"]}
    home = measures["Reading picture books in Somali and Norwegian at bedtime."]
    assert home["responsible_home"] is True and home["category"] == "home"
    group = measures["Daily small-group language play with picture support."]
    assert [(v["outcome"], v["text"]) for v in group["evaluations"]] == [("continue", "Clear progress in vocabulary.")]


def test_resending_the_kindergarten_example_changes_nothing(kindergarten, engine):
    push(kindergarten, "kindergarten-v1", kindergarten_report())
    before = row_counts(engine)
    again = push(kindergarten, "kindergarten-v1", kindergarten_report())
    assert row_counts(engine) == before and again["created"] == again["updated"] == 0


def test_kindergarten_report_then_sif_student_is_one_child_one_case(kindergarten, school, engine):
    first = push(kindergarten, "kindergarten-v1", kindergarten_report())
    # the school takes part in the case (a push alone would not make it a participant)
    take_into_case(engine, case_id=first["cases"][0], organization_id=school.org, role="school")
    second = push(school, "sif-au", fixture("sif-student-amina.xml"))
    assert second["children"] == first["children"] and second["cases"] == first["cases"]
    assert second["cases_opened"] == []
    assert row_counts(engine)["child"] == 1 and row_counts(engine)["case"] == 1
    case = school.get(f"/api/v1/cases/{first['cases'][0]}").json()
    roles = {p["role"] for p in case["participants"]}
    assert {"kindergarten", "school", "source"} <= roles
    child = school.get(f"/api/v1/children/{case['child_id']}").json()
    systems = {i["system"]: i["value"] for i in child["identifiers"]}
    assert systems[FNR_SYSTEM] == "15072052088"
    assert systems["urn:sif:au:refid:StudentPersonal"] == "0E8C1E4A-6C1B-4B0B-9E57-3F2A51C0A001"
    assert systems["urn:stafett:kindergarten:v1:child-id:974760673"] == "B-1077"


def _sif_part(snapshot: dict) -> dict:
    """What a SIF document can carry: SIF-origin entries and measures (source ids are SIF RefIds, kept)."""
    return {
        "entries": [e for e in snapshot["entries"] if "sif_object" in e["payload"]],
        "measures": [m for m in snapshot["measures"] if "sif_object" in m["payload"]],
    }


def _child(caller, case_id) -> dict:
    child = caller.get(f"/api/v1/children/{caller.get(f'/api/v1/cases/{case_id}').json()['child_id']}").json()
    return {"fnr": {i["value"] for i in child["identifiers"] if i["system"] == FNR_SYSTEM},
            "birth_date": child["birth_date"], "sex": child["sex"]}


def test_sif_export_and_handover_validate_and_round_trip(kindergarten, school, make_hub, engine):
    xsd = require_shared(*SIF_XSD)
    first = push(kindergarten, "kindergarten-v1", kindergarten_report())
    # the school takes part in the case (a push alone would not make it a participant)
    take_into_case(engine, case_id=first["cases"][0], organization_id=school.org, role="school")
    case_id = push(school, "sif-au", fixture("sif-student-amina.xml"))["cases"][0]
    exported = school.get(f"/api/v1/cases/{case_id}/export", params={"format": "sif-au"})
    assert exported.status_code == 200, exported.text
    assert_valid(xsd, exported.content)
    handover = school.get("/api/v1/handover", params={"identifier": f"{FNR_SYSTEM}|15072052088", "format": "sif-au"})
    assert handover.status_code == 200, handover.text
    assert_valid(xsd, handover.content)
    _, other = make_hub()
    receiver = other.system("Aksdal skule", "school", kommune="1146", scopes=("ingest", "case.read"))
    received = push(receiver, "sif-au", exported.content)["cases"][0]
    original, copy = case_snapshot(school, case_id), case_snapshot(receiver, received)
    assert _sif_part(copy) == _sif_part(original)
    assert len(_sif_part(copy)["entries"]) == 2
    # Kindergarten entries and measures have no SIF home: they legitimately do not survive a SIF round trip.
    assert len(original["entries"]) > len(copy["entries"]) and not copy["goals"]
    assert _child(receiver, received) == _child(school, case_id)


def test_kindergarten_export_validates_and_round_trips(kindergarten, make_hub):
    case_id = push(kindergarten, "kindergarten-v1", kindergarten_report())["cases"][0]
    exported = kindergarten.get(f"/api/v1/cases/{case_id}/export", params={"format": "kindergarten-v1"})
    assert exported.status_code == 200, exported.text
    assert_valid(SCHEMA_PATH, exported.content)
    _, other = make_hub()
    receiver = other.system("Solsikken barnehage", "kindergarten", scopes=("ingest", "case.read"))
    received = push(receiver, "kindergarten-v1", exported.content)["cases"][0]
    strip = lambda s: {k: [{f: v for f, v in i.items() if f != "source_record_id"} for i in s[k]] for k in s}  # noqa: E731
    assert strip(case_snapshot(receiver, received)) == strip(case_snapshot(kindergarten, case_id))
    assert _child(receiver, received) == _child(kindergarten, case_id)
