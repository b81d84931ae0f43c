"""StudentPersonal -> ChildRecord (ids, names, birth date, sex, languages) and its alert messages -> entries.

NationalUniqueStudentIdentifier (newer than 3.4.8) is mapped as an identifier and reported with a warning.
"""

from __future__ import annotations

from lxml import etree

from adapters.sif_au.constants import (
    ELECTRONIC_ID_PREFIX,
    EXT_NUSI,
    LANGUAGE_PREFIX,
    LOCALID_STUDENT,
    NUSI_SYSTEM,
    REFID_STUDENT,
    SEX_TO_CANONICAL,
    STATE_PROVINCE_ID,
    privacy_sensitivity,
)
from adapters.sif_au.context import SifContext, kids, local, q, text
from adapters.sif_au.person_parts import other_ids, parse_names
from hub.canonical.records import ChildRecord, EntryRecord, Identifier
from hub.canonical.vocab import Category, EntryKind, Sensitivity
from hub.core.errors import PayloadRejected

_MAPPED = {"AlertMessages", "MedicalAlertMessages", "LocalId", "StateProvinceId", "ElectronicIdList",
           "OtherIdList", "PersonInfo", "NationalUniqueStudentIdentifier", "SIF_ExtendedElements"}
_DEMOGRAPHICS_MAPPED = {"Sex", "BirthDate", "LanguageList"}


def parse_student_personal(ctx: SifContext, obj: etree._Element, nusi_extension: str | None) -> None:
    refid = ctx.object_refid(obj)
    path = f"/StudentPersonal[@RefId='{refid}']"
    identifiers = [Identifier(system=REFID_STUDENT, value=refid)]
    identifiers.append(Identifier(system=LOCALID_STUDENT, value=ctx.required(obj, "LocalId", path)))
    if (state_id := text(obj, "StateProvinceId")) is not None:
        identifiers.append(Identifier(system=STATE_PROVINCE_ID, value=state_id))
    nusi = text(obj, "NationalUniqueStudentIdentifier") or nusi_extension
    if nusi is not None:
        identifiers.append(Identifier(system=NUSI_SYSTEM, value=nusi))
        if text(obj, "NationalUniqueStudentIdentifier") is not None:
            ctx.newer_than_348("NationalUniqueStudentIdentifier", f"{path}/NationalUniqueStudentIdentifier",
                               mapped=True)
    for element in obj.findall(f"{q('ElectronicIdList')}/{q('ElectronicId')}"):
        if element.text and element.text.strip():
            identifiers.append(Identifier(system=ELECTRONIC_ID_PREFIX + (element.get("Type") or "unspecified"),
                                          value=element.text.strip()))
    identifiers.extend(other_ids(ctx, obj, path))

    person_info = obj.find(q("PersonInfo"))
    if person_info is None or person_info.find(q("Name")) is None:
        raise PayloadRejected(f"SIF {path} has no PersonInfo/Name (required by SIF AU 3.4)")
    names = parse_names(ctx, person_info, f"{path}/PersonInfo")
    demographics = person_info.find(q("Demographics"))
    sex = SEX_TO_CANONICAL.get(text(demographics, "Sex") or "") if demographics is not None else None
    birth_date = ctx.date_of(demographics, "BirthDate", f"{path}/PersonInfo/Demographics") \
        if demographics is not None else None
    languages: list[str] = []
    language_types: dict[str, str] = {}
    if demographics is not None:
        for i, language in enumerate(demographics.findall(f"{q('LanguageList')}/{q('Language')}"), start=1):
            for part in kids(language):
                if local(part) not in {"Code", "LanguageType"}:
                    ctx.not_mapped(f"{path}/PersonInfo/Demographics/LanguageList/Language[{i}]/{local(part)}",
                                   "language detail not mapped (kept in the raw archive)")
            code = text(language, "Code")
            if code:
                languages.append(LANGUAGE_PREFIX + code)
                if (typ := text(language, "LanguageType")) is not None:
                    language_types[code] = typ
        ctx.report_rest(demographics, _DEMOGRAPHICS_MAPPED, f"{path}/PersonInfo/Demographics", kind="Demographics")
    ctx.report_rest(person_info, {"Name", "OtherNames", "Demographics"}, f"{path}/PersonInfo", kind="PersonInfo")
    extra = {"sif_language_types": language_types} if language_types else {}
    ctx.replace_child(refid, ChildRecord(
        source_id=ctx.child_source_id(refid), identifiers=identifiers, names=names, birth_date=birth_date,
        sex=sex, languages=languages, extra=extra,
    ))
    _alerts(ctx, obj, refid, path)
    ctx.report_rest(obj, _MAPPED, path)


def _alerts(ctx: SifContext, obj: etree._Element, refid: str, path: str) -> None:
    child_ref = ctx.child_source_id(refid)
    for i, alert in enumerate(obj.findall(f"{q('AlertMessages')}/{q('AlertMessage')}"), start=1):
        ctx.batch.entries.append(EntryRecord(
            source_id=f"{child_ref}/AlertMessage/{i}", child_ref=child_ref, kind=EntryKind.alert,
            category=Category.education, sensitivity=privacy_sensitivity("StudentPersonal"),
            text=(alert.text or "").strip() or None,
            payload={"sif_object": "StudentPersonal", "sif_element": "AlertMessage", "type": alert.get("Type")},
        ))
    for i, alert in enumerate(obj.findall(f"{q('MedicalAlertMessages')}/{q('MedicalAlertMessage')}"), start=1):
        ctx.batch.entries.append(EntryRecord(
            source_id=f"{child_ref}/MedicalAlertMessage/{i}", child_ref=child_ref, kind=EntryKind.alert,
            category=Category.health, sensitivity=Sensitivity.sensitive,
            text=(alert.text or "").strip() or None,
            payload={"sif_object": "StudentPersonal", "sif_element": "MedicalAlertMessage",
                     "severity": alert.get("Severity")},
        ))


def nusi_from_extensions(obj: etree._Element) -> str | None:
    for ext in obj.findall(f"{q('SIF_ExtendedElements')}/{q('SIF_ExtendedElement')}"):
        if ext.get("Name") == EXT_NUSI and not kids(ext):
            return (ext.text or "").strip() or None
    return None
