"""The contract suite (adapters.testing) catches what it promises to: small toy adapters, each with one fault, fail
the check that names the fault; the faultless one passes every check; an entry point without a contract fails.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from adapters import registry
from adapters.base import ContractDeclaration, SampleFiles
from adapters.testing import CHECKS, ContractSuite, ContractViolation, Sample, check_adapter, registered_suite
from hub.canonical import Category, ChildRecord, EntryKind, EntryRecord, HumanName, NotMapped, ParsedBatch, Sector
from hub.canonical.declarations import AdapterDeclaration
from hub.core.errors import PayloadRejected
from hub.core.safe_json import load_json

TWO_CHILDREN = {
    "children": [{"id": "a", "name": "Kari"}, {"id": "b", "name": "Ola"}],
    "notes": [{"id": "n1", "child": "a", "text": "Leser godt"}, {"id": "n2", "child": "b", "text": ""},
              {"id": "n3", "child": "b", "text": "Trenger briller"}],
    "colour": "blue",
}
SAMPLES = [Sample("toy.json", json.dumps(TWO_CHILDREN).encode())]


def toy_census(payload: bytes, media_type: str | None) -> list[str]:
    data = load_json(payload)
    return [f"child/{c['id']}" for c in data["children"]] + [f"note/{n['id']}" for n in data["notes"]]


class Toy:
    """A faultless toy format: JSON children and notes; what it does not know is reported."""

    format: ClassVar[str] = "toy-v1"
    media_types: ClassVar[tuple[str, ...]] = ("application/json",)
    sector: ClassVar[Sector] = Sector.other
    version: ClassVar[str] = "1"
    declaration: ClassVar[AdapterDeclaration] = AdapterDeclaration()

    def load(self, payload: bytes) -> dict:
        data = load_json(payload)
        if not isinstance(data, dict) or not isinstance(data.get("children"), list):
            raise PayloadRejected("a toy payload is an object with a children list")
        return data

    def keep(self, note: dict) -> bool:
        return True

    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
        data = self.load(payload)
        try:
            batch = ParsedBatch(format=self.format, mapping_version="toy/1")
            batch.children = [ChildRecord(source_id=f"child/{c['id']}", names=[HumanName(text=c["name"])])
                              for c in data["children"]]
            batch.entries = [
                EntryRecord(source_id=f"note/{n['id']}", child_ref=f"child/{n['child']}", kind=EntryKind.note,
                            category=Category.social, text=n["text"] or None)
                for n in data.get("notes", []) if self.keep(n)
            ]
        except (KeyError, TypeError) as exc:
            raise PayloadRejected(f"toy payload lacks {exc}") from None
        batch.not_mapped = [NotMapped(path=f"/{key}", reason="not a toy field")
                            for key in data if key not in ("children", "notes")]
        return batch

    def render(self, case_view: ParsedBatch, *, media_type: str | None = None) -> bytes:
        (child,) = case_view.children
        return json.dumps({
            "children": [{"id": child.source_id.removeprefix("child/"), "name": child.names[0].text}],
            "notes": [{"id": e.source_id.removeprefix("note/"), "child": e.child_ref.removeprefix("child/"),
                       "text": e.text or ""} for e in case_view.entries],
        }).encode()


class DropsEmptyNotes(Toy):
    """Leaves out notes without text and says nothing."""

    def keep(self, note: dict) -> bool:
        return bool(note["text"])


class RendersWithoutText(Toy):
    """Its render loses the notes' text."""

    def render(self, case_view: ParsedBatch, *, media_type: str | None = None) -> bytes:
        data = json.loads(super().render(case_view))
        for note in data["notes"]:
            note["text"] = ""
        return json.dumps(data).encode()


class RendersUnderNewIds(Toy):
    """Its render gives every record a new id (allowed: ids are not content) and keeps what they point at."""

    def render(self, case_view: ParsedBatch, *, media_type: str | None = None) -> bytes:
        data = json.loads(super().render(case_view))
        for child in data["children"]:
            child["id"] = "x-" + child["id"]
        for note in data["notes"]:
            note["id"], note["child"] = "x-" + note["id"], "x-" + note["child"]
        return json.dumps(data).encode()


class RendersNotesUnderAnotherChild(Toy):
    """Its render files every note under a child of its own invention: same note text, wrong child."""

    def render(self, case_view: ParsedBatch, *, media_type: str | None = None) -> bytes:
        data = json.loads(super().render(case_view))
        data["children"].append({"id": "stranger", "name": "Noen andre"})
        for note in data["notes"]:
            note["child"] = "stranger"
        return json.dumps(data).encode()


class ReadsJsonUnsafely(Toy):
    """Reads with json.loads: NaN, duplicate keys and any depth get through, or crash."""

    def load(self, payload: bytes) -> dict:
        data = json.loads(payload)
        return data if isinstance(data, dict) else {"children": []}


class ReportsWithoutReason(Toy):
    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
        batch = super().parse(payload, media_type=media_type)
        batch.not_mapped = [NotMapped(path="/colour", reason=" ")]
        return batch


class ParseOnly:
    """A toy that only reads (no render attribute at all)."""

    format: ClassVar[str] = "toy-v1"
    media_types: ClassVar[tuple[str, ...]] = ("application/json",)
    sector: ClassVar[Sector] = Sector.other
    version: ClassVar[str] = "1"
    declaration: ClassVar[AdapterDeclaration] = AdapterDeclaration()

    def parse(self, payload: bytes, *, media_type: str | None = None) -> ParsedBatch:
        return Toy().parse(payload, media_type=media_type)


def _violation(adapter, check: str, **kwargs) -> str:
    kwargs.setdefault("census", toy_census)
    suite = ContractSuite(adapter, kwargs.pop("samples", SAMPLES), **kwargs)
    with pytest.raises(ContractViolation) as caught:
        suite.check(check)
    return str(caught.value)


def test_the_faultless_toy_passes_every_check():
    assert check_adapter(Toy(), SAMPLES, census=toy_census) == {check: "passed" for check in CHECKS}


def test_a_record_dropped_silently_fails_the_census_naming_it():
    message = _violation(DropsEmptyNotes(), "census")
    assert "toy-v1" in message and "note/n2" in message and "dropped silently" in message
    assert "note/n1" not in message and "note/n3" not in message


def test_a_render_that_loses_content_fails_the_round_trip():
    message = _violation(RendersWithoutText(), "round_trip")
    assert "round_trip" in message and "Leser godt" in message and "child child/a" in message


def test_new_ids_on_render_are_the_same_canonical_content():
    assert ContractSuite(RendersUnderNewIds(), SAMPLES, census=toy_census).check("round_trip") == "passed"


def test_a_render_that_moves_entries_to_another_child_fails_although_every_text_survives():
    """Refs are compared by what they point at: stripping them (the old content_view) would not see this."""
    message = _violation(RendersNotesUnderAnotherChild(), "round_trip")
    assert "Noen andre" in message


def test_hostile_json_read_unsafely_fails_naming_the_attacks():
    message = _violation(ReadsJsonUnsafely(), "hostile_input")
    assert "toy.json + NaN (hostile input): parse accepted it; expected PayloadRejected" in message
    assert "toy.json + its first key twice (hostile input): parse accepted it" in message
    assert "toy.json + deep nesting (hostile input): parse crashed with RecursionError" in message


def test_not_mapped_without_a_reason_fails():
    assert "without path or reason" in _violation(ReportsWithoutReason(), "not_mapped")


def test_metadata_is_checked():
    bad = type("BadMeta", (Toy,), {"format": "Toy V1", "media_types": ("json",), "version": ""})()
    message = _violation(bad, "metadata")
    assert "'Toy V1'" in message and "'json' is not type/subtype" in message and "version ''" in message


def test_no_sample_that_parses_fails():
    refused_only = [Sample("garbage", b"[]", refused="not an object")]
    assert "no sample that parses" in _violation(Toy(), "samples", samples=refused_only)


def test_a_sample_declared_refused_that_parses_fails():
    samples = [*SAMPLES, Sample("also-fine.json", SAMPLES[0].payload, refused="should not parse")]
    assert "parse accepted it; expected PayloadRejected" in _violation(Toy(), "samples", samples=samples)


def test_no_census_needs_a_named_opt_out():
    assert "opt out of 'census'" in _violation(Toy(), "census", census=None)
    opted = ContractSuite(Toy(), SAMPLES, opt_outs={"census": "toy payloads are counted by the test itself"})
    assert opted.check("census") == "opted out: toy payloads are counted by the test itself"


def test_an_adapter_without_render_must_opt_out_of_the_round_trip_with_a_reason():
    assert "has no render()" in _violation(ParseOnly(), "round_trip")
    suite = ContractSuite(ParseOnly(), SAMPLES, census=toy_census,
                          opt_outs={"round_trip": "the hub never writes toy payloads"})
    assert suite.check("round_trip") == "opted out: the hub never writes toy payloads"
    assert suite.run()["round_trip"] == "opted out: the hub never writes toy payloads"


def test_an_opt_out_of_a_round_trip_that_passes_is_stale_and_fails():
    message = _violation(Toy(), "round_trip", opt_outs={"round_trip": "we thought render was lossy"})
    assert "remove the opt-out" in message


def test_an_opt_out_of_a_round_trip_that_fails_holds_and_says_why():
    suite = ContractSuite(RendersWithoutText(), SAMPLES, census=toy_census,
                          opt_outs={"round_trip": "toy renders carry no text, by design"})
    assert suite.check("round_trip") == "opted out: toy renders carry no text, by design"


def test_opt_outs_name_an_optional_check_and_a_reason():
    assert "only census, round_trip may be opted out of" in _violation(
        Toy(), "metadata", opt_outs={"hostile_input": "our parser is trusted, honestly"})
    assert "needs a reason" in _violation(Toy(), "metadata", opt_outs={"round_trip": ""})


class DropsAndLoses(DropsEmptyNotes, RendersWithoutText):
    pass


def test_run_reports_every_broken_check_at_once():
    with pytest.raises(ContractViolation) as caught:
        check_adapter(DropsAndLoses(), SAMPLES, census=toy_census)
    assert "(census)" in str(caught.value) and "(round_trip)" in str(caught.value)


@pytest.fixture
def registered(tmp_path):
    """Installs a distribution with one stafett.adapters entry point for one test: a dist-info folder on sys.path,
    as pip would leave it; the registry reads the group afresh before and after."""

    def register(name: str, value: str) -> None:
        info = tmp_path / "toy_adapter-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-adapter\nVersion: 0.1\n")
        (info / "entry_points.txt").write_text(f"[{registry.GROUP}]\n{name} = {value}\n")
        sys.path.insert(0, str(tmp_path))
        _forget_entry_points()

    yield register
    if str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))
    _forget_entry_points()


def _forget_entry_points() -> None:
    importlib.invalidate_caches()
    registry._entry_points.cache_clear()
    registry.get_adapter.cache_clear()


TOY_WITHOUT_CONTRACT = Toy()


class DeclaredToy(DropsEmptyNotes):
    contract = ContractDeclaration(samples=(SampleFiles("toy.json", root=Path("/nonexistent")),))


TOY_WITH_MISSING_SAMPLES = DeclaredToy()


def test_a_registered_adapter_without_a_contract_fails_naming_it(registered):
    registered("toy-v1", f"{__name__}:TOY_WITHOUT_CONTRACT")
    assert "toy-v1" in registry.available_formats()
    with pytest.raises(ContractViolation, match=r"'toy-v1' .* declares no contract"):
        registered_suite("toy-v1")


def test_a_registered_adapter_whose_samples_are_not_there_fails_naming_it(registered):
    registered("toy-v1", f"{__name__}:TOY_WITH_MISSING_SAMPLES")
    with pytest.raises(ContractViolation, match=r"'toy-v1': no file matches 'toy\.json'"):
        registered_suite("toy-v1")
