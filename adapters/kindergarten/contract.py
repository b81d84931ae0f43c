"""The kindergarten-v1 adapter's contract declaration: its sample (the project's published example), census, opt-outs.

Read by adapters.testing (tests/adapters/test_contract.py runs it over every registered entry point).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from adapters.base import ContractDeclaration, SampleFiles
from adapters.kindergarten.parser import CHILD_SOURCE_ID
from hub.core.safe_xml import parse_xml
from hub.core.settings import PROJECT_ROOT

_PREFIX = {  # element with an id -> the source id prefix its record has
    "Guardian": "guardian", "Consent": "consent", "Item": "strength", "TrasObservation": "observation",
    "AlleMedObservation": "observation", "Asq3Result": "observation", "Decision": "decision", "Measure": "measure",
    "Meeting": "meeting", "Note": "note",
}  # fmt: skip


def census(payload: bytes, media_type: str | None) -> Iterator[str]:
    """The kindergarten and the receiving school, the child and its case, and every element of the report that
    carries an id (guardians, consents, strengths, observations, decisions, measures, meetings, notes)."""
    root = parse_xml(payload)
    for element in root:
        if isinstance(element.tag, str) and element.get("orgNr"):
            yield f"org/{element.get('orgNr')}"
    yield CHILD_SOURCE_ID
    yield "case"
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("id") is not None:
            name = etree.QName(element).localname
            yield f"{_PREFIX.get(name, name)}/{element.get('id')}"


CONTRACT = ContractDeclaration(
    samples=(SampleFiles("kindergarten-v1-example.xml", root=PROJECT_ROOT / "schemas" / "examples"),),
    census=census,
)
