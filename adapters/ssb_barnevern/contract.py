"""The ssb-barnevern adapter's contract declaration: its real samples (the SSB test extracts), census and opt-outs.

Read by adapters.testing (tests/adapters/test_contract.py runs it over every registered entry point).
"""

from __future__ import annotations

from collections.abc import Iterator

from adapters.base import ContractDeclaration, SampleFiles
from adapters.ssb_barnevern.context import element_path
from hub.core.safe_xml import parse_xml

SAK = "/Barnevern/Sak"


def census(payload: bytes, media_type: str | None) -> Iterator[str | tuple[str, ...]]:
    """Every record of the extract: the service, the case and its child, each element of the Sak with an Id.

    A Relasjon lives on its Fra record (related_refs) or is reported; a Slettet becomes the retraction of its record.
    """
    root = parse_xml(payload)
    sak = root.find("Sak")
    yield f"Avgiver/{root.find('Avgiver').get('Organisasjonsnummer')}"
    yield f"Sak/{sak.get('Id')}"
    yield f"Sak/{sak.get('Id')}/barn"
    for element in sak:
        if not isinstance(element.tag, str) or element.get("Id") is None:
            continue
        path = element_path(SAK, element)
        if element.tag == "Relasjon":
            yield f"{element.get('FraType')}/{element.get('FraId')}", path
        elif element.tag == "Slettet":
            yield f"{element.get('Type')}/{element.get('Id')}", path
        elif element.tag == "Personalia":
            yield f"Sak/{sak.get('Id')}/barn", path
        else:
            yield f"{element.tag}/{element.get('Id')}", path


TOTAL = "application/xml; extract=total"
CHANGES = "application/xml; extract=changes"

CONTRACT = ContractDeclaration(
    samples=(
        SampleFiles("ssb-barnevern/examples/test01_*_total.xml", media_type=TOTAL),
        SampleFiles("ssb-barnevern/examples/test01_*_changes.xml", media_type=CHANGES),
        SampleFiles("ssb-barnevern/examples/invalid.xml",
                    refused="SSB's own invalid example (no Avgiver): refused against the v1.2 XSD"),
    ),
    census=census,
    opt_outs={
        "round_trip": "SSB extracts are never rendered: the hub does not write child-welfare statistics to SSB, "
                      "so the adapter has no render()",
    },
)
