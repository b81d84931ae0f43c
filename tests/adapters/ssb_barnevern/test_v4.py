"""The v4.0.1 form (identity in Sak/Personalia): same canonical content as v1.2; deletions, other record types."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.ssb_barnevern import adapter
from hub.canonical import EntryKind, MeasureStatus
from hub.canonical.compare import content_view
from hub.core.errors import PayloadRejected
from hub.core.safe_xml import load_schema, parse_xml
from tests.adapters.ssb_barnevern.conftest import CHANGES, FIXTURES, TOTAL, example
from tests.shared_data import require_shared

V4_EXAMPLE = (FIXTURES / "v4_example.xml").read_bytes()
V4_DELETIONS = (FIXTURES / "v4_deletions.xml").read_bytes()


@pytest.mark.parametrize("fixture", [V4_EXAMPLE, V4_DELETIONS])
def test_own_v4_fixtures_are_valid_against_the_v4_xsd(fixture):
    schema = load_schema(require_shared("ssb-barnevern", "xsd", "Barnevern_v4.0.1.xsd"))
    assert schema.validate(parse_xml(fixture).getroottree()), schema.error_log


def test_v4_document_has_the_same_canonical_content_as_its_v12_equivalent():
    v12 = adapter.parse(example("test01_file09_total.xml"), media_type=TOTAL)
    v4 = adapter.parse(V4_EXAMPLE, media_type=TOTAL)
    assert (v12.format_version, v4.format_version) == ("1.2", "4.0.1")
    assert content_view(v4) == content_view(v12)
    assert [e.source_id for e in v4.entries] == [e.source_id for e in v12.entries]
    assert v4.case_facts == v12.case_facts
    # the v1.2 file needs a tolerated XSD deviation, the v4 one does not
    assert "schema-code-deviation" not in {w.code for w in v4.warnings}


def test_v4_structural_error_is_rejected_naming_the_element():
    broken = V4_EXAMPLE.replace(b'<Fagsystem Versjon="1.0" Navn="OJJ\'s Manuell Touch" Leverandor="SSB"/>', b"")
    with pytest.raises(PayloadRejected) as caught:
        adapter.parse(broken)
    assert "v4.0.1" in caught.value.detail and "Fagsystem" in caught.value.detail


def test_not_xml_doctype_and_wrong_root_are_rejected():
    with pytest.raises(PayloadRejected, match="DOCTYPE"):
        adapter.parse(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><Barnevern>&e;</Barnevern>')
    with pytest.raises(PayloadRejected):
        adapter.parse(b"<Barnevern")
    with pytest.raises(PayloadRejected, match="Barnevern"):
        adapter.parse(b"<Other/>")
    with pytest.raises(PayloadRejected, match="extract"):
        adapter.parse(V4_EXAMPLE, media_type="application/xml; extract=sometimes")


def test_deletions_become_retractions_with_the_deleted_records_source_id():
    batch = adapter.parse(V4_DELETIONS, media_type=CHANGES)
    assert not batch.is_full_extract
    assert batch.previous_extract_id == "5a210829-3709-4178-b7bf-084362c42d26"
    entries = {e.source_id: e for e in batch.entries}
    # Slettet Type=Undersokelse / Tiltak (records of earlier extracts) and ErSlettet on a Melding and a Tiltak
    for sid, kind in [
        ("Undersokelse/b6ef9c26-c3b9-4679-8b61-af5437891488", EntryKind.assessment),
        ("Tiltak/be6dff10-c654-4a88-8310-a42d3e268e7d", EntryKind.note),
        ("Melding/c2b2c3d4-e5f6-4a1b-8c2d-3e4f5a6b7c8d", EntryKind.referral),
        ("Tiltak/e2b2c3d4-e5f6-4a1b-8c2d-3e4f5a6b7c8d", EntryKind.note),
    ]:
        assert entries[sid].retracted and entries[sid].kind is kind
    assert entries["Tiltak/be6dff10-c654-4a88-8310-a42d3e268e7d"].retracts == "measure"  # (was payload["retracts"])
    assert entries["Undersokelse/b6ef9c26-c3b9-4679-8b61-af5437891488"].payload["deleted_date"] == "2024-02-28"
    assert [m.source_id for m in batch.measures] == ["Tiltak/e1b2c3d4-e5f6-4a1b-8c2d-3e4f5a6b7c8d"]
    # a deleted Relasjon cannot be a retraction: reported; an ErSlettet relation is not attached
    assert "deletion-not-mapped" in {w.code for w in batch.warnings}
    assert entries["Undersokelse/d1b2c3d4-e5f6-4a1b-8c2d-3e4f5a6b7c8d"].related_refs == []


def test_other_record_types_identity_history_and_masked_id():
    batch = adapter.parse(V4_DELETIONS)
    entries = {e.source_id.split("/")[0]: e for e in batch.entries if not e.retracted}
    assert entries["Ettervern"].payload["conclusion"]["display"] == "Gitt tilbud om tiltak, akseptert"
    assert entries["Flytting"].payload["to"]["display"] == "Adresseendring"
    assert entries["OversendelseFylkesnemnd"].kind is EntryKind.referral
    assert entries["OversendelseFylkesnemnd"].payload["legal_basis"]["text"] == "BVL § 5-1"
    melding = entries["Melding"]
    assert [r["sector"] for r in melding.payload["reporters"]] == ["school", "health"]
    assert melding.payload["concern_areas"] == ["child_welfare", "education"]
    assert entries["Undersokelse"].payload["child_participation"]["code"] == "1.1"
    (measure,) = batch.measures
    assert measure.status is MeasureStatus.active and measure.start == date(2024, 2, 15)
    assert measure.payload["kategori"]["category"] == "early_childhood"
    assert measure.payload["grounds"][0]["category"] == "education"
    assert measure.payload["legal_basis"]["text"] == "BVL § 3-1 (2) a"
    assert measure.payload["follow_up"][0]["done"][0]["date"] == "2024-02-28"
    (org,) = batch.organizations
    assert batch.municipality == "1106" and org.name.endswith("Sentrum")
    (child,) = batch.children
    assert child.sex == "female" and child.birth_date == date(2010, 3, 15)
    # newest Personalia wins; its masked number (birth date + 55555) is kept unvalidated and warned about
    assert child.identifiers[0].system == "urn:ssb:barnevern:fodselsnummer-unvalidated"
    assert child.identifiers[0].value == "15031055555"
    assert "national-id-unvalidated" in {w.code for w in batch.warnings}
    assert any("older Personalia" in n.reason for n in batch.not_mapped)
    # Medvirkning codes are valid from 2026: using one in 2024 is reported
    assert any(w.code == "code-outside-validity" and "medvirkning" in w.message for w in batch.warnings)


def test_unknown_code_is_kept_with_its_system_and_reported():
    payload = V4_DELETIONS.replace(b'<Saksinnhold Kode="7"/>', b'<Saksinnhold Kode="77"/>')
    batch = adapter.parse(payload)
    melding = next(e for e in batch.entries if e.source_id.startswith("Melding/c1"))
    assert ("urn:ssb:barnevern:saksinnhold", "77", None) in [(c.system, c.code, c.display) for c in melding.codes]
    assert {"code": "77", "display": None, "category": None} in melding.payload["concerns"]
    codes = {w.code for w in batch.warnings}
    assert "unknown-code" in codes and "schema-code-deviation" in codes


def test_unborn_child_gets_expected_birth_date():
    payload = V4_EXAMPLE.replace(b'Kjonn="1"', b'Kjonn="0"')
    (child,) = adapter.parse(payload).children
    assert child.unborn and child.expected_birth_date == date(2010, 1, 2) and child.birth_date is None


@pytest.mark.parametrize(
    ("old", "new"),
    [(b'<Melder Kode="1"/>', b'<Melder Kode="99"/>'), (b'<Kategori Kode="3.10"/>', b'<Kategori Kode="9.9"/>')],
)
def test_code_outside_the_v12_xsd_enumeration_is_a_warning_not_a_rejection(old, new):
    batch = adapter.parse(example("test01_file09_total.xml").replace(old, new))
    deviations = [w for w in batch.warnings if w.code == "schema-code-deviation"]
    assert len(deviations) == 2  # the new code, and file09's own Krav/Konklusjon/@Kode
    assert "unknown-code" in {w.code for w in batch.warnings}


def test_missing_required_code_is_still_a_rejection():
    with pytest.raises(PayloadRejected, match="Kode"):
        adapter.parse(example("test01_file09_total.xml").replace(b'<Melder Kode="1"/>', b"<Melder/>"))
