"""The uk-cin adapter's contract declaration: its real sample (the liia-tools CIN census), census and opt-outs.

Read by adapters.testing (tests/adapters/test_contract.py runs it over every registered entry point).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from lxml import etree

from adapters.base import ContractDeclaration, SampleFiles
from hub.core.safe_xml import parse_xml


def _day(parent: etree._Element, tag: str) -> str:
    text = (parent.findtext(tag) or "").strip()
    return text[:10] if text else "None"


def census(payload: bytes, media_type: str | None) -> Iterator[str]:
    """The local authority, every Child and, per CINdetails, the referral, its assessments, section 47 enquiries,
    child in need plans and child protection plans (a repeated key gets #2, #3 as the mapping numbers them)."""
    root = parse_xml(payload)
    seen: Counter[str] = Counter()

    def key(base: str) -> str:
        seen[base] += 1
        return base if seen[base] == 1 else f"{base}#{seen[base]}"

    lea = (root.findtext("Header/Source/LEA") or "").strip()
    if lea:
        yield f"la:{lea}"
    for child in root.iterfind("Children/Child"):
        child_id = key(f"cin:{lea or 'unknown'}:{child.findtext('ChildIdentifiers/LAchildID').strip()}")
        yield child_id
        for details in child.findall("CINdetails"):
            ref = key(f"{child_id}/referral:{_day(details, 'CINreferralDate')}")
            yield ref
            for item in details.findall("Assessments"):
                yield key(f"{ref}/assessment:{_day(item, 'AssessmentActualStartDate')}")
            for item in details.findall("Section47"):
                yield key(f"{ref}/s47:{_day(item, 'S47ActualStartDate')}")
            for item in details.findall("CINPlanDates"):
                yield key(f"{ref}/cin-plan:{_day(item, 'CINPlanStartDate')}")
            for item in details.findall("ChildProtectionPlans"):
                yield key(f"{ref}/cpp:{_day(item, 'CPPstartDate')}")


CONTRACT = ContractDeclaration(
    samples=(SampleFiles("uk-childrens-social-care/cin_census/samples/*.xml"),),
    census=census,
    opt_outs={
        "round_trip": "the CIN census is a return English local authorities make to the DfE; the hub never writes "
                      "one, so the adapter has no render()",
    },
)
