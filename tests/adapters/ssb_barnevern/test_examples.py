"""Every SSB example extract parses to the expected canonical records (values from the real files)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.ssb_barnevern import adapter
from hub.canonical import CaseStatus, Category, EntryKind, MeasureStatus, Sector, Sensitivity
from hub.canonical.vocab import FNR_SYSTEM, ORGNR_SYSTEM
from hub.core.errors import PayloadRejected
from tests.adapters.ssb_barnevern.conftest import example, parse_example
from tests.shared_data import shared_files

SAK = "7317a453-2d65-465a-9589-519311d66579"
MELDING = "Melding/bb6b82ea-c3da-4882-b591-cccd833c262d"
EXAMPLES = [p.name for p in shared_files("ssb-barnevern", "examples", pattern="test01_*.xml")]


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_identifies_child_and_service(name):
    """The contract itself (tests/adapters/test_contract.py) runs on these examples too."""
    batch = adapter.parse(example(name))
    assert batch.format == "ssb-barnevern"
    assert batch.format_version == "1.2"
    assert batch.mapping_version == "ssb-barnevern/1"
    assert batch.municipality == "3401"
    assert batch.source_system == "SSB/OJJ's Manuell Touch"
    (org,) = batch.organizations
    assert org.sector is Sector.child_welfare and org.kommunenummer == "3401"
    assert org.identifiers[0].system == ORGNR_SYSTEM and org.identifiers[0].value == "944117784"
    (child,) = batch.children
    assert [(i.system, i.value) for i in child.identifiers] == [
        (FNR_SYSTEM, "02011088123"),
        ("urn:ssb:barnevern:journalnummer:3401", "test1"),
    ]
    assert child.birth_date == date(2010, 1, 2) and child.sex == "male"
    (case,) = batch.case_facts
    assert case.source_id == f"Sak/{SAK}" and case.municipality == "3401" and case.status is CaseStatus.open
    assert case.opened_at == datetime(2020, 12, 31, 23, 0, tzinfo=UTC)  # 2021-01-01 Europe/Oslo
    assert case.participants[0].org_ref == org.source_id
    for record in [*batch.entries, *batch.measures]:
        assert record.category is Category.child_welfare
        assert record.sensitivity is Sensitivity.confidential
        assert record.child_ref == child.source_id
    assert batch.extract_id
    # without the media-type parameter only the first extract of a chain (no ForrigeId) counts as full
    assert batch.is_full_extract == (batch.previous_extract_id is None)
    assert parse_example(name).is_full_extract == name.endswith("_total.xml")


def test_invalid_example_is_rejected_naming_the_missing_avgiver():
    with pytest.raises(PayloadRejected) as caught:
        adapter.parse(example("invalid.xml"))
    assert "Avgiver" in caught.value.detail and "missing" in caught.value.detail
    assert "v1.2" in caught.value.detail


def test_file01_referral_with_anonymous_reporter_and_concern_area(by_id):
    batch = parse_example("test01_file01_total.xml")
    assert batch.previous_extract_id is None and batch.extract_id == "8ed88ce5-07cc-40ff-8e3d-b8d9a2421de6"
    assert batch.measures == [] and len(batch.entries) == 1
    melding = by_id(batch.entries)[MELDING]
    assert melding.kind is EntryKind.referral
    assert melding.occurred_at == datetime(2020, 12, 31, 23, 0, tzinfo=UTC)
    assert melding.payload["start_date"] == "2021-01-01"
    assert melding.payload["reporters"] == [{"code": "23", "display": "Anonym", "sector": None}]
    assert melding.payload["concern_areas"] == ["health"]  # Saksinnhold 1: Foreldres somatiske sykdom
    assert ("urn:ssb:barnevern:melder", "23") in [(c.system, c.code) for c in melding.codes]
    assert melding.payload["conclusion"] is None


def test_file02_referral_conclusion_and_link_to_investigation(by_id):
    batch = parse_example("test01_file02_total.xml")
    assert batch.previous_extract_id == "8ed88ce5-07cc-40ff-8e3d-b8d9a2421de6"
    entries = by_id(batch.entries)
    melding = entries[MELDING]
    assert melding.payload["reporters"][0]["code"] == "1"
    assert melding.payload["conclusion"] == {
        "date": "2021-01-08", "code": "2", "outcome": "investigation",
        "display": "Ikke henlagt – konklusjonsdato melding (eventuelt 7 dager etter mottatt melding) er startdato undersøkelse",
    }
    assert melding.related_refs == ["Undersokelse/b6ef9c26-c3b9-4679-8b61-af5437891488"]
    assert melding.payload["relations"][0]["ssb_id"] == "2db45acc-7fea-40be-9360-2c6ea8233c0c"
    undersokelse = entries["Undersokelse/b6ef9c26-c3b9-4679-8b61-af5437891488"]
    assert undersokelse.kind is EntryKind.assessment and undersokelse.payload["conclusion"] is None


def test_file03_investigation_concluded_with_measures(by_id):
    batch = parse_example("test01_file03_total.xml")
    undersokelse = by_id(batch.entries)["Undersokelse/b6ef9c26-c3b9-4679-8b61-af5437891488"]
    assert undersokelse.payload["conclusion"]["outcome"] == "measures"
    assert undersokelse.payload["end_date"] == "2021-03-08"
    assert undersokelse.payload["grounds"][0]["code"] == "3"
    assert undersokelse.payload["concern_areas"] == ["health"]  # Saksinnhold 3: Foreldres rusmisbruk
    assert batch.measures == []


def test_file04_decision_and_dangling_relations_are_reported(by_id):
    batch = parse_example("test01_file04_total.xml")
    assert batch.measures == []
    entries = by_id(batch.entries)
    assert sorted(entries) == sorted([MELDING, f"Undersokelse/{SAK}", f"Vedtak/{SAK}"])  # one Id, three types
    vedtak = entries[f"Vedtak/{SAK}"]
    assert vedtak.kind is EntryKind.decision
    assert vedtak.payload["legal_basis"]["text"] == "BVL § 4-12 (1)"
    assert vedtak.payload["current_status"] == "1"
    assert [(c.code, c.display) for c in vedtak.codes] == [("1", "Godkjent")]
    assert entries[f"Undersokelse/{SAK}"].related_refs == [f"Vedtak/{SAK}"]
    # Melding/<Sak id> does not exist in the file: the relation is reported, not invented
    assert any("Melding/" + SAK in n.reason for n in batch.not_mapped)
    assert "relation-dangling" in {w.code for w in batch.warnings}
    # Vedtak status codes are valid from 2022-01-01, the decision is from 2021
    assert any(w.code == "code-outside-validity" and "vedtak-status" in w.message for w in batch.warnings)


def test_file05_measure_from_decision(by_id):
    batch = parse_example("test01_file05_total.xml")
    (measure,) = batch.measures
    assert measure.source_id == f"Tiltak/{SAK}"
    assert measure.description == "Hjemmekonsulent/miljøarbeider"
    assert measure.start == date(2021, 4, 8) and measure.end is None
    assert measure.status is MeasureStatus.active
    assert measure.payload["kategori"] == {"code": "3.10", "display": "Hjemmekonsulent/miljøarbeider", "category": "home"}
    assert measure.payload["legal_basis"]["text"] == "BVL § 4-12 (1)"
    assert measure.responsible_org_ref == batch.organizations[0].source_id
    vedtak = by_id(batch.entries)[f"Vedtak/{SAK}"]
    assert vedtak.payload["current_status"] == "3" and vedtak.payload["end_date"] == "2021-04-09"
    assert f"Tiltak/{SAK}" in vedtak.related_refs


def test_file06_relations_to_records_not_in_the_extract_are_reported(by_id):
    batch = parse_example("test01_file06_total.xml")
    assert len(batch.measures) == 1 and len(batch.entries) == 3
    melding = by_id(batch.entries)[MELDING]
    assert melding.related_refs == ["Undersokelse/d28aa453-724a-4538-8c4e-2f27b36b7530"]
    dangling = [n for n in batch.not_mapped if n.path.startswith("/Barnevern/Sak/Relasjon")]
    assert len(dangling) == 3


def test_file09_plan_evaluations_measure_supervision_and_two_decisions(by_id):
    batch = parse_example("test01_file09_total.xml")
    entries = by_id(batch.entries)
    plan = entries["Plan/0b6ceeba-677d-45da-bf4d-cb14e3631c28"]
    assert plan.kind is EntryKind.document
    assert plan.payload["plan_type"]["code"] == "1"
    assert plan.payload["evaluations"] == [{"date": "2021-10-12"}, {"date": "2022-01-12"}]
    decisions = [e for e in batch.entries if e.kind is EntryKind.decision]
    assert sorted(e.payload["start_date"] for e in decisions) == ["2021-04-08", "2021-07-08"]
    first = entries["Vedtak/5365c6e6-be78-4a3e-8b28-b7af12085ede"]
    assert first.payload["claims"][0]["conclusion"]["display"] == "Sendt til fylkesnemnd"
    (measure,) = batch.measures
    assert measure.source_id == "Tiltak/be6dff10-c654-4a88-8310-a42d3e268e7d"
    assert measure.status is MeasureStatus.stopped  # Opphevelse 1: tilbakeført til foreldre
    assert measure.end == date(2021, 7, 9)
    assert measure.payload["termination"]["code"] == "1"
    assert len(measure.payload["compared_legal_basis"]) == 2
    assert measure.payload["supervision"]["responsible"][0]["kommunenummer"] == "3401"
    undersokelse = entries["Undersokelse/d28aa453-724a-4538-8c4e-2f27b36b7530"]
    assert undersokelse.payload["extended_deadline"] == {"start_date": "2021-02-08", "granted": False}
    # Krav/Konklusjon/@Kode is not in the v1.2 XSD: kept, reported as a warning, not a rejection
    assert "schema-code-deviation" in {w.code for w in batch.warnings}
