"""CIN census business-rule checks on one schema-valid Child element: warnings, never rejections.

Rules: death before birth, bad UPN check letters, events before the referral or after the closure, ends before starts.
"""

from __future__ import annotations

from lxml import etree

from adapters.uk_cin.upn import upn_problem
from adapters.uk_cin.values import xs_date
from hub.canonical import ReportWarning


def _path(element: etree._Element, tag: str | None = None) -> str:
    path = element.getroottree().getpath(element)
    return f"{path}/{tag}" if tag else path


def check_child(child: etree._Element) -> list[ReportWarning]:
    warnings: list[ReportWarning] = []
    ids = child.find("ChildIdentifiers")
    birth, death = xs_date(ids, "PersonBirthDate"), xs_date(ids, "PersonDeathDate")
    if birth and death and death < birth:
        warnings.append(
            ReportWarning(
                code="death-before-birth",
                message=f"PersonDeathDate {death} is before PersonBirthDate {birth}",
                path=_path(ids, "PersonDeathDate"),
            )
        )
    for tag in ("UPN", "FormerUPN"):
        value = (ids.findtext(tag) or "").strip()
        problem = upn_problem(value) if value else None
        if problem:
            warnings.append(ReportWarning(code="upn-check-letter", message=f"{tag}: {problem}", path=_path(ids, tag)))
    for details in child.findall("CINdetails"):
        warnings.extend(_check_details(details))
    return warnings


def _check_details(details: etree._Element) -> list[ReportWarning]:
    warnings: list[ReportWarning] = []
    referral, closure = xs_date(details, "CINreferralDate"), xs_date(details, "CINclosureDate")

    def warn(code: str, message: str, element: etree._Element, tag: str) -> None:
        warnings.append(ReportWarning(code=code, message=message, path=_path(element, tag)))

    if referral and closure and closure < referral:
        message = f"CINclosureDate {closure} is before CINreferralDate {referral}"
        warn("closure-before-referral", message, details, "CINclosureDate")
    for item in details.findall("Assessments"):
        for tag in ("AssessmentActualStartDate", "AssessmentAuthorisationDate"):
            when = xs_date(item, tag)
            if when and closure and when > closure:
                warn("assessment-after-closure", f"{tag} {when} is after CINclosureDate {closure}", item, tag)
        start = xs_date(item, "AssessmentActualStartDate")
        if start and referral and start < referral:
            message = f"AssessmentActualStartDate {start} is before CINreferralDate {referral}"
            warn("assessment-before-referral", message, item, "AssessmentActualStartDate")
    for item in details.findall("Section47"):
        start = xs_date(item, "S47ActualStartDate")
        if start and referral and start < referral:
            message = f"S47ActualStartDate {start} is before CINreferralDate {referral}"
            warn("s47-before-referral", message, item, "S47ActualStartDate")
    for element, start_tag, end_tag in [
        *((p, "CPPstartDate", "CPPendDate") for p in details.findall("ChildProtectionPlans")),
        *((p, "CINPlanStartDate", "CINPlanEndDate") for p in details.findall("CINPlanDates")),
    ]:
        start, end = xs_date(element, start_tag), xs_date(element, end_tag)
        if start and referral and start < referral:
            message = f"{start_tag} {start} is before CINreferralDate {referral}"
            warn("plan-before-referral", message, element, start_tag)
        if start and end and end < start:
            warn("end-before-start", f"{end_tag} {end} is before {start_tag} {start}", element, end_tag)
    return warnings
