"""The canonical records every adapter produces and every renderer consumes.

Pure Pydantic, no database: the contract between adapters/ and the hub (see DESIGN.md §4).
"""

from hub.canonical.records import (
    CaseFact,
    ChildRecord,
    Code,
    ConsentRecord,
    ContactPoint,
    EntryRecord,
    EvaluationRecord,
    GoalRecord,
    GuardianRecord,
    HumanName,
    Identifier,
    MeasureRecord,
    NotMapped,
    OrganizationRecord,
    ParsedBatch,
    Participant,
    PostalAddress,
    ReportWarning,
)
from hub.canonical.vocab import (
    CaseStatus,
    Category,
    EntryKind,
    GoalStatus,
    MeasureStatus,
    ParentalResponsibility,
    Sector,
    Sensitivity,
)

__all__ = [
    "CaseFact",
    "CaseStatus",
    "Category",
    "ChildRecord",
    "Code",
    "ConsentRecord",
    "ContactPoint",
    "EntryKind",
    "EntryRecord",
    "EvaluationRecord",
    "GoalRecord",
    "GoalStatus",
    "GuardianRecord",
    "HumanName",
    "Identifier",
    "MeasureRecord",
    "MeasureStatus",
    "NotMapped",
    "OrganizationRecord",
    "ParentalResponsibility",
    "ParsedBatch",
    "Participant",
    "PostalAddress",
    "ReportWarning",
    "Sector",
    "Sensitivity",
]
