"""The fhir-r4 adapter's contract declaration: its real samples (Synthea, the R4 spec, HL7 Norway), census, opt-outs.

Read by adapters.testing (tests/adapters/test_contract.py runs it over every registered entry point).
"""

from __future__ import annotations

from collections.abc import Iterator

from adapters.base import ContractDeclaration, SampleFiles
from adapters.fhir_r4.reader import read

XML = "application/fhir+xml"


def census(payload: bytes, media_type: str | None) -> Iterator[str | tuple[str, ...]]:
    """Every resource of the payload; a CareTeam that an EpisodeOfCare names as its team is folded into that
    episode's CaseFact, so the episode's record accounts for it too."""
    items = read(payload, media_type=media_type).items
    teams = {}
    for item in items:
        if item.type == "CareTeam":
            for name in (item.full_url, f"CareTeam/{item.resource.get('id')}"):
                if name:
                    teams[name] = item
    folded: dict[str, str] = {}
    for item in items:
        if item.type == "EpisodeOfCare":
            for ref in item.resource.get("team") or []:
                reference = ref.get("reference") or ""
                team = teams.get(reference) or next(
                    (t for name, t in teams.items() if reference.endswith(f"/{name}")), None)
                if team is not None:
                    folded[team.source_id] = item.source_id
    for item in items:
        yield (item.source_id, folded[item.source_id]) if item.source_id in folded else item.source_id


CONTRACT = ContractDeclaration(
    samples=(
        SampleFiles("synthea-r4/*.json"),
        SampleFiles("fhir-r4-spec-examples/json/patient-example*.json"),
        SampleFiles("fhir-r4-spec-examples/json/bundle-*.json"),
        SampleFiles("hl7norway-basisprofiler-r4/Examples/no-basis-*Person*.xml", media_type=XML),
    ),
    census=census,
)
