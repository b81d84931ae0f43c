"""Tests of the KS bekymringsmelding adapter on the official KS examples and on own fixtures.

The schemas come from ../shared/data, so every test needs it (skip locally, fail in CI when absent).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.ks_bekymringsmelding import adapter
from adapters.ks_bekymringsmelding.mapping import UNVALIDATED_NATIONAL_ID_SYSTEM, UNVALIDATED_ORGNR_SYSTEM
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, KOMMUNENUMMER_SYSTEM, ORGNR_SYSTEM
from hub.core.errors import PayloadRejected
from tests.shared_data import require_shared, shared_files

EXAMPLES = ("ks-bekymringsmelding", "schema", "examples")
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _schemas_present() -> None:
    require_shared("ks-bekymringsmelding", "schema", "domain")


def _example(name: str) -> bytes:
    return (require_shared(*EXAMPLES) / name).read_bytes()


def _public_v2() -> dict:
    return json.loads(_example("offentligBekymringsmeldingV2.json"))


def _parse(report: dict, **kwargs):
    return adapter.parse(json.dumps(report, ensure_ascii=False).encode("utf-8"), **kwargs)


EXPECTED_OUTCOME = {
    "offentligBekymringsmeldingV1.json": "offentlig.v1",
    "offentligBekymringsmeldingV2.json": "offentlig.v2",
    "privatBekymringsmeldingV1.json": "privat.v1",
    # privat v1 and v2 schemas are identical, so the body alone reads as v1 (see test_message_type_sets_version)
    "privatBekymringsmeldingV2.json": "privat.v1",
    "feilmelding.json": "error receipt",
    "feilmelding_tom.json": "error receipt",
}


@pytest.mark.parametrize("path", shared_files(*EXAMPLES, pattern="*.json"), ids=lambda p: p.name)
def test_every_official_example_parses_or_is_rejected_with_a_reason(path: Path) -> None:
    expected = EXPECTED_OUTCOME[path.name]
    if expected == "error receipt":
        with pytest.raises(PayloadRejected, match="KS error receipt \\(feilmelding"):
            adapter.parse(path.read_bytes())
        return
    batch = adapter.parse(path.read_bytes())  # the contract itself: tests/adapters/test_contract.py
    assert batch.format == "ks-bekymringsmelding"
    assert batch.format_version == expected
    assert batch.municipality == "1201"
    assert [c.names[0].text for c in batch.children] == ["Barn Barnesen", "Bare Barnet"]
    assert len(batch.entries) == 2 and not batch.warnings and not batch.not_mapped


def test_public_v2_example_maps_municipality_district_children_and_reporter() -> None:
    batch = adapter.parse(_example("offentligBekymringsmeldingV2.json"))
    assert (batch.format, batch.format_version, batch.mapping_version) == (
        "ks-bekymringsmelding",
        "offentlig.v2",
        "ks-bekymringsmelding/1",
    )
    assert batch.municipality == "1201"
    receiver, reporter_org = batch.organizations
    assert receiver.source_id == "kommune:1201/bydel:02"
    assert receiver.name == "Bergen, bydel Bergenhus"
    assert receiver.kommunenummer == "1201" and receiver.sector == "child_welfare"
    assert receiver.identifiers[0].system == KOMMUNENUMMER_SYSTEM
    assert reporter_org.name == "Lærerskolen"
    assert [(i.system, i.value) for i in reporter_org.identifiers] == [(ORGNR_SYSTEM, "123455789")]

    first, second = batch.children
    assert [(i.system, i.value) for i in first.identifiers] == [(FNR_SYSTEM, "28071364498")]
    assert [(i.system, i.value) for i in second.identifiers] == [(FNR_SYSTEM, "16081688781")]
    assert first.address.lines == ["Rådhusgaten 10"] and first.address.postal_code == "5020"
    assert first.address.city == "Bergen"
    reason = "Synes det er vanskelig å snakke om dette."
    assert first.extra == {"informed": False, "informed_reason": reason, "phone": "12121212"}
    assert not first.unborn

    assert len(batch.guardians) == 2  # one guardian, linked to each of the two children
    assert {g.child_ref for g in batch.guardians} == {first.source_id, second.source_id}
    guardian = batch.guardians[0]
    assert guardian.names[0].text == "Foresatt Foresatt"
    assert guardian.contact[0].value == "45444342"
    assert guardian.extra == {"informed": True, "informed_reason": None}

    assert [(f.child_ref, f.municipality, f.status) for f in batch.case_facts] == [
        (first.source_id, "1201", "open"),
        (second.source_id, "1201", "open"),
    ]
    # the reporter is named in the referral entry only: reporting gives no part in (nor access to) the case
    assert [(p.org_ref, p.role) for p in batch.case_facts[0].participants] == [("kommune:1201/bydel:02", "receiver")]

    entry = batch.entries[0]
    assert (entry.kind, entry.category, entry.sensitivity) == ("referral", "child_welfare", "confidential")
    assert entry.child_ref == first.source_id
    assert entry.author_name == "Navnesen Navn Mellomnavn"
    assert entry.author_org_ref == reporter_org.source_id
    # local time without offset, read as Europe/Oslo (CET in March: UTC+1)
    assert entry.occurred_at == datetime(2020, 3, 16, 12, 29, 33, tzinfo=UTC)
    assert entry.text.startswith("Her kommer selve innholdet i bekymringsmeldingen!")
    assert "Her kommer andre synspunkter i bekymringsmeldingen!" in entry.text
    payload = entry.payload
    assert payload["district"] == {"number": "02", "name": "Bergenhus"}
    assert payload["municipality"] == {"number": "1201", "name": "Bergen"}
    assert payload["reporter"]["role"] == "Lærer"
    assert payload["reporter"]["email"] == "lærer@skole.no"
    assert payload["reporter"]["organization"]["address"]["adresselinje1"] == "Rosenkrantzgaten 3"
    assert payload["history"] == "Her kommer selve historien i bekymringsmeldingen!"
    assert payload["interpreter_need"] == "Nei, de snakker norsk."
    assert payload["other_agencies"] == "Nei, ikke vært i kontakt med andre hjelpeinstanser."
    assert payload["message_type"] == "no.ks.fiks.bekymringsmelding.offentlig.v2"
    assert payload["child_informed"] is False


def test_private_example_maps_reporter_as_person_without_organisation() -> None:
    batch = adapter.parse(_example("privatBekymringsmeldingV1.json"))
    assert batch.format_version == "privat.v1"
    assert [o.source_id for o in batch.organizations] == ["kommune:1201/bydel:02"]
    assert batch.guardians == []
    child = batch.children[0]
    assert child.identifiers == [] and child.extra == {"assumed_age": "10", "reporter_relation": "Nabo, fritekstfelt"}
    entry = batch.entries[0]
    assert entry.author_kind == "person" and entry.author_org_ref is None
    assert entry.author_name == "Navnesen Navn Mellomnavn"
    assert entry.text == "Her kommer selve innholdet i bekymringsmeldingen!"
    assert entry.payload["reporter"]["address"]["poststed"] == "Bergen"
    assert entry.occurred_at == datetime(2020, 3, 16, 23, 31, 56, tzinfo=UTC)


def test_message_type_sets_version() -> None:
    body = _example("privatBekymringsmeldingV2.json")
    media = "application/json; meldingstype=no.ks.fiks.bekymringsmelding.privat.v2"
    assert adapter.parse(body, media_type=media).format_version == "privat.v2"
    with pytest.raises(PayloadRejected, match=r"offentlig\.v2.*'offentligMelder' is a required property"):
        adapter.parse(body, media_type="application/json; meldingstype=no.ks.fiks.bekymringsmelding.offentlig.v2")


def test_source_ids_are_stable_across_resends_and_key_order() -> None:
    report = _public_v2()
    first = _parse(report)
    reordered = json.dumps(dict(reversed(list(report.items()))), indent=4).encode("utf-8")
    again = adapter.parse(reordered)
    ids = lambda b: [r.source_id for r in (*b.children, *b.guardians, *b.entries, *b.case_facts)]  # noqa: E731
    assert ids(first) == ids(again)
    assert len(set(ids(first))) == len(ids(first))
    changed = copy.deepcopy(report)
    changed["melding"]["melding"] = "En annen melding"
    assert ids(_parse(changed))[0] != ids(first)[0]


def test_schema_errors_are_named_with_path_and_message() -> None:
    report = _public_v2()
    del report["offentligBarn"][0]["fnr"]
    with pytest.raises(PayloadRejected, match=r"at /offentligBarn/0: 'fnr' is a required property") as caught:
        _parse(report)
    assert caught.value.location == "/offentligBarn/0"

    report = _public_v2()
    del report["offentligBarn"][1]["adresse"]["adresselinje1"]  # only checkable through the relative $ref
    with pytest.raises(PayloadRejected, match=r"at /offentligBarn/1/adresse: 'adresselinje1' is a required"):
        _parse(report)

    report = _public_v2()
    report["kommunenummer"] = "12"
    with pytest.raises(PayloadRejected, match=r"at /kommunenummer: '12' does not match"):
        _parse(report)


def test_payload_matching_no_schema_is_rejected_naming_both_schemas() -> None:
    both = r"matches no KS bekymringsmelding schema: offentlig\.v2 at /: .*privat\.v2 at /"
    with pytest.raises(PayloadRejected, match=both):
        adapter.parse(b'{"kommunenummer": "1201", "tekst": "hei"}')
    with pytest.raises(PayloadRejected, match="is a JSON object, not list"):
        adapter.parse(b"[]")
    with pytest.raises(PayloadRejected, match="malformed JSON"):
        adapter.parse(b'{"kommunenummer": ')
    with pytest.raises(PayloadRejected, match="mixes public"):
        adapter.parse(b'{"offentligBarn": [], "privatBarn": []}')


def test_own_fixture_unborn_child_invalid_ids_and_unknown_property() -> None:
    batch = adapter.parse((FIXTURES / "offentlig_v2_ufoedt.json").read_bytes())
    assert batch.format_version == "offentlig.v1"  # no v2-only field in the body
    assert batch.municipality == "1106"
    assert batch.organizations[0].source_id == "kommune:1106" and batch.organizations[0].name == "Haugesund"
    unborn, sister = batch.children
    assert unborn.unborn and unborn.identifiers == [] and unborn.expected_birth_date is None
    assert unborn.address.lines == ["Testveien 2", "Leilighet H0101"]
    assert unborn.extra["informed_reason"] == "Gjelder ufødt barn"
    assert [(i.system, i.value) for i in sister.identifiers] == [(UNVALIDATED_NATIONAL_ID_SYSTEM, "12345678901")]
    reporter_ids = [(i.system, i.value) for i in batch.organizations[1].identifiers]
    assert reporter_ids == [(UNVALIDATED_ORGNR_SYSTEM, "123456789")]
    assert [(w.code, w.path) for w in batch.warnings] == [
        ("orgnr-invalid", "/offentligMelder/virksomhet/orgnr"),
        ("national-id-invalid", "/offentligBarn/1/fnr"),
    ]
    assert [(n.path, n.reason) for n in batch.not_mapped] == [
        ("/hastegrad", "property not in the KS schema; not mapped")
    ]
    father = [g for g in batch.guardians if g.child_ref == unborn.source_id][1]
    assert father.extra == {"informed": False, "informed_reason": "Ikke kontaktbar"}
    # summer time: 10:15 in Oslo is 08:15 UTC
    assert batch.entries[0].occurred_at == datetime(2024, 7, 1, 8, 15, tzinfo=UTC)
    assert batch.entries[0].text == "Bekymring for ufødt barn."


def test_d_number_and_offset_timestamp_and_unborn_with_fnr() -> None:
    report = _public_v2()
    report["offentligBarn"][0]["fnr"] = "68071364481"
    report["offentligBarn"][1]["ufoedt"] = True
    report["sendingstidspunkt"] = "2020-03-16T13:29:33+00:00"
    batch = _parse(report)
    assert batch.children[0].identifiers[0].system == DNR_SYSTEM
    assert batch.children[1].unborn and batch.children[1].identifiers == []
    assert batch.children[1].extra["reported_fnr"] == "16081688781"
    assert [w.code for w in batch.warnings] == ["unborn-child-with-national-id"]
    assert batch.entries[0].occurred_at == datetime(2020, 3, 16, 13, 29, 33, tzinfo=UTC)


def test_bad_timestamp_is_rejected_naming_the_field() -> None:
    report = _public_v2()
    report["sendingstidspunkt"] = "i går"
    with pytest.raises(PayloadRejected, match="sendingstidspunkt 'i går' is not an ISO 8601 date-time"):
        _parse(report)


def test_private_report_without_children_keeps_the_text_reported() -> None:
    report = json.loads(_example("privatBekymringsmeldingV1.json"))
    report["privatBarn"] = []  # the schema's "minLength" on this array constrains nothing
    batch = _parse(report)
    assert batch.children == [] and batch.entries == []
    assert [w.code for w in batch.warnings] == ["no-children"]
    assert [n.path for n in batch.not_mapped] == ["/melding"]
