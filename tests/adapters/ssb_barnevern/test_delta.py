"""Delta semantics: source ids are the SSB Ids (stable across total and changes extracts), and applying the
changes/total files in order, as the package docstring tells the ingest pipeline to, converges to the total.
"""

from __future__ import annotations

from typing import Any

from hub.canonical import ParsedBatch
from tests.adapters.ssb_barnevern.conftest import parse_example

RETRACTED = "retracted"


def apply(state: dict[str, Any], batch: ParsedBatch) -> dict[str, Any]:
    """The documented pipeline rule, keyed by (source system, source_id) for one Sak (a test oracle)."""
    listed = {r.source_id: r for r in [*batch.entries, *batch.measures]}
    if batch.is_full_extract:  # a total lists the whole Sak: what it does not list is retracted
        for sid in state:
            if sid not in listed:
                state[sid] = RETRACTED
    for sid, record in listed.items():
        state[sid] = RETRACTED if getattr(record, "retracted", False) else record.model_dump(mode="json")
    return state


def live(state: dict[str, Any]) -> dict[str, Any]:
    return {sid: content for sid, content in state.items() if content != RETRACTED}


def run(*names: str) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for name in names:
        batch = parse_example(name)
        assert batch.source_system == "SSB/OJJ's Manuell Touch"
        apply(state, batch)
    return state


def test_changed_record_keeps_its_source_id():
    first = parse_example("test01_file01_changes.xml").entries[0]
    second = next(e for e in parse_example("test01_file02_changes.xml").entries if e.kind == first.kind)
    assert first.source_id == second.source_id == "Melding/bb6b82ea-c3da-4882-b591-cccd833c262d"
    assert first.payload["start_date"] == "2021-01-02" and second.payload["start_date"] == "2021-01-01"


def test_changes_and_total_of_one_extract_give_the_same_records():
    changes, total = parse_example("test01_file02_changes.xml"), parse_example("test01_file02_total.xml")
    assert changes.extract_id == total.extract_id and changes.previous_extract_id == total.previous_extract_id
    assert {e.source_id: e for e in changes.entries} == {e.source_id: e for e in total.entries}


def test_changes_chain_is_linked_by_forrige_id():
    ids = [parse_example(f"test01_file0{i}_changes.xml") for i in (1, 2, 3)]
    assert ids[1].previous_extract_id == ids[0].extract_id
    assert ids[2].previous_extract_id == ids[1].extract_id


def test_changes_01_to_03_applied_in_order_equal_total_03():
    assert live(run("test01_file01_changes.xml", "test01_file02_changes.xml", "test01_file03_changes.xml")) == live(
        run("test01_file03_total.xml")
    )


def test_files_01_to_06_applied_in_order_equal_total_06():
    state = run(
        "test01_file01_changes.xml", "test01_file02_changes.xml", "test01_file03_changes.xml",
        "test01_file04_total.xml", "test01_file05_total.xml", "test01_file06_total.xml",
    )
    assert live(state) == live(run("test01_file06_total.xml"))
    # the investigation of files 02-03 is not in the later totals: the pipeline retracts it
    assert state["Undersokelse/b6ef9c26-c3b9-4679-8b61-af5437891488"] == RETRACTED
