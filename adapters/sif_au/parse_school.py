"""StudentSchoolEnrollment, StudentAttendanceSummary and PersonalisedPlan -> entries, plus the school organisation.

Enrolment makes the school a case participant (role "school"); plans keep their documents in the payload.
"""

from __future__ import annotations

from lxml import etree

from adapters.sif_au.constants import CS_PLAN, PLAN_CATEGORIES, privacy_sensitivity
from adapters.sif_au.context import SifContext, kids, local, q, text
from hub.canonical.records import Code, EntryRecord
from hub.canonical.time import to_utc
from hub.canonical.vocab import Category, EntryKind, Sensitivity

_ENROLMENT_FIELDS = {"MembershipType": "membership_type", "TimeFrame": "time_frame", "SchoolYear": "school_year",
                     "EntryDate": "entry_date", "ExitDate": "exit_date", "FTE": "fte"}
_ATTENDANCE_NUMBERS = {"StartDay": "start_day", "EndDay": "end_day", "FTE": "fte", "DaysAttended": "days_attended",
                       "ExcusedAbsences": "excused_absences", "UnexcusedAbsences": "unexcused_absences",
                       "DaysTardy": "days_tardy", "DaysInMembership": "days_in_membership"}
_DOCUMENT_FIELDS = {"Location": "location", "Sensitivity": "sensitivity", "URL": "url",
                    "DocumentType": "document_type", "DocumentReviewDate": "review_date",
                    "DocumentDescription": "description"}
_MEDICAL_PLANS = {"M"}


def parse_enrollment(ctx: SifContext, obj: etree._Element) -> None:
    refid = ctx.object_refid(obj)
    path = f"/StudentSchoolEnrollment[@RefId='{refid}']"
    student = ctx.required(obj, "StudentPersonalRefId", path)
    school = ctx.school(ctx.required(obj, "SchoolInfoRefId", path), participant_for=student)
    for element in ("MembershipType", "TimeFrame", "SchoolYear", "EntryDate"):
        ctx.required(obj, element, path)
    entry_date = ctx.date_of(obj, "EntryDate", path)
    payload: dict = {"sif_object": "StudentSchoolEnrollment", "sif_refid": refid}
    for element, key in _ENROLMENT_FIELDS.items():
        if (value := text(obj, element)) is not None:
            payload[key] = value
    if (year_level := text(obj, "YearLevel", "Code")) is not None:
        payload["year_level"] = year_level
    ctx.batch.entries.append(EntryRecord(
        source_id=f"StudentSchoolEnrollment/{refid}", child_ref=ctx.child(student).source_id,
        kind=EntryKind.enrolment, category=Category.education,
        sensitivity=privacy_sensitivity("StudentSchoolEnrollment"), occurred_at=to_utc(entry_date),
        author_org_ref=school, payload=payload,
    ))
    ctx.report_rest(obj, {"StudentPersonalRefId", "SchoolInfoRefId", "YearLevel", "SIF_ExtendedElements",
                          *_ENROLMENT_FIELDS}, path)


def parse_attendance_summary(ctx: SifContext, obj: etree._Element) -> None:
    refid = ctx.object_refid(obj)
    path = f"/StudentAttendanceSummary[@StudentAttendanceSummaryRefId='{refid}']"
    student = ctx.required(obj, "StudentPersonalRefId", path)
    school = ctx.school(ctx.required(obj, "SchoolInfoRefId", path))
    start, end = ctx.date_of(obj, "StartDate", path), ctx.date_of(obj, "EndDate", path)
    if start is None or end is None:
        ctx.required(obj, "StartDate" if start is None else "EndDate", path)
    assert start is not None and end is not None  # required() raised for the missing one
    payload: dict = {"sif_object": "StudentAttendanceSummary", "sif_refid": refid,
                     "school_year": ctx.required(obj, "SchoolYear", path),
                     "start_date": start.isoformat(), "end_date": end.isoformat()}
    for element, key in _ATTENDANCE_NUMBERS.items():
        if (value := ctx.number_of(obj, element, path)) is not None:
            payload[key] = value
    for element in ("DaysAttended", "ExcusedAbsences", "UnexcusedAbsences", "DaysInMembership"):
        ctx.required(obj, element, path)
    payload["days_absent"] = payload["excused_absences"] + payload["unexcused_absences"]
    ctx.batch.entries.append(EntryRecord(
        source_id=f"StudentAttendanceSummary/{refid}", child_ref=ctx.child(student).source_id,
        kind=EntryKind.attendance, category=Category.education,
        sensitivity=privacy_sensitivity("StudentAttendanceSummary"), occurred_at=to_utc(end),
        text=f"Attended {payload['days_attended']} of {payload['days_in_membership']} days, "
             f"{payload['days_absent']} absent ({start.isoformat()} to {end.isoformat()})",
        author_org_ref=school, payload=payload,
    ))
    ctx.report_rest(obj, {"StudentPersonalRefId", "SchoolInfoRefId", "SchoolYear", "StartDate", "EndDate",
                          "SIF_ExtendedElements", *_ATTENDANCE_NUMBERS}, path)


def documents(ctx: SifContext, obj: etree._Element, path: str) -> list[dict]:
    found = []
    for i, document in enumerate(obj.findall(f"{q('DocumentList')}/{q('Document')}"), start=1):
        item = {key: value for element, key in _DOCUMENT_FIELDS.items()
                if (value := text(document, element)) is not None}
        found.append(item)
        for part in kids(document):
            if local(part) not in _DOCUMENT_FIELDS:
                ctx.not_mapped(f"{path}/DocumentList/Document[{i}]/{local(part)}", "document detail not mapped")
    return found


def parse_personalised_plan(ctx: SifContext, obj: etree._Element) -> None:
    refid = ctx.object_refid(obj)
    path = f"/PersonalisedPlan[@RefId='{refid}']"
    student = ctx.required(obj, "StudentPersonalRefId", path)
    school = ctx.school(ctx.required(obj, "SchoolInfoRefId", path))
    category = ctx.required(obj, "PersonalisedPlanCategory", path)
    start = ctx.date_of(obj, "PersonalisedPlanStartDate", path)
    if start is None:
        ctx.required(obj, "PersonalisedPlanStartDate", path)
    assert start is not None  # required() raised
    end = ctx.date_of(obj, "PersonalisedPlanEndDate", path)
    review = ctx.date_of(obj, "PersonalisedPlanReviewDate", path)
    payload: dict = {"sif_object": "PersonalisedPlan", "sif_refid": refid, "plan_category": category,
                     "start_date": start.isoformat()}
    if end is not None:
        payload["end_date"] = end.isoformat()
    if review is not None:
        payload["review_date"] = review.isoformat()
    if (local_id := text(obj, "LocalId")) is not None:
        payload["local_id"] = local_id
    if (attachment := text(obj, "AssociatedAttachment")) is not None:
        payload["associated_attachment"] = attachment
    if docs := documents(ctx, obj, path):
        payload["documents"] = docs
    medical = category in _MEDICAL_PLANS
    ctx.batch.entries.append(EntryRecord(
        source_id=f"PersonalisedPlan/{refid}", child_ref=ctx.child(student).source_id, kind=EntryKind.document,
        category=Category.health if medical else Category.education,
        sensitivity=Sensitivity.sensitive if medical else privacy_sensitivity("PersonalisedPlan"),
        occurred_at=to_utc(start), text=text(obj, "PersonalisedPlanNotes"),
        codes=[Code(system=CS_PLAN, code=category, display=PLAN_CATEGORIES.get(category))],
        author_org_ref=school, payload=payload,
    ))
    ctx.report_rest(obj, {"LocalId", "StudentPersonalRefId", "SchoolInfoRefId", "PersonalisedPlanCategory",
                          "PersonalisedPlanStartDate", "PersonalisedPlanEndDate", "PersonalisedPlanReviewDate",
                          "PersonalisedPlanNotes", "DocumentList", "AssociatedAttachment", "SIF_ExtendedElements"},
                    path)
