"""Wellbeing objects: Characteristic/Event -> observations, Alert -> alerts, Response -> measures, Appeal -> decisions.

WellbeingPersonLink -> a note on the child it names; ConfidentialFlag=Y -> confidential, else privacy rating (High).
"""

from __future__ import annotations

from datetime import datetime, time

from lxml import etree

from adapters.sif_au.constants import (
    ALERT_CATEGORIES,
    APPEAL_STATUSES,
    CS_ALERT,
    CS_APPEAL,
    CS_CHARACTERISTIC,
    CS_EVENT_CLASS,
    CS_RESPONSE,
    EVENT_CLASSES,
    RESPONSE_CATEGORIES,
    privacy_sensitivity,
)
from adapters.sif_au.context import SifContext, kids, local, q, text
from adapters.sif_au.parse_school import documents
from hub.canonical.records import Code, EntryRecord, MeasureRecord
from hub.canonical.time import OSLO, to_utc
from hub.canonical.vocab import Category, EntryKind, MeasureStatus, Sensitivity


def _sensitivity(obj: etree._Element, name: str, *, medical: bool = False) -> Sensitivity:
    if text(obj, "ConfidentialFlag") == "Y":
        return Sensitivity.confidential
    level = privacy_sensitivity(name)
    return Sensitivity.sensitive if medical else level


def _copy(obj: etree._Element, fields: dict[str, str], payload: dict) -> None:
    for element, key in fields.items():
        if (value := text(obj, element)) is not None:
            payload[key] = value


_CHARACTERISTIC_FIELDS = {
    "LocalId": "local_id", "WellbeingCharacteristicClassification": "classification",
    "WellbeingCharacteristicStartDate": "start_date", "WellbeingCharacteristicEndDate": "end_date",
    "WellbeingCharacteristicReviewDate": "review_date", "WellbeingCharacteristicCategory": "category",
    "WellbeingCharacteristicSubCategory": "sub_category", "LocalCharacteristicCode": "local_code",
    "CharacteristicSeverity": "severity", "DailyManagement": "daily_management",
    "EmergencyManagement": "emergency_management", "EmergencyResponsePlan": "emergency_response_plan",
    "Trigger": "trigger", "ConfidentialFlag": "confidential", "Alert": "alert",
}


def parse_characteristic(ctx: SifContext, obj: etree._Element) -> None:
    refid = ctx.object_refid(obj)
    path = f"/WellbeingCharacteristic[@RefId='{refid}']"
    student = ctx.required(obj, "StudentPersonalRefId", path)
    school = ctx.school(text(obj, "SchoolInfoRefId"))
    payload: dict = {"sif_object": "WellbeingCharacteristic", "sif_refid": refid}
    _copy(obj, _CHARACTERISTIC_FIELDS, payload)
    for name in ("WellbeingCharacteristicStartDate", "WellbeingCharacteristicEndDate",
                 "WellbeingCharacteristicReviewDate"):
        ctx.date_of(obj, name, path)
    if docs := documents(ctx, obj, path):
        payload["documents"] = docs
    category = payload.get("category")
    medical = payload.get("classification") == "M" or (category or "").startswith("M")
    ctx.batch.entries.append(EntryRecord(
        source_id=f"WellbeingCharacteristic/{refid}", child_ref=ctx.child(student).source_id,
        kind=EntryKind.alert if payload.get("alert") == "Y" else EntryKind.observation,
        category=Category.health if medical else Category.education,
        sensitivity=_sensitivity(obj, "WellbeingCharacteristic", medical=medical),
        occurred_at=to_utc(payload.get("start_date")), text=text(obj, "WellbeingCharacteristicNotes"),
        codes=[Code(system=CS_CHARACTERISTIC, code=category)] if category else [],
        author_org_ref=school, payload=payload,
    ))
    ctx.report_rest(obj, {"StudentPersonalRefId", "SchoolInfoRefId", "WellbeingCharacteristicNotes",
                          "DocumentList", "SIF_ExtendedElements", *_CHARACTERISTIC_FIELDS}, path)


_ALERT_FIELDS = {"LocalId": "local_id", "Date": "date", "WellbeingAlertStartDate": "start_date",
                 "WellbeingAlertEndDate": "end_date", "WellbeingAlertCategory": "category",
                 "EnrolmentRestricted": "enrolment_restricted", "AlertAudience": "audience",
                 "AlertSeverity": "severity", "AlertKeyContact": "key_contact"}


def parse_alert(ctx: SifContext, obj: etree._Element) -> None:
    refid = ctx.object_refid(obj)
    path = f"/WellbeingAlert[@RefId='{refid}']"
    student = ctx.required(obj, "StudentPersonalRefId", path)
    school = ctx.school(ctx.required(obj, "SchoolInfoRefId", path))
    when = ctx.required_date(obj, "Date", path)
    payload: dict = {"sif_object": "WellbeingAlert", "sif_refid": refid}
    _copy(obj, _ALERT_FIELDS, payload)
    category = payload.get("category")
    medical = category == "M"
    ctx.batch.entries.append(EntryRecord(
        source_id=f"WellbeingAlert/{refid}", child_ref=ctx.child(student).source_id, kind=EntryKind.alert,
        category=Category.health if medical else Category.education,
        sensitivity=_sensitivity(obj, "WellbeingAlert", medical=medical), occurred_at=to_utc(when),
        text=text(obj, "WellbeingAlertDescription"),
        codes=[Code(system=CS_ALERT, code=category, display=ALERT_CATEGORIES.get(category))] if category else [],
        author_org_ref=school, payload=payload,
    ))
    ctx.report_rest(obj, {"StudentPersonalRefId", "SchoolInfoRefId", "WellbeingAlertDescription",
                          "SIF_ExtendedElements", *_ALERT_FIELDS}, path)


_EVENT_FIELDS = {"EventId": "event_id", "GroupIndicator": "group_indicator",
                 "WellbeingEventCategoryClass": "category_class", "WellbeingEventDate": "date",
                 "WellbeingEventTime": "time", "WellbeingEventTimePeriod": "time_period",
                 "WellbeingEventNotes": "notes", "ConfidentialFlag": "confidential", "Status": "status"}


def parse_event(ctx: SifContext, obj: etree._Element) -> None:
    refid = ctx.object_refid(obj)
    path = f"/WellbeingEvent[@RefId='{refid}']"
    student = text(obj, "StudentPersonalRefId")
    if student is None:
        ctx.not_mapped(path, "WellbeingEvent without StudentPersonalRefId (a group event): no child to attach to")
        return
    school = ctx.school(ctx.required(obj, "SchoolInfoRefId", path))
    when = ctx.required_date(obj, "WellbeingEventDate", path)
    category_class = ctx.required(obj, "WellbeingEventCategoryClass", path)
    ctx.required(obj, "WellbeingEventTimePeriod", path)
    payload: dict = {"sif_object": "WellbeingEvent", "sif_refid": refid}
    _copy(obj, _EVENT_FIELDS, payload)
    occurred = to_utc(when)
    if "time" in payload:
        try:
            occurred = to_utc(datetime.combine(when, time.fromisoformat(payload["time"])), assume=OSLO)
        except ValueError:
            ctx.not_mapped(f"{path}/WellbeingEventTime", f"not a time: {payload['time']!r}; date used alone")
    ctx.batch.entries.append(EntryRecord(
        source_id=f"WellbeingEvent/{refid}", child_ref=ctx.child(student).source_id, kind=EntryKind.observation,
        category=Category.education, sensitivity=_sensitivity(obj, "WellbeingEvent"), occurred_at=occurred,
        text=text(obj, "WellbeingEventDescription"),
        codes=[Code(system=CS_EVENT_CLASS, code=category_class, display=EVENT_CLASSES.get(category_class))],
        author_org_ref=school, payload=payload,
    ))
    ctx.report_rest(obj, {"StudentPersonalRefId", "SchoolInfoRefId", "WellbeingEventDescription",
                          "SIF_ExtendedElements", *_EVENT_FIELDS}, path)


def parse_response(ctx: SifContext, obj: etree._Element) -> None:
    refid = ctx.object_refid(obj)
    path = f"/WellbeingResponse[@RefId='{refid}']"
    student = ctx.required(obj, "StudentPersonalRefId", path)
    school = ctx.school(ctx.required(obj, "SchoolInfoRefId", path))
    recorded = ctx.required_date(obj, "Date", path)
    start = ctx.date_of(obj, "WellbeingResponseStartDate", path)
    if start is None:
        ctx.required(obj, "WellbeingResponseStartDate", path)
    end = ctx.date_of(obj, "WellbeingResponseEndDate", path)
    category = text(obj, "WellbeingResponseCategory")
    payload: dict = {"sif_object": "WellbeingResponse", "sif_refid": refid, "date": recorded.isoformat()}
    if (local_id := text(obj, "LocalId")) is not None:
        payload["local_id"] = local_id
    if docs := documents(ctx, obj, path):
        payload["documents"] = docs
    notes = text(obj, "WellbeingResponseNotes")
    if notes is None:
        payload["no_notes"] = True
    description = notes or f"Wellbeing response: {RESPONSE_CATEGORIES.get(category or '', 'unspecified')}"
    ctx.batch.measures.append(MeasureRecord(
        source_id=f"WellbeingResponse/{refid}", child_ref=ctx.child(student).source_id, description=description,
        category=Category.education, sensitivity=_sensitivity(obj, "WellbeingResponse"),
        responsible_org_ref=school, status=MeasureStatus.completed if end else MeasureStatus.active,
        start=start, end=end,
        codes=[Code(system=CS_RESPONSE, code=category, display=RESPONSE_CATEGORIES.get(category))]
        if category else [],
        payload=payload,
    ))
    ctx.report_rest(obj, {"LocalId", "StudentPersonalRefId", "SchoolInfoRefId", "Date", "WellbeingResponseStartDate",
                          "WellbeingResponseEndDate", "WellbeingResponseCategory", "WellbeingResponseNotes",
                          "DocumentList", "SIF_ExtendedElements"}, path)


_APPEAL_FIELDS = {"LocalId": "local_id", "WellbeingResponseRefId": "response_refid",
                  "LocalAppealId": "local_appeal_id", "AppealStatusCode": "status", "Date": "date",
                  "AppealOutcome": "outcome"}


def parse_appeal(ctx: SifContext, obj: etree._Element) -> None:
    refid = ctx.object_refid(obj)
    path = f"/WellbeingAppeal[@RefId='{refid}']"
    student = ctx.required(obj, "StudentPersonalRefId", path)
    school = ctx.school(ctx.required(obj, "SchoolInfoRefId", path))
    ctx.required(obj, "WellbeingResponseRefId", path)
    payload: dict = {"sif_object": "WellbeingAppeal", "sif_refid": refid}
    _copy(obj, _APPEAL_FIELDS, payload)
    status = payload.get("status")
    ctx.batch.entries.append(EntryRecord(
        source_id=f"WellbeingAppeal/{refid}", child_ref=ctx.child(student).source_id, kind=EntryKind.decision,
        category=Category.education, sensitivity=_sensitivity(obj, "WellbeingAppeal"),
        occurred_at=to_utc(ctx.date_of(obj, "Date", path)), text=text(obj, "AppealNotes"),
        codes=[Code(system=CS_APPEAL, code=status, display=APPEAL_STATUSES.get(status))] if status else [],
        author_org_ref=school, related_refs=[f"WellbeingResponse/{payload['response_refid']}"], payload=payload,
    ))
    ctx.report_rest(obj, {"StudentPersonalRefId", "SchoolInfoRefId", "AppealNotes", "SIF_ExtendedElements",
                          *_APPEAL_FIELDS}, path)


_LINK_FIELDS = {"LocalId": "local_id", "WellbeingEventRefId": "event_refid",
                "WellbeingResponseRefId": "response_refid", "GroupId": "group_id", "ShortName": "short_name",
                "HowInvolved": "how_involved", "PersonRole": "person_role"}


def parse_person_link(ctx: SifContext, obj: etree._Element) -> None:
    refid = ctx.object_refid(obj)
    path = f"/WellbeingPersonLink[@RefId='{refid}']"
    person = obj.find(q("PersonRefId"))
    if person is None or person.get("SIF_RefObject") != "StudentPersonal" or not (person.text or "").strip():
        ctx.not_mapped(path, "WellbeingPersonLink does not name a StudentPersonal: no child to attach it to")
        return
    ctx.required(obj, "WellbeingEventRefId", path)
    ctx.required(obj, "GroupId", path)
    payload: dict = {"sif_object": "WellbeingPersonLink", "sif_refid": refid}
    _copy(obj, _LINK_FIELDS, payload)
    follow_ups = [d.text.strip() for d in obj.iterfind(
        f"{q('FollowUpActionList')}/{q('FollowUpAction')}/{q('FollowUpDetails')}") if d.text and d.text.strip()]
    for i, action in enumerate(obj.iterfind(f"{q('FollowUpActionList')}/{q('FollowUpAction')}"), start=1):
        for part in kids(action):
            if local(part) != "FollowUpDetails":
                ctx.not_mapped(f"{path}/FollowUpActionList/FollowUpAction[{i}]/{local(part)}",
                               "follow-up detail not mapped (kept in the raw archive)")
    if follow_ups:
        payload["follow_up_details"] = follow_ups
    related = [f"WellbeingEvent/{payload['event_refid']}"]
    if "response_refid" in payload:
        related.append(f"WellbeingResponse/{payload['response_refid']}")
    ctx.batch.entries.append(EntryRecord(
        source_id=f"WellbeingPersonLink/{refid}", child_ref=ctx.child(person.text.strip()).source_id,
        kind=EntryKind.note, category=Category.education, sensitivity=_sensitivity(obj, "WellbeingPersonLink"),
        text=f"Involved in wellbeing event as: {payload.get('how_involved', 'unspecified')}",
        related_refs=related, payload=payload,
    ))
    ctx.report_rest(obj, {"PersonRefId", "FollowUpActionList", "SIF_ExtendedElements", *_LINK_FIELDS}, path)
