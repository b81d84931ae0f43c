"""Bad input is rejected with PayloadRejected naming the fault: syntax, hostile XML/JSON, invalid resources,
references, duplicates; and the fhir-test-cases validator cases with an expected error (allowlist with reasons).
"""

from __future__ import annotations

import json

import pytest

from hub.core.errors import PayloadRejected, PayloadTooLarge
from tests.adapters.fhir_r4.helpers import FIXTURES, adapter
from tests.shared_data import require_shared, shared_data_dir, shared_files

XML = "application/fhir+xml"


def _bundle(*entries: dict, type_: str = "transaction") -> bytes:
    return json.dumps({"resourceType": "Bundle", "type": type_, "entry": list(entries)}).encode()


PATIENT = {"fullUrl": "urn:uuid:11111111-1111-4111-8111-111111111111",
           "resource": {"resourceType": "Patient", "id": "p1"}}


@pytest.mark.parametrize(
    ("payload", "media_type", "fragment"),
    [
        (b'{"resourceType": "Patient", "id": "p1"', None, "malformed JSON"),
        (b'{"resourceType": "Patient", "birthDate": NaN}', None, "NaN"),
        (b'{"resourceType": "Patient", "multipleBirthInteger": Infinity}', None, "Infinity"),
        (b'[{"resourceType": "Patient"}]', None, "must be an object"),
        (b'{"id": "x"}', None, "resourceType is missing"),
        (b'{"resourceType": "Klient", "id": "x"}', None, "'Klient' is not an R4 resource type"),
        (b'{"resourceType": "Patient", "gender": 5}', None, "Patient.gender"),
        (b'{"resourceType": "Patient", "birthDate": "15.06.2015"}', None, "Patient.birthDate"),
        (b'{"resourceType": "Patient", "id": "a b"}', None, "Patient.id"),
        (b'{"resourceType": "Patient", "name": []}', None, "empty array"),
        (b'{"resourceType": "Patient", "id": "p", "id": "q"}', None, "key 'id' twice"),
        (b"[" * 200 + b"]" * 200, None, "nesting depth"),
        (b'<Patient xmlns="http://hl7.org/fhir"><gender value="female"/>', XML, "XML refused"),
        (b'<Patient xmlns="http://hl7.org/fhir"><shoeSize value="42"/></Patient>', XML, "unknown element <shoeSize>"),
        (b'<Patient xmlns="http://hl7.org/fhir"><active value="yes"/></Patient>', XML, "boolean value 'yes'"),
        (b'<Patient><active value="true"/></Patient>', XML, "not in the FHIR namespace"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><Patient xmlns="http://hl7.org/fhir"/>', XML, "DOCTYPE"),
    ],
)
def test_bad_payloads_are_rejected_naming_the_fault(payload, media_type, fragment):
    with pytest.raises(PayloadRejected) as info:
        adapter.parse(payload, media_type=media_type)
    assert fragment in info.value.detail


def test_oversize_payload_is_rejected():
    huge = b'{"resourceType": "Patient", "id": "p", "name": [{"text": "' + b"x" * (21 * 1024 * 1024) + b'"}]}'
    with pytest.raises(PayloadTooLarge):
        adapter.parse(huge)


def test_dangling_urn_reference_is_rejected():
    obs = {"fullUrl": "urn:uuid:22222222-2222-4222-8222-222222222222",
           "resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
                        "subject": {"reference": "urn:uuid:99999999-9999-4999-8999-999999999999"}}}
    with pytest.raises(PayloadRejected, match=r"subject: reference 'urn:uuid:9999.*does not resolve"):
        adapter.parse(_bundle(PATIENT, obs))


def test_reference_to_the_wrong_type_is_rejected():
    org = {"fullUrl": "urn:uuid:33333333-3333-4333-8333-333333333333",
           "resource": {"resourceType": "Organization", "id": "o1"}}
    obs = {"fullUrl": "urn:uuid:22222222-2222-4222-8222-222222222222",
           "resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
                        "subject": {"reference": PATIENT["fullUrl"]},
                        "performer": [{"reference": org["fullUrl"], "type": "Practitioner"}]}}
    with pytest.raises(PayloadRejected, match=r"performer\[0\]: reference .* names a Practitioner but resolves to a"):
        adapter.parse(_bundle(PATIENT, org, obs))


def test_duplicate_full_urls_are_rejected():
    with pytest.raises(PayloadRejected, match=r"Bundle.entry\[1\].fullUrl .* duplicates Bundle.entry\[0\]"):
        adapter.parse(_bundle(PATIENT, {**PATIENT, "resource": {"resourceType": "Patient", "id": "p2"}}))


def test_same_resource_twice_is_rejected():
    other = {**PATIENT, "fullUrl": "urn:uuid:44444444-4444-4444-8444-444444444444"}
    with pytest.raises(PayloadRejected, match="Patient/p1 appears twice"):
        adapter.parse(_bundle(PATIENT, other))


def test_unknown_resource_types_are_archived_not_errors():
    claim = json.loads((FIXTURES / "case_transaction.json").read_text())["entry"][16]
    claim["resource"]["patient"] = {"reference": PATIENT["fullUrl"]}
    claim["resource"]["provider"] = {"display": "Helsestasjonen"}
    batch = adapter.parse(_bundle(PATIENT, claim, type_="collection"))
    assert [n.path for n in batch.not_mapped] == ["Claim/claim-1"]
    assert batch.not_mapped[0].reason == "Claim is not mapped (kept in the raw archive)"


@pytest.mark.parametrize("name", ["xmlbomb.xml", "xmlbomb2.xml", "quadratic.xml", "external.xml",
                                  "external_file.xml", "dtd.xml", "cyclic.xml"])
def test_hostile_xml_is_rejected(name):
    path = require_shared("attacks", "xml-defusedxml", name)
    with pytest.raises(PayloadRejected):
        adapter.parse(path.read_bytes(), media_type=XML)


JSON_SUITE_BAD = shared_files("attacks", "json-JSONTestSuite", "test_parsing", pattern="n_*.json")


@pytest.mark.parametrize("path", JSON_SUITE_BAD[:80], ids=lambda p: p.name)
def test_invalid_json_from_the_test_suite_is_rejected(path):
    with pytest.raises(PayloadRejected):
        adapter.parse(path.read_bytes(), media_type="application/fhir+json")


# --- fhir-test-cases validator cases whose expected outcome has an error ------------------------------------------

# Cases we deliberately accept, one line of reason each. All are profile, terminology or extension-definition
# checks (need StructureDefinitions / a terminology server) or narrative heuristics we do not run.
ACCEPTED = {
    "patient-xver": "cross-version extension rules need the extension's StructureDefinition (profile check)",
    "patient-xver-bad": "cross-version extension rules need the extension's StructureDefinition (profile check)",
    "patient-extension-complex-bad1": "slicing of a complex extension is a profile check",
    "patient-extension-complex-bad2": "sub-extension urls are defined by the extension's StructureDefinition",
    "dr-example-org": "'example URLs not allowed in this context' is a validator policy, not a structural rule",
    "pat-security-bad-string": "HTML-looking text in a string: hub never renders strings as HTML (heuristic)",
    "pat-security-bad-string1": "HTML-looking text in a string: hub never renders strings as HTML (heuristic)",
    "bad-markdown-no-html": "HTML-looking text in markdown: hub never renders markdown as HTML (heuristic)",
    "obs-temp-bad": "body temperature vital-signs profile (magic LOINC code) is a profile check",
    "pat-dob-ext": "unknown extension definition: needs the extension's StructureDefinition",
    "pat-example-extensions": "unknown extension definition: needs the extension's StructureDefinition",
    "maiden-name-extension": "extension context rules need the extension's StructureDefinition",
    "ips-htmlrefs-backwards": "extension value type is defined by the extension's StructureDefinition",
    "bundle-id-3": "wrong display name for a code: terminology check (no terminology server)",
    "bundle-id-4": "wrong display name for a code: terminology check (no terminology server)",
    "bundle-id-5": "wrong display name for a code: terminology check (no terminology server)",
    "uk-msg": "wrong display name for a code: terminology check (no terminology server)",
    "encounter-period": "per-1 with a date start and a dateTime end: we compare only at equal precision",
    "relative_reference_to_TYPE_ID.all_fullUrl_UUID": "we resolve Type/id against entries with urn:uuid fullUrls "
    "leniently (real senders do this); the validator requires RESTful fullUrls",
}


def _validator_cases() -> list[dict]:
    base = shared_data_dir()
    index = base / "fhir-test-cases" / "validator" / "_index.json" if base else None
    if index is None or not index.exists():
        return []
    cases = json.loads(index.read_text(encoding="utf-8"))["cases"]
    return [c for c in cases
            if c["expected_error_count"] or any(i["severity"] in ("error", "fatal") for i in c["expected_issues"])]


@pytest.mark.parametrize("case", _validator_cases(), ids=lambda c: c["name"])
def test_validator_error_cases_are_rejected_or_deliberately_accepted(case):
    path = require_shared("fhir-test-cases", "validator", case["input"])
    media_type = XML if path.suffix == ".xml" else "application/fhir+json"
    if case["name"] in ACCEPTED:
        batch = adapter.parse(path.read_bytes(), media_type=media_type)
        assert batch.format == "fhir-r4"
    else:
        with pytest.raises(PayloadRejected) as info:
            adapter.parse(path.read_bytes(), media_type=media_type)
        assert info.value.detail


# Valid per the validator but rejected by us on purpose, one line of reason each.
STRICTER = {
    "contained-resource-bad-id-ignore": "ids longer than 64 characters are invalid R4; the case only asks to ignore it",
    "ref-policy-default-r4": "a urn:uuid reference that is not in the Bundle cannot be resolved: we reject it",
    "ref-policy-default-apply-r5": "a urn:uuid reference that is not in the Bundle cannot be resolved: we reject it",
}


def _validator_ok_cases() -> list[dict]:
    base = shared_data_dir()
    index = base / "fhir-test-cases" / "validator" / "_index.json" if base else None
    if index is None or not index.exists():
        return []
    cases = json.loads(index.read_text(encoding="utf-8"))["cases"]
    return [c for c in cases if c not in _validator_cases()]


@pytest.mark.parametrize("case", _validator_ok_cases(), ids=lambda c: c["name"])
def test_validator_valid_cases_are_accepted(case):
    path = require_shared("fhir-test-cases", "validator", case["input"])
    media_type = XML if path.suffix == ".xml" else "application/fhir+json"
    if case["name"] in STRICTER:
        with pytest.raises(PayloadRejected):
            adapter.parse(path.read_bytes(), media_type=media_type)
    else:
        assert adapter.parse(path.read_bytes(), media_type=media_type).format == "fhir-r4"
