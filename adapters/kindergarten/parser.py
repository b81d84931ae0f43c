"""Reads a kindergarten-v1 transition report into a ParsedBatch (child, guardians, consents, entries, measures).

The payload is validated against schemas/kindergarten-v1.xsd first; ids inside the report make the source ids.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from lxml import etree

from adapters.kindergarten.constants import (
    ALLE_MED_AREAS,
    ALLE_MED_SYSTEM,
    ASQ3_DOMAINS,
    ASQ3_SYSTEM,
    CHILD_LOCAL_ID_PREFIX,
    DECISION_SYSTEM,
    DECISION_TYPES,
    FORMAT_ID,
    MAPPING_VERSION,
    NS,
    TRAS_AREAS,
    TRAS_SYSTEM,
    UNVERIFIED_NATIONAL_ID,
    UNVERIFIED_ORGNR,
)
from adapters.kindergarten.xml import q, text, texts, validate
from hub.canonical.records import (
    CaseFact,
    ChildRecord,
    Code,
    ConsentRecord,
    ContactPoint,
    EntryRecord,
    EvaluationRecord,
    GuardianRecord,
    HumanName,
    Identifier,
    MeasureRecord,
    OrganizationRecord,
    ParsedBatch,
    Participant,
    ReportWarning,
)
from hub.canonical.time import to_utc
from hub.canonical.vocab import (
    DNR_SYSTEM,
    FNR_SYSTEM,
    ORGNR_SYSTEM,
    Category,
    ConsentGiver,
    EntryKind,
    MeasureStatus,
    ParentalResponsibility,
    Sector,
    Sensitivity,
)
from hub.core.errors import PayloadRejected
from hub.core.safe_xml import parse_xml
from hub.identity.numbers import birth_date_of, is_d_number, is_fodselsnummer, national_id_problem, orgnr_problem

CHILD_SOURCE_ID = "child"


def _bool(value: str | None) -> bool | None:
    return None if value is None else value.strip() in {"true", "1"}


def _number(value: str) -> int | float:
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


class _Reader:
    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.batch = ParsedBatch(format=FORMAT_ID, format_version=root.get("version"),
                                 mapping_version=MAPPING_VERSION)
        self.orgs: dict[str, OrganizationRecord] = {}
        self.ids: set[str] = set()

    def warn(self, code: str, message: str, path: str) -> None:
        self.batch.warnings.append(ReportWarning(code=code, message=message, path=path))

    def unique(self, source_id: str, path: str) -> str:
        if source_id in self.ids:
            raise PayloadRejected(f"kindergarten-v1 id {source_id!r} is used twice ({path})")
        self.ids.add(source_id)
        return source_id

    # --- organisations and people ------------------------------------------------------------------------
    def org(self, element: etree._Element, sector: Sector, path: str) -> str:
        return self.org_by_number(element.get("orgNr"), sector, path, name=text(element, "Name"),
                                  kommunenummer=element.get("kommunenummer"))

    def org_by_number(self, orgnr: str, sector: Sector, path: str, *, name: str | None = None,
                      kommunenummer: str | None = None) -> str:
        found = self.orgs.get(orgnr)
        if found is None:
            problem = orgnr_problem(orgnr)
            if problem:
                self.warn("invalid-orgnr", f"orgNr {orgnr} is not a valid organisasjonsnummer: {problem}", path)
            found = OrganizationRecord(
                source_id=f"org/{orgnr}", name=name, sector=sector, kommunenummer=kommunenummer,
                identifiers=[Identifier(system=UNVERIFIED_ORGNR if problem else ORGNR_SYSTEM, value=orgnr)],
            )
            self.orgs[orgnr] = found
            self.batch.organizations.append(found)
        else:
            found.name = found.name or name
            found.kommunenummer = found.kommunenummer or kommunenummer
        return found.source_id

    def national_id(self, value: str | None, path: str) -> list[Identifier]:
        if value is None:
            return []
        if is_fodselsnummer(value):
            return [Identifier(system=FNR_SYSTEM, value=value)]
        if is_d_number(value):
            return [Identifier(system=DNR_SYSTEM, value=value)]
        self.warn("invalid-national-id", f"NationalId is not a valid fødselsnummer or D-nummer: "
                  f"{national_id_problem(value)}; kept unverified", path)
        return [Identifier(system=UNVERIFIED_NATIONAL_ID, value=value)]

    @staticmethod
    def names(element: etree._Element) -> list[HumanName]:
        return [HumanName(given=texts(n, "Given"), family=text(n, "Family"), use=n.get("use"))
                for n in element.findall(q("Name"))]

    def child(self, kindergarten_orgnr: str) -> None:
        element = self.root.find(q("Child"))
        identifiers = self.national_id(text(element, "NationalId"), "/TransitionReport/Child/NationalId")
        if (local_id := text(element, "LocalId")) is not None:
            identifiers.append(Identifier(system=CHILD_LOCAL_ID_PREFIX + kindergarten_orgnr, value=local_id))
        birth = date.fromisoformat(born) if (born := text(element, "BirthDate")) else None
        national = next((i.value for i in identifiers if i.system in (FNR_SYSTEM, DNR_SYSTEM)), None)
        if birth and national and birth_date_of(national) not in (None, birth):
            self.warn("birth-date-mismatch", "BirthDate differs from the birth date in NationalId",
                      "/TransitionReport/Child/BirthDate")
        languages, preferred, note = [], None, None
        background = self.root.find(q("LanguageBackground"))
        if background is not None:
            for language in background.findall(q("Language")):
                languages.append(language.get("code"))
                if _bool(language.get("preferred")):
                    preferred = language.get("code")
            note = text(background, "Note")
        self.batch.children.append(ChildRecord(
            source_id=CHILD_SOURCE_ID, identifiers=identifiers, names=self.names(element), birth_date=birth,
            sex=text(element, "Sex"), languages=languages, preferred_language=preferred,
            extra={"language_note": note} if note else {},
        ))

    def guardians(self) -> None:
        for element in self.root.iterfind(f"{q('Guardians')}/{q('Guardian')}"):
            gid = element.get("id")
            path = f"/TransitionReport/Guardians/Guardian[@id='{gid}']"
            responsibility = text(element, "ParentalResponsibility")
            contact = [ContactPoint(system="phone", value=v) for v in texts(element, "Phone")]
            contact += [ContactPoint(system="email", value=v) for v in texts(element, "Email")]
            self.batch.guardians.append(GuardianRecord(
                source_id=self.unique(f"guardian/{gid}", path), child_ref=CHILD_SOURCE_ID,
                identifiers=self.national_id(text(element, "NationalId"), f"{path}/NationalId"),
                names=self.names(element), relation=text(element, "Relation"),
                parental_responsibility=ParentalResponsibility(responsibility) if responsibility else None,
                may_see_log=_bool(text(element, "MaySeeLog")), contact=contact,
            ))

    def consents(self) -> None:
        guardians = {g.source_id for g in self.batch.guardians}
        for element in self.root.iterfind(f"{q('Consents')}/{q('Consent')}"):
            cid = element.get("id")
            path = f"/TransitionReport/Consents/Consent[@id='{cid}']"
            guardian_ref = f"guardian/{element.get('guardian')}" if element.get("guardian") else None
            if guardian_ref is not None and guardian_ref not in guardians:
                raise PayloadRejected(f"{path}: guardian {element.get('guardian')!r} is not listed in Guardians")
            targets = element.findall(q("GivenTo"))
            # GivenTo names one organisation; its sector attribute says what kind of organisation that is. A consent to
            # one school is a consent to that school only, never to every school (the format has no sector consent).
            org_refs = [self.org(t, Sector(t.get("sector")), f"{path}/GivenTo") for t in targets]
            valid_to = text(element, "ValidTo")
            self.batch.consents.append(ConsentRecord(
                source_id=self.unique(f"consent/{cid}", path), child_ref=CHILD_SOURCE_ID,
                given_by=ConsentGiver(element.get("givenBy", "guardian")), guardian_ref=guardian_ref,
                org_refs=org_refs, sectors=[],
                categories=[Category(c) for c in texts(element, "Category")], purpose=text(element, "Purpose"),
                valid_from=to_utc(text(element, "GivenOn")),
                # ValidTo is inclusive: the consent ends when the next day starts (Europe/Oslo).
                valid_to=to_utc(date.fromisoformat(valid_to) + timedelta(days=1)) if valid_to else None,
                revoked_at=to_utc(text(element, "RevokedOn")), status=element.get("status", "active"),
            ))

    # --- content -----------------------------------------------------------------------------------------
    def entry(self, source_id: str, path: str, **fields) -> None:
        self.batch.entries.append(EntryRecord(source_id=self.unique(source_id, path), child_ref=CHILD_SOURCE_ID,
                                              author_org_ref=self.kindergarten, **fields))

    def strengths(self) -> None:
        for item in self.root.iterfind(f"{q('StrengthsAndInterests')}/{q('Item')}"):
            payload = {"kg_section": "strength"}
            if item.get("date"):
                payload["date"] = item.get("date")
            self.entry(f"strength/{item.get('id')}", "/TransitionReport/StrengthsAndInterests/Item",
                       kind=EntryKind.highlight, category=Category.early_childhood,
                       occurred_at=to_utc(item.get("date")), text=(item.text or "").strip() or None, payload=payload)

    def observations(self) -> None:
        box = self.root.find(q("Observations"))
        if box is None:
            return
        for element in box:
            if not isinstance(element.tag, str):
                continue
            name = etree.QName(element).localname
            oid = element.get("id")
            path = f"/TransitionReport/Observations/{name}[@id='{oid}']"
            payload: dict = {"kg_section": name, "date": element.get("date")}
            if name == "TrasObservation":
                system, labels = TRAS_SYSTEM, TRAS_AREAS
                if element.get("ageBand"):
                    payload["age_band"] = element.get("ageBand")
                payload["areas"] = [self._area(a, "result", str) for a in element.findall(q("Area"))]
            elif name == "AlleMedObservation":
                system, labels = ALLE_MED_SYSTEM, ALLE_MED_AREAS
                payload["areas"] = [self._area(a, "level", int) for a in element.findall(q("Area"))]
            else:
                system, labels = ASQ3_SYSTEM, ASQ3_DOMAINS
                payload["questionnaire_months"] = int(element.get("questionnaireMonths"))
                payload["areas"] = [self._domain(d, path) for d in element.findall(q("Domain"))]
            self.entry(f"observation/{oid}", path, kind=EntryKind.observation, category=Category.early_childhood,
                       occurred_at=to_utc(element.get("date")), text=text(element, "Summary"),
                       codes=[Code(system=system, code=a["code"], display=labels[a["code"]])
                              for a in payload["areas"]],
                       author_name=element.get("observer"), payload=payload)

    @staticmethod
    def _area(element: etree._Element, attribute: str, cast) -> dict:
        area = {"code": element.get("code"), attribute: cast(element.get(attribute))}
        if element.text and element.text.strip():
            area["note"] = element.text.strip()
        return area

    def _domain(self, element: etree._Element, path: str) -> dict:
        score, cutoff = _number(element.get("score")), _number(element.get("cutoff"))
        below = _bool(element.get("belowCutoff"))
        if below != (score < cutoff):
            self.warn("asq3-cutoff-mismatch", f"ASQ-3 domain {element.get('code')}: score {score} and cut-off "
                      f"{cutoff} disagree with belowCutoff={str(below).lower()}", f"{path}/Domain")
        return {"code": element.get("code"), "score": score, "cutoff": cutoff, "below_cutoff": below}

    def decisions(self) -> None:
        for element in self.root.iterfind(f"{q('Decisions')}/{q('Decision')}"):
            did = element.get("id")
            payload: dict = {"kg_section": "decision", "date": element.get("date"),
                             "decision_type": element.get("type")}
            if element.get("legalBasis"):
                payload["legal_basis"] = element.get("legalBasis")
            if (hours := text(element, "HoursPerWeek")) is not None:
                payload["hours_per_week"] = _number(hours)
            for name, key in (("From", "from"), ("To", "to")):
                if (value := text(element, name)) is not None:
                    payload[key] = value
            self.entry(f"decision/{did}", f"/TransitionReport/Decisions/Decision[@id='{did}']",
                       kind=EntryKind.decision, category=Category.early_childhood,
                       sensitivity=Sensitivity.sensitive, occurred_at=to_utc(element.get("date")),
                       text=text(element, "Text"),
                       codes=[Code(system=DECISION_SYSTEM, code=element.get("type"),
                                   display=DECISION_TYPES[element.get("type")])], payload=payload)

    def measures(self) -> None:
        for element in self.root.iterfind(f"{q('Measures')}/{q('Measure')}"):
            mid = element.get("id")
            path = f"/TransitionReport/Measures/Measure[@id='{mid}']"
            home = bool(_bool(element.get("responsibleHome")))
            responsible = None
            if element.get("responsibleOrgNr"):
                orgnr = element.get("responsibleOrgNr")
                responsible = self.org_by_number(orgnr, Sector.other, f"{path}/@responsibleOrgNr")
            evaluations = [EvaluationRecord(evaluated_at=to_utc(e.get("date")), outcome=e.get("outcome"),
                                            text=(e.text or "").strip() or None)
                           for e in element.findall(q("Evaluation"))]
            helped = _bool(element.get("helped"))
            self.batch.measures.append(MeasureRecord(
                source_id=self.unique(f"measure/{mid}", path), child_ref=CHILD_SOURCE_ID,
                description=text(element, "Description"),
                category=Category.home if home else Category.early_childhood, responsible_org_ref=responsible,
                responsible_home=home, status=MeasureStatus(element.get("status", "active")),
                start=_date(text(element, "Start")), end=_date(text(element, "End")),
                evaluation_due=_date(text(element, "EvaluationDue")), evaluations=evaluations,
                payload={"helped": helped} if helped is not None else {},
            ))

    def meetings(self) -> None:
        for element in self.root.iterfind(f"{q('TransitionMeetings')}/{q('Meeting')}"):
            mid = element.get("id")
            self.entry(f"meeting/{mid}", f"/TransitionReport/TransitionMeetings/Meeting[@id='{mid}']",
                       kind=EntryKind.meeting, category=Category.early_childhood,
                       occurred_at=to_utc(element.get("at")), text=text(element, "Summary"),
                       payload={"kg_section": "meeting", "participants": texts(element, "Participant")})

    def notes(self) -> None:
        for element in self.root.iterfind(f"{q('Notes')}/{q('Note')}"):
            nid = element.get("id")
            self.entry(f"note/{nid}", f"/TransitionReport/Notes/Note[@id='{nid}']",
                       kind=EntryKind(element.get("kind")), category=Category(element.get("category")),
                       sensitivity=Sensitivity(element.get("sensitivity", "normal")),
                       occurred_at=to_utc(element.get("at")), text=(element.text or "").strip() or None,
                       payload={"kg_section": "note"})

    def run(self) -> ParsedBatch:
        kindergarten = self.root.find(q("Kindergarten"))
        self.kindergarten = self.org(kindergarten, Sector.kindergarten, "/TransitionReport/Kindergarten")
        self.batch.municipality = kindergarten.get("kommunenummer")
        self.batch.case_facts.append(CaseFact(
            source_id="case", child_ref=CHILD_SOURCE_ID, municipality=kindergarten.get("kommunenummer"),
            participants=[Participant(org_ref=self.kindergarten, role="kindergarten")],
        ))
        school = self.root.find(q("ReceivingSchool"))
        if school is not None:
            self.org(school, Sector.school, "/TransitionReport/ReceivingSchool")
        self.child(kindergarten.get("orgNr"))
        self.guardians()
        self.consents()
        self.strengths()
        self.observations()
        self.decisions()
        self.measures()
        self.meetings()
        self.notes()
        return self.batch


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def parse_report(payload: bytes) -> ParsedBatch:
    root = parse_xml(payload)
    if root.tag != q("TransitionReport"):
        raise PayloadRejected(f"root element must be TransitionReport in namespace {NS}, found {root.tag!r}")
    validate(root)
    return _Reader(root).run()
