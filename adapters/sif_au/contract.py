"""The sif-au adapter's contract declaration: its real samples (the SIF AU 3.4 examples), census and opt-outs.

Read by adapters.testing (tests/adapters/test_contract.py runs it over every registered entry point).
"""

from __future__ import annotations

from collections.abc import Iterator

from adapters.base import ContractDeclaration, SampleFiles
from adapters.sif_au.constants import REFID_ATTRIBUTE
from adapters.sif_au.context import local
from adapters.sif_au.parser import _flatten
from hub.core.safe_xml import parse_xml

EXAMPLES = "sif-au/examples"
MAPPED = (  # the examples of the objects the adapter maps
    "StudentPersonal", "StudentContactPersonal", "StudentContactRelationship", "StudentSchoolEnrollment",
    "StudentAttendanceSummary", "PersonalisedPlan", "WellbeingCharacteristic", "WellbeingAlert", "WellbeingEvent",
    "WellbeingResponse", "WellbeingAppeal", "WellbeingPersonLink",
)  # fmt: skip
REFUSED = ("SchoolInfo", "StaffPersonal", "StudentGrade", "LearningStandardDocument")


def census(payload: bytes, media_type: str | None) -> Iterator[tuple[str, str]]:
    """Every SIF object of the payload (a collection's members and related objects included), by its RefId: the
    record "<Object>/<RefId>", or the object reported whole at "/<Object>[@RefId='…']"."""
    root = parse_xml(payload)
    for element, _path in _flatten(root, f"/{local(root)}"):
        name = local(element)
        attribute = REFID_ATTRIBUTE.get(name, "RefId")
        refid = element.get(attribute)
        yield f"{name}/{refid}", f"/{name}[@{attribute}='{refid}']"


CONTRACT = ContractDeclaration(
    samples=(
        *(SampleFiles(f"{EXAMPLES}/{name}__*.xml") for name in MAPPED),
        *(SampleFiles(f"{EXAMPLES}/{name}__*.xml",
                      refused="a SIF object the adapter does not map is refused whole, naming the object (or, for "
                              "LearningStandardDocument, the namespace)") for name in REFUSED),
    ),
    census=census,
)
