"""The ks-bekymringsmelding adapter's contract declaration: its real samples (KS's examples), census and opt-outs.

Read by adapters.testing (tests/adapters/test_contract.py runs it over every registered entry point).
"""

from __future__ import annotations

from collections.abc import Iterator

from adapters.base import ContractDeclaration, SampleFiles
from adapters.ks_bekymringsmelding.mapping import report_id
from hub.core.safe_json import load_json

EXAMPLES = "ks-bekymringsmelding/schema/examples"


def census(payload: bytes, media_type: str | None) -> Iterator[str | tuple[str, ...]]:
    """Every child of the report (public or private), the report as each child's referral, each guardian for each
    child, and a public reporter's organisation (by orgnr when it is valid, else by the report)."""
    report = load_json(payload)
    rid = report_id(report)
    children = report.get("offentligBarn") or report.get("privatBarn") or []
    for index in range(len(children)):
        child = f"{rid}/barn:{index}"
        yield child
        yield f"{child}/melding"
        for guardian in range(len(report.get("foresatte") or [])):
            yield f"{child}/foresatt:{guardian}"
    virksomhet = (report.get("offentligMelder") or {}).get("virksomhet")
    if virksomhet is not None:
        yield f"orgnr:{(virksomhet.get('orgnr') or '').strip()}", f"{rid}/virksomhet"


CONTRACT = ContractDeclaration(
    samples=(
        SampleFiles(f"{EXAMPLES}/*Bekymringsmelding*.json"),
        SampleFiles(f"{EXAMPLES}/feilmelding*.json",
                    refused="a KS error receipt (feilmelding) is a reply to a sender, not a report of concern"),
    ),
    census=census,
    opt_outs={
        "round_trip": "a bekymringsmelding is sent to child welfare by whoever is concerned; the hub receives it and "
                      "never writes one, so the adapter has no render()",
    },
)
