"""hub.mappings: every ConceptMap in mappings/ loads and validates; look-ups, validity dates, loud failures;
every code used in the real SSB examples has a mapping or an explicit "unmatched" rule.
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from adapters.ssb_barnevern import adapter
from hub.mappings import DEFAULT_FOLDER, MappingError, default_mappings, load_mappings, translate
from tests.shared_data import require_shared, shared_files

SSB_EXAMPLES = shared_files("ssb-barnevern", "examples", pattern="test01_*.xml")


def test_every_conceptmap_in_mappings_loads_and_validates():
    files = sorted(p.name for p in DEFAULT_FOLDER.glob("*.json"))
    mappings = load_mappings(DEFAULT_FOLDER)
    assert sorted(mappings.maps) == files
    assert {"ssb-barnevern-melder.json", "ssb-barnevern-saksinnhold.json", "ssb-barnevern-tiltak-kategori.json",
            "ssb-barnevern-melding-konklusjon.json", "ssb-barnevern-undersokelse-konklusjon.json"} <= set(files)


def test_translate_returns_canonical_target_or_none():
    assert translate("urn:ssb:barnevern:melder", "9") == ("kindergarten", "Kindergarten")
    assert translate("urn:ssb:barnevern:saksinnhold", "11") == ("child_welfare", "Child welfare")
    assert translate("urn:ssb:barnevern:tiltak-kategori", "3.10") == ("home", "Home")
    assert translate("urn:ssb:barnevern:undersokelse-konklusjon", "2")[0] == "board"
    assert translate("urn:ssb:barnevern:melder", "23") is None  # anonymous: explicitly unmatched
    assert translate("urn:ssb:barnevern:melder", "99") is None  # unknown
    assert default_mappings().has_rule("urn:ssb:barnevern:melder", "23")
    assert not default_mappings().has_rule("urn:ssb:barnevern:melder", "99")


def test_validity_dates_per_code_come_from_the_code_list():
    mappings = default_mappings()
    split = mappings.concept("urn:ssb:barnevern:melder", "15")  # Lege/Sykehus/Tannlege, split into 24 and 25
    assert (split.valid_from, split.valid_to) == (date(2013, 1, 1), date(2024, 12, 31))
    assert split.valid_on(date(2024, 6, 1)) and not split.valid_on(date(2025, 1, 1))
    henlagt = mappings.concept("urn:ssb:barnevern:melding-konklusjon", "1")  # "2025-31-12" in Kodelister.md
    assert henlagt.valid_to == date(2025, 12, 31)
    new = mappings.concept("urn:ssb:barnevern:saksinnhold", "1.1.01")
    assert new.valid_from == date(2026, 1, 1) and new.valid_to is None and new.display == "Fysisk helse og utvikling"


@pytest.mark.parametrize("example", SSB_EXAMPLES, ids=lambda p: p.name)
def test_every_code_in_a_real_example_has_a_mapping_or_an_unmatched_rule(example):
    batch = adapter.parse(example.read_bytes())
    codes = [c for r in [*batch.entries, *batch.measures] for c in r.codes]
    assert codes
    mappings = default_mappings()
    missing = [(c.system, c.code) for c in codes if not mappings.has_rule(c.system, c.code)]
    assert missing == []
    assert "unknown-code" not in {w.code for w in batch.warnings}


def test_code_lists_cover_every_code_the_v4_xsd_enumerates():
    from hub.core.safe_xml import parse_xml

    xs = "{http://www.w3.org/2001/XMLSchema}"
    root = parse_xml(require_shared("ssb-barnevern", "xsd", "Barnevern_v4.0.1.xsd").read_bytes())
    types = {"MelderType": "melder", "SaksinnholdType": "saksinnhold", "KategoriType": "tiltak-kategori"}
    mappings = default_mappings()
    for complex_type in root.iter(f"{xs}complexType"):
        list_name = types.get(complex_type.get("name"))
        if list_name is None:
            continue
        kode = next(a for a in complex_type.iter(f"{xs}attribute") if a.get("name") == "Kode")
        values = [e.get("value") for e in kode.iter(f"{xs}enumeration")]
        assert values, list_name
        missing = [v for v in values if mappings.concept(f"urn:ssb:barnevern:{list_name}", v) is None]
        assert missing == [], (list_name, missing)


def _copy(tmp_path, name):
    shutil.copy(DEFAULT_FOLDER / name, tmp_path / name)
    return tmp_path / name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda cm: cm["group"][0].update(element="not a list"), "group.0.element"),
        (lambda cm: cm.update(grup=[]), "grup"),
        (lambda cm: cm.update(status="not-a-status"), "status"),
        (lambda cm: cm["group"][0]["element"][0]["target"][0].update(equivalence="same"), "equivalence"),
    ],
)
def test_invalid_conceptmap_fails_loudly_naming_the_file(tmp_path, change, message):
    _copy(tmp_path, "ssb-barnevern-melder.json")
    broken = json.loads((DEFAULT_FOLDER / "ssb-barnevern-plantype.json").read_text())
    change(broken)
    (tmp_path / "broken-map.json").write_text(json.dumps(broken))
    with pytest.raises(MappingError, match=r"broken-map\.json") as caught:
        load_mappings(tmp_path)
    assert message in caught.value.detail


def test_not_a_conceptmap_and_bad_json_fail_naming_the_file(tmp_path):
    (tmp_path / "patient.json").write_text('{"resourceType": "Patient"}')
    with pytest.raises(MappingError, match=r"patient\.json"):
        load_mappings(tmp_path)
    (tmp_path / "patient.json").unlink()
    (tmp_path / "garbage.json").write_text("{not json")
    with pytest.raises(MappingError, match=r"garbage\.json"):
        load_mappings(tmp_path)


def test_two_files_mapping_the_same_code_conflict(tmp_path):
    _copy(tmp_path, "ssb-barnevern-melder.json")
    (tmp_path / "zz-copy.json").write_text((DEFAULT_FOLDER / "ssb-barnevern-melder.json").read_text())
    with pytest.raises(MappingError, match=r"zz-copy\.json"):
        load_mappings(tmp_path)
