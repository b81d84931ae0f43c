"""Renders one child's case as a SIF AU 3.4.8 document that validates against SIF_AU_3.4.8_SIF_Message.xsd.

Root and wrapper choice: see render_batch (the 3.4.8 XSD has no multi-object root).
"""

from __future__ import annotations

import uuid
from typing import Any

from lxml import etree

from adapters.sif_au.constants import (
    ELECTRONIC_ID_PREFIX,
    EXT_NUSI,
    LANGUAGE_PREFIX,
    LOCALID_CONTACT,
    LOCALID_STUDENT,
    NAME_TYPE,
    NORWEGIAN_ID_TYPE,
    NS,
    NUSI_SYSTEM,
    OTHER_ID_PREFIX,
    REFID_CONTACT,
    REFID_SCHOOL,
    REFID_STUDENT,
    RELATED_OBJECTS,
    RELATIONSHIPS,
    SEX_TO_SIF,
)
from adapters.sif_au.parser import OBJECTS
from hub.canonical.records import (
    ChildRecord,
    EntryRecord,
    GuardianRecord,
    HumanName,
    Identifier,
    MeasureRecord,
    ParsedBatch,
)
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, ParentalResponsibility
from hub.core.errors import InvalidInput

_NAMESPACE = uuid.UUID("6b1f2c1e-7d0a-4c55-9b1e-5f3f2a9c0d11")
_FLAG_ORDER = ("ParentLegalGuardian", "PickupRights", "LivesWith", "AccessToRecords", "ReceivesAssessmentReport",
               "EmergencyContact", "HasCustody", "DisciplinaryContact", "AttendanceContact", "PrimaryCareProvider",
               "FeesBilling", "FeesAccess", "FamilyMail", "InterventionOrder")
_DOCUMENT_ORDER = (("Location", "location"), ("Sensitivity", "sensitivity"), ("URL", "url"),
                   ("DocumentType", "document_type"), ("DocumentReviewDate", "review_date"),
                   ("DocumentDescription", "description"))
_NORWEGIAN_RELATIONS = {"mor": "01", "far": "01", "medmor": "01", "forelder": "01", "stemor": "02", "stefar": "02",
                        "adoptivforelder": "03", "fosterforelder": "04", "fostermor": "04", "fosterfar": "04",
                        "verge": "20", "besteforelder": "11", "søsken": "10"}
_PARENTS = {ParentalResponsibility.felles, ParentalResponsibility.mor, ParentalResponsibility.far,
            ParentalResponsibility.medmor}


def _el(parent: etree._Element, name: str, value: Any = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{NS}}}{name}", {k: v for k, v in attrs.items() if v is not None})
    if value is not None:
        node.text = str(value)
    return node


def _opt(parent: etree._Element, name: str, value: Any) -> None:
    if value is not None and value != "":
        _el(parent, name, value)


def _new(name: str, **attrs: str) -> etree._Element:
    return etree.Element(f"{{{NS}}}{name}", attrs, nsmap={None: NS})


def refid_from(source_id: str, kind: str) -> str:
    """The GUID inside "<kind>/<GUID>" source ids, else a stable GUID derived from the source id."""
    prefix = f"{kind}/"
    if source_id.startswith(prefix):
        candidate = source_id[len(prefix):]
        try:
            uuid.UUID(candidate)
            return candidate
        except ValueError:
            pass
    return str(uuid.uuid5(_NAMESPACE, f"{kind}|{source_id}")).upper()


def _ident(identifiers: list[Identifier], system: str) -> str | None:
    return next((i.value for i in identifiers if i.system == system), None)


class _Renderer:
    def __init__(self, batch: ParsedBatch) -> None:
        if len(batch.children) != 1:
            raise InvalidInput(f"sif-au renders exactly one child; the case view has {len(batch.children)}")
        self.batch = batch
        self.child: ChildRecord = batch.children[0]
        self.student = _ident(self.child.identifiers, REFID_STUDENT) or refid_from(self.child.source_id,
                                                                                  "StudentPersonal")
        self.orgs = {o.source_id: o for o in batch.organizations}
        self.objects: list[etree._Element] = []

    def school(self, org_ref: str | None) -> str | None:
        org = self.orgs.get(org_ref or "")
        if org is None:
            return None
        return _ident(org.identifiers, REFID_SCHOOL) or refid_from(org.source_id, "SchoolInfo")

    def run(self) -> bytes:
        if self.child.names:
            self.objects.append(self.student_personal())
        for guardian in self.batch.guardians:
            self.guardian(guardian)
        for entry in self.batch.entries:
            builder = _ENTRY_BUILDERS.get(str(entry.payload.get("sif_object")))
            school = self.school(entry.author_org_ref)
            if builder is not None and (school is not None or entry.payload["sif_object"] in _SCHOOL_OPTIONAL):
                self.objects.append(builder(self, entry, school))
        for measure in self.batch.measures:
            school = self.school(measure.responsible_org_ref)
            if measure.payload.get("sif_object") == "WellbeingResponse" and school is not None:
                self.objects.append(_response(self, measure, school))
        if not self.objects:
            raise InvalidInput("nothing in this case view can be expressed as a SIF AU object "
                               "(the child has no name and there are no SIF-origin entries)")
        root, rest = self.objects[0], self.objects[1:]
        if rest:
            holder = root.find(f"{{{NS}}}SIF_ExtendedElements")
            if holder is None:
                holder = _el(root, "SIF_ExtendedElements")
            ext = _el(holder, "SIF_ExtendedElement", Name=RELATED_OBJECTS)
            for name in OBJECTS:
                members = [o for o in rest if etree.QName(o).localname == name]
                if members:
                    collection = _el(ext, f"{name}s")
                    collection.extend(members)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    # --- StudentPersonal -----------------------------------------------------------------------------------
    def student_personal(self) -> etree._Element:
        child = self.child
        obj = _new("StudentPersonal", RefId=self.student)
        alerts = [e for e in self.batch.entries if e.payload.get("sif_object") == "StudentPersonal"]
        plain = [e for e in alerts if e.payload.get("sif_element") == "AlertMessage"]
        medical = [e for e in alerts if e.payload.get("sif_element") == "MedicalAlertMessage"]
        if plain:
            box = _el(obj, "AlertMessages")
            for e in plain:
                _el(box, "AlertMessage", e.text or "", Type=e.payload.get("type") or "Other")
        if medical:
            box = _el(obj, "MedicalAlertMessages")
            for e in medical:
                _el(box, "MedicalAlertMessage", e.text or "", Severity=e.payload.get("severity") or "Moderate")
        _el(obj, "LocalId", _ident(child.identifiers, LOCALID_STUDENT) or self.student)
        _opt(obj, "StateProvinceId", _ident(child.identifiers, "urn:sif:au:state-province-id"))
        electronic = [i for i in child.identifiers if i.system.startswith(ELECTRONIC_ID_PREFIX)]
        if electronic:
            box = _el(obj, "ElectronicIdList")
            for i in electronic:
                _el(box, "ElectronicId", i.value, Type=i.system[len(ELECTRONIC_ID_PREFIX):])
        _other_ids(obj, child.identifiers, {REFID_STUDENT, LOCALID_STUDENT, NUSI_SYSTEM,
                                            "urn:sif:au:state-province-id"}, ELECTRONIC_ID_PREFIX)
        info = _el(obj, "PersonInfo")
        _names(info, child.names)
        demographics = etree.Element(f"{{{NS}}}Demographics")
        _opt(demographics, "Sex", SEX_TO_SIF.get(child.sex or ""))
        _opt(demographics, "BirthDate", child.birth_date.isoformat() if child.birth_date else None)
        types = child.extra.get("sif_language_types", {})
        codes = [lang[len(LANGUAGE_PREFIX):] for lang in child.languages if lang.startswith(LANGUAGE_PREFIX)]
        if codes:
            box = _el(demographics, "LanguageList")
            for code in codes:
                language = _el(box, "Language")
                _el(language, "Code", code)
                _opt(language, "LanguageType", types.get(code))
        if len(demographics):
            info.append(demographics)
        nusi = _ident(child.identifiers, NUSI_SYSTEM)
        if nusi is not None:
            _el(_el(obj, "SIF_ExtendedElements"), "SIF_ExtendedElement", nusi, Name=EXT_NUSI)
        return obj

    # --- contacts ------------------------------------------------------------------------------------------
    def guardian(self, guardian: GuardianRecord) -> None:
        person = _ident(guardian.identifiers, REFID_CONTACT) or refid_from(guardian.source_id, "StudentContactPersonal")
        if guardian.names:
            obj = _new("StudentContactPersonal", RefId=person)
            _opt(obj, "LocalId", _ident(guardian.identifiers, LOCALID_CONTACT))
            _other_ids(obj, guardian.identifiers, {REFID_CONTACT, LOCALID_CONTACT}, None)
            info = _el(obj, "PersonInfo")
            _names(info, guardian.names)
            phones = [c for c in guardian.contact if c.system == "phone"]
            emails = [c for c in guardian.contact if c.system == "email"]
            if phones:
                box = _el(info, "PhoneNumberList")
                for c in phones:
                    _el(_el(box, "PhoneNumber", Type=c.use if c.use and c.use.isdigit() else "0096"), "Number", c.value)
            if emails:
                box = _el(info, "EmailList")
                for c in emails:
                    _el(box, "Email", c.value, Type=c.use if c.use and c.use.isdigit() else "01")
            self.objects.append(obj)
        has_relationship = ("sif_relationship_code" in guardian.extra or guardian.relation is not None
                            or guardian.parental_responsibility is not None or guardian.may_see_log is not None)
        if not has_relationship:
            return
        obj = _new("StudentContactRelationship",
                   StudentContactRelationshipRefId=refid_from(guardian.source_id, "StudentContactRelationship"))
        _el(obj, "StudentPersonalRefId", self.student)
        _el(obj, "StudentContactPersonalRefId", person)
        code = guardian.extra.get("sif_relationship_code") or _NORWEGIAN_RELATIONS.get(
            (guardian.relation or "").lower()) or next((k for k, v in RELATIONSHIPS.items() if v == guardian.relation),
                                                       "99")
        _el(_el(obj, "Relationship"), "Code", code)
        households = guardian.extra.get("sif_households") or []
        if households:
            box = _el(obj, "HouseholdList")
            for h in households:
                _el(box, "Household", h)
        flags = dict(guardian.extra.get("sif_contact_flags") or _derived_flags(guardian))
        if flags:
            box = _el(obj, "ContactFlags")
            for name in _FLAG_ORDER:
                _opt(box, name, flags.get(name))
        self.objects.append(obj)


def _derived_flags(guardian: GuardianRecord) -> dict[str, str]:
    flags: dict[str, str] = {}
    if guardian.parental_responsibility in _PARENTS:
        flags["ParentLegalGuardian"] = "Y"
    elif guardian.parental_responsibility == ParentalResponsibility.andre:
        flags["ParentLegalGuardian"], flags["HasCustody"] = "N", "Y"
    elif guardian.parental_responsibility == ParentalResponsibility.ukjent:
        flags["ParentLegalGuardian"] = "U"
    if guardian.may_see_log is not None:
        flags["AccessToRecords"] = "Y" if guardian.may_see_log else "N"
    return flags


def _names(info: etree._Element, names: list[HumanName]) -> None:
    official = next((n for n in names if n.use == "official"), names[0])
    _name(_el(info, "Name", Type="LGL"), official)
    others = [n for n in names if n is not official]
    if others:
        box = _el(info, "OtherNames")
        for n in others:
            _name(_el(box, "Name", Type=NAME_TYPE.get(n.use or "", n.use if n.use and n.use.isupper() else "OTH")), n)


def _name(node: etree._Element, name: HumanName) -> None:
    _opt(node, "FamilyName", name.family)
    _opt(node, "GivenName", name.given[0] if name.given else None)
    _opt(node, "MiddleName", " ".join(name.given[1:]) or None)
    _opt(node, "FullName", name.text)


def _other_ids(obj: etree._Element, identifiers: list[Identifier], skip: set[str], skip_prefix: str | None) -> None:
    rows = []
    for i in identifiers:
        if i.system in skip or (skip_prefix and i.system.startswith(skip_prefix)):
            continue
        if i.system in (FNR_SYSTEM, DNR_SYSTEM):
            rows.append((NORWEGIAN_ID_TYPE, i.value))
        elif i.system.startswith(OTHER_ID_PREFIX):
            rows.append((i.system[len(OTHER_ID_PREFIX):], i.value))
        else:
            rows.append((i.system, i.value))
    if rows:
        box = _el(obj, "OtherIdList")
        for typ, value in rows:
            _el(box, "OtherId", value, Type=typ)


def _documents(obj: etree._Element, payload: dict) -> None:
    docs = payload.get("documents") or []
    if docs:
        box = _el(obj, "DocumentList")
        for doc in docs:
            node = _el(box, "Document")
            for element, key in _DOCUMENT_ORDER:
                _opt(node, element, doc.get(key))


def _fields(obj: etree._Element, payload: dict, order: tuple[tuple[str, str], ...]) -> None:
    for element, key in order:
        _opt(obj, element, payload.get(key))


def _number(value: Any) -> str | None:
    return None if value is None else str(value)


def _enrollment(r: _Renderer, e: EntryRecord, school: str | None) -> etree._Element:
    p = e.payload
    obj = _new("StudentSchoolEnrollment", RefId=refid_from(e.source_id, "StudentSchoolEnrollment")
               if "sif_refid" not in p else p["sif_refid"])
    _el(obj, "StudentPersonalRefId", r.student)
    _el(obj, "SchoolInfoRefId", school)
    _fields(obj, p, (("MembershipType", "membership_type"), ("TimeFrame", "time_frame"),
                     ("SchoolYear", "school_year"), ("EntryDate", "entry_date")))
    if p.get("year_level") is not None:
        _el(_el(obj, "YearLevel"), "Code", p["year_level"])
    _fields(obj, p, (("ExitDate", "exit_date"), ("FTE", "fte")))
    return obj


def _attendance(r: _Renderer, e: EntryRecord, school: str | None) -> etree._Element:
    p = e.payload
    obj = _new("StudentAttendanceSummary", StudentAttendanceSummaryRefId=p["sif_refid"])
    _el(obj, "StudentPersonalRefId", r.student)
    _el(obj, "SchoolInfoRefId", school)
    _fields(obj, p, (("SchoolYear", "school_year"), ("StartDate", "start_date"), ("EndDate", "end_date")))
    for element, key in (("StartDay", "start_day"), ("EndDay", "end_day"), ("FTE", "fte"),
                         ("DaysAttended", "days_attended"), ("ExcusedAbsences", "excused_absences"),
                         ("UnexcusedAbsences", "unexcused_absences"), ("DaysTardy", "days_tardy"),
                         ("DaysInMembership", "days_in_membership")):
        _opt(obj, element, _number(p.get(key)))
    return obj


def _plan(r: _Renderer, e: EntryRecord, school: str | None) -> etree._Element:
    p = e.payload
    obj = _new("PersonalisedPlan", RefId=p["sif_refid"])
    _opt(obj, "LocalId", p.get("local_id"))
    _el(obj, "StudentPersonalRefId", r.student)
    _el(obj, "SchoolInfoRefId", school)
    _fields(obj, p, (("PersonalisedPlanCategory", "plan_category"), ("PersonalisedPlanStartDate", "start_date"),
                     ("PersonalisedPlanEndDate", "end_date"), ("PersonalisedPlanReviewDate", "review_date")))
    _opt(obj, "PersonalisedPlanNotes", e.text)
    _documents(obj, p)
    _opt(obj, "AssociatedAttachment", p.get("associated_attachment"))
    return obj


def _characteristic(r: _Renderer, e: EntryRecord, school: str | None) -> etree._Element:
    p = e.payload
    obj = _new("WellbeingCharacteristic", RefId=p["sif_refid"])
    _opt(obj, "LocalId", p.get("local_id"))
    _el(obj, "StudentPersonalRefId", r.student)
    _opt(obj, "SchoolInfoRefId", school)
    _fields(obj, p, (("WellbeingCharacteristicClassification", "classification"),
                     ("WellbeingCharacteristicStartDate", "start_date"),
                     ("WellbeingCharacteristicEndDate", "end_date"),
                     ("WellbeingCharacteristicReviewDate", "review_date")))
    _opt(obj, "WellbeingCharacteristicNotes", e.text)
    _fields(obj, p, (("WellbeingCharacteristicCategory", "category"),
                     ("WellbeingCharacteristicSubCategory", "sub_category"), ("LocalCharacteristicCode", "local_code"),
                     ("CharacteristicSeverity", "severity"), ("DailyManagement", "daily_management"),
                     ("EmergencyManagement", "emergency_management"),
                     ("EmergencyResponsePlan", "emergency_response_plan"), ("Trigger", "trigger"),
                     ("ConfidentialFlag", "confidential"), ("Alert", "alert")))
    _documents(obj, p)
    return obj


def _alert(r: _Renderer, e: EntryRecord, school: str | None) -> etree._Element:
    p = e.payload
    obj = _new("WellbeingAlert", RefId=p["sif_refid"])
    _opt(obj, "LocalId", p.get("local_id"))
    _el(obj, "StudentPersonalRefId", r.student)
    _el(obj, "SchoolInfoRefId", school)
    _fields(obj, p, (("Date", "date"), ("WellbeingAlertStartDate", "start_date"),
                     ("WellbeingAlertEndDate", "end_date"), ("WellbeingAlertCategory", "category")))
    _opt(obj, "WellbeingAlertDescription", e.text)
    _fields(obj, p, (("EnrolmentRestricted", "enrolment_restricted"), ("AlertAudience", "audience"),
                     ("AlertSeverity", "severity"), ("AlertKeyContact", "key_contact")))
    return obj


def _event(r: _Renderer, e: EntryRecord, school: str | None) -> etree._Element:
    p = e.payload
    obj = _new("WellbeingEvent", RefId=p["sif_refid"])
    _el(obj, "StudentPersonalRefId", r.student)
    _opt(obj, "GroupIndicator", p.get("group_indicator"))
    _el(obj, "SchoolInfoRefId", school)
    _fields(obj, p, (("EventId", "event_id"), ("WellbeingEventNotes", "notes"),
                     ("WellbeingEventCategoryClass", "category_class"), ("WellbeingEventDate", "date"),
                     ("WellbeingEventTime", "time")))
    _opt(obj, "WellbeingEventDescription", e.text)
    _fields(obj, p, (("WellbeingEventTimePeriod", "time_period"), ("ConfidentialFlag", "confidential"),
                     ("Status", "status")))
    return obj


def _appeal(r: _Renderer, e: EntryRecord, school: str | None) -> etree._Element:
    p = e.payload
    obj = _new("WellbeingAppeal", RefId=p["sif_refid"])
    _opt(obj, "LocalId", p.get("local_id"))
    _el(obj, "StudentPersonalRefId", r.student)
    _el(obj, "SchoolInfoRefId", school)
    _fields(obj, p, (("WellbeingResponseRefId", "response_refid"), ("LocalAppealId", "local_appeal_id"),
                     ("AppealStatusCode", "status"), ("Date", "date")))
    _opt(obj, "AppealNotes", e.text)
    _opt(obj, "AppealOutcome", p.get("outcome"))
    return obj


def _person_link(r: _Renderer, e: EntryRecord, school: str | None) -> etree._Element:
    p = e.payload
    obj = _new("WellbeingPersonLink", RefId=p["sif_refid"])
    _fields(obj, p, (("LocalId", "local_id"), ("WellbeingEventRefId", "event_refid"),
                     ("WellbeingResponseRefId", "response_refid"), ("GroupId", "group_id")))
    _el(obj, "PersonRefId", r.student, SIF_RefObject="StudentPersonal")
    _fields(obj, p, (("ShortName", "short_name"), ("HowInvolved", "how_involved"), ("PersonRole", "person_role")))
    details = p.get("follow_up_details") or []
    if details:
        box = _el(obj, "FollowUpActionList")
        for d in details:
            _el(_el(box, "FollowUpAction"), "FollowUpDetails", d)
    return obj


def _response(r: _Renderer, m: MeasureRecord, school: str) -> etree._Element:
    p = m.payload
    obj = _new("WellbeingResponse", RefId=p["sif_refid"])
    _opt(obj, "LocalId", p.get("local_id"))
    _el(obj, "StudentPersonalRefId", r.student)
    _el(obj, "SchoolInfoRefId", school)
    _el(obj, "Date", p["date"])
    _opt(obj, "WellbeingResponseStartDate", m.start.isoformat() if m.start else None)
    _opt(obj, "WellbeingResponseEndDate", m.end.isoformat() if m.end else None)
    _opt(obj, "WellbeingResponseCategory", m.codes[0].code if m.codes else None)
    _opt(obj, "WellbeingResponseNotes", None if p.get("no_notes") else m.description)
    _documents(obj, p)
    return obj


_ENTRY_BUILDERS = {
    "StudentSchoolEnrollment": _enrollment,
    "StudentAttendanceSummary": _attendance,
    "PersonalisedPlan": _plan,
    "WellbeingCharacteristic": _characteristic,
    "WellbeingAlert": _alert,
    "WellbeingEvent": _event,
    "WellbeingAppeal": _appeal,
    "WellbeingPersonLink": _person_link,
}
_SCHOOL_OPTIONAL = {"WellbeingCharacteristic", "WellbeingPersonLink"}


def render_batch(batch: ParsedBatch) -> bytes:
    """One child's case as one SIF AU 3.4.8 XML document.

    The 3.4.8 XSD declares no heterogeneous wrapper (no SIF_Message or other multi-object root): its only global
    elements are the objects and their homogeneous collections (StudentPersonals, PersonalisedPlans, …; note the
    XSD's own spelling StudentAttendanceSummarys). So the document root is the first object (StudentPersonal when
    the child has a name, else the first other object) and every other object travels inside the root's
    SIF_ExtendedElements/SIF_ExtendedElement[@Name="urn:stafett:sif-au:related-objects"] as a collection element.
    SIF_ExtendedElement content is an xs:any with processContents="lax", so a validator checks the nested objects
    against their global declarations: the whole document validates against the XSD. A plain SIF consumer sees a
    valid StudentPersonal and may ignore the extension. NationalUniqueStudentIdentifier (newer than 3.4.8) is
    written as SIF_ExtendedElement[@Name="NationalUniqueStudentIdentifier"]. Only entries that came from SIF
    objects (payload "sif_object") are rendered; entries of other formats have no SIF home and are left out.
    """
    return _Renderer(batch).run()
