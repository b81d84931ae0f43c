"""CIN census business-rule checks on one schema-valid Child element: warnings, never rejections.

Rules: death before birth, bad UPN check letters, events before the referral or after the closure, ends before starts.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from adapters.uk_cin.upn import upn_problem
from hub.canonical import ReportWarning


def _date(parent: etree._Element, tag: str) -> date | None:
    text = parent.findtext(tag)
    return date.fromisoformat(text.strip()[:10]) if text and text.strip() else None


def _path(element: etree._Element, tag: str | None = None) -> str:
    path = element.getroottree().getpath(element)
    return f"{path}/{tag}" if tag else path


def check_child(child: etree._Element) -> list[ReportWarning]:
    warnings: list[ReportWarning] = []
    ids = child.find("ChildIdentifiers")
    birth, death = _date(ids, "PersonBirthDate"), _date(ids, "PersonDeathDate")
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
    referral, closure = _date(details, "CINreferralDate"), _date(details, "CINclosureDate")

    def warn(code: str, message: str, element: etree._Element, tag: str) -> None:
        warnings.append(ReportWarning(code=code, message=message, path=_path(element, tag)))

    if referral and closure and closure < referral:
        warn("closure-before-referral", f"CINclosureDate {closure} is before CINreferralDate {referral}", details, "CINclosureDate")
    for item in details.findall("Assessments"):
        for tag in ("AssessmentActualStartDate", "AssessmentAuthorisationDate"):
            when = _date(item, tag)
            if when and closure and when > closure:
                warn("assessment-after-closure", f"{tag} {when} is after CINclosureDate {closure}", item, tag)
        start = _date(item, "AssessmentActualStartDate")
        if start and referral and start < referral:
            warn("assessment-before-referral", f"AssessmentActualStartDate {start} is before CINreferralDate {referral}", item, "AssessmentActualStartDate")
    for item in details.findall("Section47"):
        start = _date(item, "S47ActualStartDate")
        if start and referral and start < referral:
            warn("s47-before-referral", f"S47ActualStartDate {start} is before CINreferralDate {referral}", item, "S47ActualStartDate")
    for element, start_tag, end_tag in [
        *((p, "CPPstartDate", "CPPendDate") for p in details.findall("ChildProtectionPlans")),
        *((p, "CINPlanStartDate", "CINPlanEndDate") for p in details.findall("CINPlanDates")),
    ]:
        start, end = _date(element, start_tag), _date(element, end_tag)
        if start and referral and start < referral:
            warn("plan-before-referral", f"{start_tag} {start} is before CINreferralDate {referral}", element, start_tag)
        if start and end and end < start:
            warn("end-before-start", f"{end_tag} {end} is before {start_tag} {start}", element, end_tag)
    return warnings
