"""kindergarten-v1: the published example parses to the expected records, renders valid XML and round-trips.

Also the FNR match with SIF, warnings (bad national id, ASQ-3 cut-off) and named rejections.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from adapters.kindergarten import adapter
from adapters.kindergarten.constants import ALLE_MED_SYSTEM, ASQ3_SYSTEM, TRAS_SYSTEM
from adapters.kindergarten.xml import schema
from adapters.sif_au import adapter as sif_adapter
from hub.canonical.vocab import FNR_SYSTEM, ORGNR_SYSTEM, Category, EntryKind, Sector, Sensitivity
from hub.core.errors import PayloadRejected
from hub.core.safe_xml import parse_xml
from tests.shared_data import require_shared

EXAMPLE = Path(__file__).resolve().parents[3] / "schemas" / "examples" / "kindergarten-v1-example.xml"


def _example() -> bytes:
    return EXAMPLE.read_bytes()


def test_example_maps_child_orgs_and_language():
    batch = adapter.parse(_example())
    assert batch.format == "kindergarten-v1" and batch.format_version == "1.0" and batch.municipality == "1106"
    orgs = {o.sector: o for o in batch.organizations}
    assert orgs[Sector.kindergarten].identifiers[0].system == ORGNR_SYSTEM
    assert orgs[Sector.kindergarten].identifiers[0].value == "974760673"
    assert orgs[Sector.school].name == "Skåredalen skole"
    (child,) = batch.children
    assert (FNR_SYSTEM, "15072052088") in {(i.system, i.value) for i in child.identifiers}
    assert child.names[0].given == ["Amina", "Sofie"] and child.birth_date == date(2020, 7, 15)
    assert child.languages == ["so", "nb"] and child.preferred_language == "so"
    assert child.extra["language_note"].startswith("Somali at home")
    assert batch.case_facts[0].participants[0].role == "kindergarten"


def test_example_maps_guardians_and_consent():
    batch = adapter.parse(_example())
    mother, father = batch.guardians
    assert mother.identifiers[0].system == FNR_SYSTEM and mother.relation == "mor"
    assert mother.parental_responsibility.value == "felles" and mother.may_see_log is True
    assert father.may_see_log is False
    (consent,) = batch.consents
    assert consent.guardian_ref == mother.source_id
    assert consent.categories == [Category.early_childhood, Category.education]
    assert consent.sectors == [] and consent.org_refs == ["org/971524960"]  # the named school, not its sector
    assert consent.valid_from == datetime(2026, 4, 19, 22, tzinfo=UTC)
    assert consent.valid_to == datetime(2026, 12, 31, 23, tzinfo=UTC)  # ValidTo 2026-12-31 inclusive


def test_example_maps_observation_tools_with_codes():
    entries = {e.source_id: e for e in adapter.parse(_example()).entries}
    tras = entries["observation/tras-2026-02"]
    assert tras.kind == EntryKind.observation and tras.category == Category.early_childhood
    assert {c.system for c in tras.codes} == {TRAS_SYSTEM} and len(tras.codes) == 8
    assert tras.payload["areas"][2] == {"code": "oppmerksomhet", "result": "partly",
                                        "note": "Loses focus in large groups."}
    assert tras.author_name == "pedagogisk leder"
    alle_med = entries["observation/am-2026-01"]
    assert {c.system for c in alle_med.codes} == {ALLE_MED_SYSTEM}
    assert alle_med.payload["areas"][4]["level"] == 2
    asq = entries["observation/asq-60"]
    assert {c.system for c in asq.codes} == {ASQ3_SYSTEM} and asq.payload["questionnaire_months"] == 60
    assert asq.payload["areas"][0] == {"code": "communication", "score": 25, "cutoff": 31.85, "below_cutoff": True}


def test_example_maps_strengths_decisions_measures_meetings():
    batch = adapter.parse(_example())
    entries = {e.source_id: e for e in batch.entries}
    assert entries["strength/s1"].kind == EntryKind.highlight
    decision = entries["decision/d1"]
    assert decision.kind == EntryKind.decision and decision.sensitivity == Sensitivity.sensitive
    assert decision.payload["legal_basis"] == "barnehageloven § 31" and decision.payload["hours_per_week"] == 2
    meeting = entries["meeting/tm1"]
    assert meeting.occurred_at == datetime(2026, 4, 20, 12, tzinfo=UTC)  # 14:00 Europe/Oslo (summer time)
    assert len(meeting.payload["participants"]) == 3
    kindergarten_measure, home_measure = batch.measures
    assert kindergarten_measure.responsible_org_ref == "org/974760673" and not kindergarten_measure.responsible_home
    assert kindergarten_measure.evaluations[0].outcome == "continue"
    assert kindergarten_measure.evaluation_due == date(2026, 6, 1)
    assert home_measure.responsible_home and home_measure.category == Category.home
    assert home_measure.payload == {"helped": True}


def test_render_validates_against_the_xsd():
    """The round trip of the example is the contract's (tests/adapters/test_contract.py)."""
    rendered = adapter.render(adapter.parse(_example()))
    assert schema().validate(parse_xml(rendered))


def test_foreign_entries_render_as_notes():
    batch = adapter.parse(_example())
    sif = sif_adapter.parse(require_shared("sif-au", "examples", "WellbeingAlert__1.xml").read_bytes())
    batch.entries.append(sif.entries[0].model_copy(update={"child_ref": "child", "author_org_ref": None}))
    again = adapter.parse(adapter.render(batch))
    note = next(e for e in again.entries if e.payload.get("kg_section") == "note")
    assert (note.kind, note.category, note.text) == (EntryKind.alert, Category.health,
                                                     "This Student is allergic to peanuts")


def test_same_child_in_sif_and_kindergarten_shares_the_fnr_identifier():
    sif_payload = require_shared("sif-au", "examples", "StudentPersonal__1.xml").read_bytes().replace(
        b'<OtherId Type="DiocesanStudentId">1234</OtherId>',
        b'<OtherId Type="NorwegianNationalId">15072052088</OtherId>')
    sif_ids = {i.key() for i in sif_adapter.parse(sif_payload).children[0].identifiers}
    kg_ids = {i.key() for i in adapter.parse(_example()).children[0].identifiers}
    assert sif_ids & kg_ids == {f"{FNR_SYSTEM}|15072052088"}


def test_warnings_for_bad_national_id_and_asq_cutoff():
    payload = _example().replace(b"15072052088", b"15072052089").replace(
        b'score="25" cutoff="31.85" belowCutoff="true"', b'score="25" cutoff="31.85" belowCutoff="false"')
    batch = adapter.parse(payload)
    assert {w.code for w in batch.warnings} == {"invalid-national-id", "asq3-cutoff-mismatch"}
    assert not any(i.system == FNR_SYSTEM for i in batch.children[0].identifiers)


@pytest.mark.parametrize(("old", "new", "fragment"), [
    (b'<Domain code="communication"', b'<Domain code="talking"', "code"),
    (b"<GivenOn>2026-04-20</GivenOn>", b"", "GivenOn"),
    (b'guardian="g1"', b'guardian="g9"', "g9"),
    (b'<Item id="s2"', b'<Item id="s1"', "used twice"),
    (b"urn:stafett:kindergarten:v1", b"urn:other", "TransitionReport"),
])
def test_invalid_reports_are_rejected_naming_the_problem(old, new, fragment):
    with pytest.raises(PayloadRejected, match=fragment):
        adapter.parse(_example().replace(old, new, 1))
