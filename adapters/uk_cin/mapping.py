"""Maps one schema-valid CIN census Message to canonical records (children, referrals, assessments, plans).

Dates are UK local dates (Europe/London); every CIN entry and plan is confidential, category social.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from lxml import etree

from adapters.uk_cin.rules import check_child
from adapters.uk_cin.schema import code_labels
from adapters.uk_cin.values import xs_date, yes_no
from hub.canonical import (
    CaseFact,
    ChildRecord,
    Code,
    EntryRecord,
    EvaluationRecord,
    Identifier,
    MeasureRecord,
    NotMapped,
    OrganizationRecord,
    ParsedBatch,
    Participant,
)
from hub.canonical.time import LONDON, to_utc
from hub.canonical.vocab import (
    CaseStatus,
    Category,
    EntryKind,
    MeasureStatus,
    Sector,
    Sensitivity,
)

FORMAT = "uk-cin"
MAPPING_VERSION = "uk-cin/1"
LA_CODE_SYSTEM = "urn:uk:dfe:la-code"
LA_CHILD_ID_PREFIX = "urn:uk:la:"  # + LA code + ":child-id"
UK_UPN_SYSTEM = "urn:uk:dfe:upn"
UK_FORMER_UPN_SYSTEM = "urn:uk:dfe:former-upn"
CODE_SYSTEM = "urn:uk:dfe:cin:"  # + XSD simple type name, e.g. urn:uk:dfe:cin:referralsourcetype
_SEX = {"1": "male", "2": "female", "9": "other", "0": "unknown"}
_HEADER_NOT_MAPPED = (
    "Header/CollectionDetails/Collection",
    "Header/CollectionDetails/Year",
    "Header/CollectionDetails/ReferenceDate",
    "Header/Source/SourceLevel",
    "Header/Source/Release",
    "Header/Source/SerialNo",
    "Header/Source/DateTime",
)


def la_child_id_system(lea: str | None) -> str:
    """LAchildID is unique only within its local authority, so the system names the LA."""
    return f"{LA_CHILD_ID_PREFIX}{lea or 'unknown'}:child-id"


class _Ids:
    """Unique source ids in document order (the format fixes the order), '#2', '#3' on repeats."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def make(self, base: str) -> str:
        count = self._seen.get(base, 0) + 1
        self._seen[base] = count
        return base if count == 1 else f"{base}#{count}"


class CinMapper:
    def __init__(self, root: etree._Element, *, version: str):
        self.root = root
        self.labels = code_labels(version)
        self.ids = _Ids()
        sources = root.findall("Header/Source")
        self.lea = (sources[0].findtext("LEA") or "").strip() or None if sources else None
        self.batch = ParsedBatch(
            format=FORMAT,
            format_version=version,
            mapping_version=MAPPING_VERSION,
            source_system=(root.findtext("Header/Source/SoftwareCode") or "").strip() or None,
        )
        self.la_ref: str | None = None

    def map(self) -> ParsedBatch:
        self._header()
        for child in self.root.iterfind("Children/Child"):
            self._child(child)
            self.batch.warnings.extend(check_child(child))
        return self.batch

    # -- helpers ---------------------------------------------------------------------------------------
    def _code(self, type_name: str, value: str | None) -> Code | None:
        if not value or not value.strip():
            return None
        value = value.strip()
        return Code(system=CODE_SYSTEM + type_name, code=value, display=self.labels.get(type_name, {}).get(value))

    def _path(self, element: etree._Element) -> str:
        return element.getroottree().getpath(element)

    def _entry(self, **fields: Any) -> EntryRecord:
        return EntryRecord(
            category=Category.social, sensitivity=Sensitivity.confidential, author_org_ref=self.la_ref, **fields
        )

    # -- header ----------------------------------------------------------------------------------------
    def _header(self) -> None:
        if self.lea:
            self.la_ref = f"la:{self.lea}"
            self.batch.organizations.append(
                OrganizationRecord(
                    source_id=self.la_ref,
                    name=f"Local authority {self.lea}",
                    sector=Sector.social,
                    identifiers=[Identifier(system=LA_CODE_SYSTEM, value=self.lea)],
                )
            )
        for index, source in enumerate(self.root.findall("Header/Source")[1:], start=2):
            self.batch.not_mapped.append(
                NotMapped(path=self._path(source), reason=f"Source #{index}: only the first Source names the LA")
            )
        for xpath in _HEADER_NOT_MAPPED:
            for element in self.root.findall(xpath)[:1]:
                self.batch.not_mapped.append(
                    NotMapped(path=self._path(element), reason="census header metadata; kept in the raw archive")
                )

    # -- child -----------------------------------------------------------------------------------------
    def _child(self, child: etree._Element) -> None:
        ids = child.find("ChildIdentifiers")
        la_child_id = ids.findtext("LAchildID").strip()
        child_id = self.ids.make(f"cin:{self.lea or 'unknown'}:{la_child_id}")
        identifiers = [Identifier(system=la_child_id_system(self.lea), value=la_child_id)]
        for tag, system in (("UPN", UK_UPN_SYSTEM), ("FormerUPN", UK_FORMER_UPN_SYSTEM)):
            value = (ids.findtext(tag) or "").strip()
            if value:
                identifiers.append(Identifier(system=system, value=value.upper()))
        birth, expected = xs_date(ids, "PersonBirthDate"), xs_date(ids, "ExpectedPersonBirthDate")
        death = xs_date(ids, "PersonDeathDate")
        extra = self._characteristics(child.find("ChildCharacteristics"))
        gender = ids.findtext("GenderCurrent").strip()
        extra["gender_current"] = gender
        if death:
            extra["death_date"] = death.isoformat()  # deceased_at is London midnight in UTC; keep the plain date
        unknown = self._code("unknownupntype", ids.findtext("UPNunknown"))
        if unknown:
            extra["upn_unknown"] = unknown.model_dump()
        self.batch.children.append(
            ChildRecord(
                source_id=child_id,
                identifiers=identifiers,
                birth_date=birth,
                sex=_SEX.get(gender),
                deceased_at=to_utc(death, assume=LONDON),
                unborn=birth is None and expected is not None,
                expected_birth_date=expected,
                extra=extra,
            )
        )
        disabilities = extra.get("disabilities", [])
        if disabilities:
            self.batch.entries.append(
                self._entry(
                    source_id=f"{child_id}/disabilities",
                    child_ref=child_id,
                    kind=EntryKind.observation,
                    text="Disabilities recorded in the CIN census",
                    codes=[Code(**c) for c in disabilities],
                )
            )
        for details in child.findall("CINdetails"):
            self._details(details, child_id)

    def _characteristics(self, element: etree._Element) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        ethnicity = self._code("ethnicitytype", element.findtext("Ethnicity"))
        if ethnicity:
            extra["ethnicity"] = ethnicity.model_dump()
        codes = [self._code("disabilitytype", d.text) for d in element.findall("Disabilities/Disability")]
        if codes:
            extra["disabilities"] = [c.model_dump() for c in codes if c]
        return extra

    # -- one CIN episode -------------------------------------------------------------------------------
    def _details(self, details: etree._Element, child_id: str) -> None:
        referral_date, closure_date = xs_date(details, "CINreferralDate"), xs_date(details, "CINclosureDate")
        ref = self.ids.make(f"{child_id}/referral:{referral_date}")
        codes = [
            c
            for c in (
                self._code("referralsourcetype", details.findtext("ReferralSource")),
                self._code("primaryneedcodetype", details.findtext("PrimaryNeedCode")),
                self._code("reasonforclosuretype", details.findtext("ReasonForClosure")),
            )
            if c
        ]
        self.batch.case_facts.append(
            CaseFact(
                source_id=f"{ref}/case",
                child_ref=child_id,
                status=CaseStatus.closed if closure_date else CaseStatus.open,
                opened_at=to_utc(referral_date, assume=LONDON),
                closed_at=to_utc(closure_date, assume=LONDON),
                participants=[Participant(org_ref=self.la_ref, role="local-authority")] if self.la_ref else [],
            )
        )
        self.batch.entries.append(
            self._entry(
                source_id=ref,
                child_ref=child_id,
                kind=EntryKind.referral,
                occurred_at=to_utc(referral_date, assume=LONDON),
                text="Referral to children's social care (child in need)",
                codes=codes,
                payload={
                    "referral_date": _iso(referral_date),
                    "referral_source": details.findtext("ReferralSource"),
                    "primary_need_code": details.findtext("PrimaryNeedCode"),
                    "closure_date": _iso(closure_date),
                    "reason_for_closure": details.findtext("ReasonForClosure"),
                    "referral_nfa": yes_no(details.findtext("ReferralNFA")),
                },
            )
        )
        icpc = xs_date(details, "DateOfInitialCPC")
        if icpc:
            self._icpc(f"{ref}/icpc:{icpc}", child_id, icpc, [ref])
        for item in details.findall("Assessments"):
            self._assessment(item, child_id, ref)
        for item in details.findall("CINPlanDates"):
            self._cin_plan(item, child_id, ref)
        for item in details.findall("Section47"):
            self._section47(item, child_id, ref)
        for item in details.findall("ChildProtectionPlans"):
            self._protection_plan(item, child_id, ref)

    def _icpc(self, source_id: str, child_id: str, when: date, related: list[str]) -> None:
        self.batch.entries.append(
            self._entry(
                source_id=self.ids.make(source_id),
                child_ref=child_id,
                kind=EntryKind.decision,
                occurred_at=to_utc(when, assume=LONDON),
                text="Initial child protection conference held",
                payload={"date_of_initial_cpc": _iso(when)},
                related_refs=related,
            )
        )

    def _assessment(self, item: etree._Element, child_id: str, ref: str) -> None:
        start = xs_date(item, "AssessmentActualStartDate")
        factors = item.findall("FactorsIdentifiedAtAssessment/AssessmentFactors")
        codes = [self._code("assessmentfactorstype", f.text) for f in factors]
        self.batch.entries.append(
            self._entry(
                source_id=self.ids.make(f"{ref}/assessment:{start}"),
                child_ref=child_id,
                kind=EntryKind.assessment,
                occurred_at=to_utc(start, assume=LONDON),
                text="Child and family assessment",
                codes=[c for c in codes if c],
                payload={
                    "actual_start_date": _iso(start),
                    "internal_review_date": _iso(xs_date(item, "AssessmentInternalReviewDate")),
                    "authorisation_date": _iso(xs_date(item, "AssessmentAuthorisationDate")),
                },
                related_refs=[ref],
            )
        )

    def _section47(self, item: etree._Element, child_id: str, ref: str) -> None:
        start = xs_date(item, "S47ActualStartDate")
        s47 = self.ids.make(f"{ref}/s47:{start}")
        not_required = yes_no(item.findtext("ICPCnotRequired"))
        self.batch.entries.append(
            self._entry(
                source_id=s47,
                child_ref=child_id,
                kind=EntryKind.assessment,
                occurred_at=to_utc(start, assume=LONDON),
                text="Section 47 enquiry",
                payload={
                    "s47_actual_start_date": _iso(start),
                    "initial_cpc_target": _iso(xs_date(item, "InitialCPCtarget")),
                    "date_of_initial_cpc": _iso(xs_date(item, "DateOfInitialCPC")),
                    "icpc_not_required": not_required,
                },
                related_refs=[ref],
            )
        )
        icpc = xs_date(item, "DateOfInitialCPC")
        if icpc:
            self._icpc(f"{s47}/icpc:{icpc}", child_id, icpc, [ref, s47])
        elif not_required:
            self.batch.entries.append(
                self._entry(
                    source_id=f"{s47}/icpc-not-required",
                    child_ref=child_id,
                    kind=EntryKind.decision,
                    occurred_at=to_utc(start, assume=LONDON),
                    text="Initial child protection conference not required",
                    payload={"icpc_not_required": True},
                    related_refs=[ref, s47],
                )
            )

    def _cin_plan(self, item: etree._Element, child_id: str, ref: str) -> None:
        start, end = xs_date(item, "CINPlanStartDate"), xs_date(item, "CINPlanEndDate")
        self.batch.measures.append(
            MeasureRecord(
                source_id=self.ids.make(f"{ref}/cin-plan:{start}"),
                child_ref=child_id,
                description="Child in need plan",
                category=Category.social,
                sensitivity=Sensitivity.confidential,
                responsible_org_ref=self.la_ref,
                status=MeasureStatus.completed if end else MeasureStatus.active,
                start=start,
                end=end,
                payload={"referral_ref": ref},
            )
        )

    def _protection_plan(self, item: etree._Element, child_id: str, ref: str) -> None:
        start, end = xs_date(item, "CPPstartDate"), xs_date(item, "CPPendDate")
        source_id = self.ids.make(f"{ref}/cpp:{start}")
        initial = item.findtext("InitialCategoryOfAbuse").strip()
        latest = item.findtext("LatestCategoryOfAbuse").strip()
        codes = [self._code("categoryofabuse", c) for c in dict.fromkeys([initial, latest])]
        reviews = [xs_date(r, ".") for r in item.findall("Reviews/CPPreviewDate")]
        self.batch.measures.append(
            MeasureRecord(
                source_id=source_id,
                child_ref=child_id,
                description="Child protection plan",
                category=Category.social,
                sensitivity=Sensitivity.confidential,
                responsible_org_ref=self.la_ref,
                status=MeasureStatus.completed if end else MeasureStatus.active,
                start=start,
                end=end,
                codes=[c for c in codes if c],
                payload={
                    "referral_ref": ref,
                    "initial_category_of_abuse": initial,
                    "latest_category_of_abuse": latest,
                    "number_of_previous_cpp": int(item.findtext("NumberOfPreviousCPP")),
                },
                evaluations=[
                    EvaluationRecord(
                        source_id=self.ids.make(f"{source_id}/review:{when}"),
                        evaluated_at=to_utc(when, assume=LONDON),
                        text="Child protection plan review",
                        author_org_ref=self.la_ref,
                    )
                    for when in reviews
                    if when
                ],
            )
        )


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None
