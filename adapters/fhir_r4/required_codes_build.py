"""Builds required_codes.json from the R4 XML Schema's enumerated code types (and four CodeableConcept bindings named
here): python -m adapters.fhir_r4.required_codes_build <fhir-single.xsd> [<output>].
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from lxml import etree

OUTPUT = Path(__file__).with_name("required_codes.json")
ANY_RESOURCE = "*"
XS = "{http://www.w3.org/2001/XMLSchema}"
# Enumerated in the XSD though not bound `required` in R4's StructureDefinitions (the HL7 validator accepts others).
NOT_REQUIRED = {("Expression", "language"): "extensible binding to expression-language"}
# Required bindings on CodeableConcept in R4 (the JSON Schema cannot enumerate those): a coding of the system must
# carry one of the codes (http://hl7.org/fhir/R4/condition.html, allergyintolerance.html, terminologies-valuesets).
CONCEPTS: dict[str, dict[str, dict[str, Any]]] = {
    "Condition": {
        "clinicalStatus": {
            "valueSet": "http://hl7.org/fhir/ValueSet/condition-clinical",
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "codes": ["active", "recurrence", "relapse", "inactive", "remission", "resolved"],
        },
        "verificationStatus": {
            "valueSet": "http://hl7.org/fhir/ValueSet/condition-ver-status",
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
            "codes": ["unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"],
        },
    },
    "AllergyIntolerance": {
        "clinicalStatus": {
            "valueSet": "http://hl7.org/fhir/ValueSet/allergyintolerance-clinical",
            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
            "codes": ["active", "inactive", "resolved"],
        },
        "verificationStatus": {
            "valueSet": "http://hl7.org/fhir/ValueSet/allergyintolerance-verification",
            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
            "codes": ["unconfirmed", "confirmed", "refuted", "entered-in-error"],
        },
    },
}
def _schema(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.parse(str(path), parser).getroot()


def build(xsd: Path) -> dict[str, Any]:
    """Per R4 type (resource, backbone element, data type): its elements' required codes, CodeableConcept bindings
    and the types of its other elements, for the walk. The XSD enumerates a code element where its binding is
    required to a fixed list (NOT_REQUIRED names the one exception met in the HL7 validator's test cases)."""
    root = _schema(xsd)
    lists = {
        st.get("name"): [e.get("value") for e in st.iter(f"{XS}enumeration")]
        for st in root.iter(f"{XS}simpleType")
        if st.get("name", "").endswith("-list")
    }
    bases: dict[str, str | None] = {}
    elements: dict[str, dict[str, str]] = {}
    coded: dict[str, list[str]] = {}  # complex code types whose value is one of a -list
    primitive: set[str] = set()
    for ct in root.iter(f"{XS}complexType"):
        name = ct.get("name")
        extension = ct.find(f"{XS}complexContent/{XS}extension")
        bases[name] = extension.get("base") if extension is not None else None
        value = ct.find(f".//{XS}attribute[@name='value']")
        if value is not None:
            primitive.add(name)  # a primitive's element: a plain JSON value, nothing inside to walk
            if value.get("type") in lists:
                coded[name] = lists[value.get("type")]
        elements[name] = {e.get("name"): e.get("type") for e in ct.iter(f"{XS}element") if e.get("name") and e.get("type")}
    container = root.find(f"{XS}complexType[@name='ResourceContainer']")
    resources = sorted(e.get("ref") for e in container.iter(f"{XS}element"))

    def all_elements(name: str) -> dict[str, str]:
        chain: dict[str, str] = {}
        current: str | None = name
        while current:
            chain = {**elements.get(current, {}), **chain}
            current = bases.get(current)
        return chain

    table: dict[str, dict[str, Any]] = {}
    for name in elements:
        if name in primitive or name == "ResourceContainer":
            continue
        entry: dict[str, Any] = {"codes": {}, "types": {}}
        for element, kind in all_elements(name).items():
            if kind in coded and (name, element) not in NOT_REQUIRED:
                entry["codes"][element] = coded[kind]
            elif kind == "ResourceContainer":
                entry["types"][element] = ANY_RESOURCE
            elif kind in elements and kind not in primitive:
                entry["types"][element] = kind
        concepts = CONCEPTS.get(name)
        if concepts:
            entry["concepts"] = concepts
        table[name] = entry
    missing = [r for r in resources if r not in table]
    if missing:
        raise SystemExit(f"resource types without a complexType: {missing}")
    return _pruned(table)


def _pruned(table: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Only the types with a bound code in them or below them, and only the paths that lead to one."""
    useful = {name for name, e in table.items() if e["codes"] or e.get("concepts")}
    changed = True
    while changed:
        changed = False
        for name, entry in table.items():
            if name not in useful and any(t == ANY_RESOURCE or t in useful for t in entry["types"].values()):
                useful.add(name)
                changed = True
    out = {}
    for name in sorted(useful):
        entry = table[name]
        kept = {k: v for k, v in sorted(entry["types"].items()) if v == ANY_RESOURCE or v in useful}
        out[name] = {"codes": dict(sorted(entry["codes"].items())), "types": kept, **({"concepts": entry["concepts"]} if entry.get("concepts") else {})}
    return out


def render(table: dict[str, Any]) -> str:
    return json.dumps(table, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str]) -> None:
    target = Path(argv[1]) if len(argv) > 1 else OUTPUT
    target.write_text(render(build(Path(argv[0]))))
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
