"""SSB barnevern extracts through the pipeline: deltas applied in order equal the full extract; re-sends change nothing."""

import pytest

from tests.ingest.helpers import row_counts
from tests.ingest.snapshot import case_snapshot
from tests.shared_data import require_shared

ORDERED = [
    ("test01_file01_changes.xml", "changes"),
    ("test01_file02_changes.xml", "changes"),
    ("test01_file03_changes.xml", "changes"),
    ("test01_file04_total.xml", "total"),
    ("test01_file05_total.xml", "total"),
    ("test01_file06_total.xml", "total"),
]


@pytest.fixture
def client(callers):
    """The child welfare service's fagsystem, pushing its SSB extracts."""
    return callers.system("Barneverntjenesten", "child_welfare", scopes=("ingest", "case.read"))


def push(client, name, extract):
    payload = (require_shared("ssb-barnevern", "examples") / name).read_bytes()
    response = client.post(
        "/api/v1/ingest/ssb-barnevern", content=payload, headers={"content-type": f"application/xml; extract={extract}"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def only_case(reports):
    case_ids = {c for r in reports for c in r["cases"]}
    assert len(case_ids) == 1, f"every extract of the Sak lands on one case, got {case_ids}"
    return case_ids.pop()


def test_deltas_in_order_equal_the_full_extract(client, make_hub):
    in_order = case_snapshot(client, only_case([push(client, name, extract) for name, extract in ORDERED]))
    _, other_callers = make_hub()
    fresh = other_callers.system("Barneverntjenesten", "child_welfare", scopes=("ingest", "case.read"))
    full = case_snapshot(fresh, only_case([push(fresh, "test01_file06_total.xml", "total")]))
    assert in_order == full
    assert full["entries"] and full["measures"]
    assert all(e["category"] == "child_welfare" and e["sensitivity"] == "confidential" for e in full["entries"])


def test_investigation_dropped_by_a_later_total_is_retracted_not_deleted(client):
    case_id = only_case([push(client, name, extract) for name, extract in ORDERED])
    everything = case_snapshot(client, case_id, include_retracted=True)
    retracted = [e for e in everything["entries"] if e["retracted"]]
    assert any(e["source_record_id"] == "Undersokelse/b6ef9c26-c3b9-4679-8b61-af5437891488" for e in retracted)


def test_resending_an_extract_changes_nothing(client, engine):
    first = push(client, "test01_file06_total.xml", "total")
    before = row_counts(engine)
    again = push(client, "test01_file06_total.xml", "total")
    assert row_counts(engine) == before
    assert again["created"] == again["updated"] == 0 and again["unchanged"] == first["created"] + first["updated"]
