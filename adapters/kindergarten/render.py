"""Renders one child's case as a kindergarten-v1 transition report that validates against the project XSD.

Entries carry their report section in payload["kg_section"]; entries from other formats become <Note> elements.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree

from adapters.kindergarten.constants import CHILD_LOCAL_ID_PREFIX, NS, UNVERIFIED_NATIONAL_ID, UNVERIFIED_ORGNR
from adapters.kindergarten.xml import validate
from hub.canonical.records import (
    EntryRecord,
    HumanName,
    Identifier,
    MeasureRecord,
    OrganizationRecord,
    ParsedBatch,
)
from hub.canonical.time import OSLO
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM, ORGNR_SYSTEM, Sector
from hub.core.errors import InvalidInput

_NAMESPACE = uuid.UUID("1c0de5a1-4b7e-4f7a-8c53-2f8f0b6f9e21")
_ID = re.compile(r"^\S{1,100}$")


def _el(parent: etree._Element, name: str, value: Any = None, **attrs: Any) -> etree._Element:
    node = etree.SubElement(parent, f"{{{NS}}}{name}",
                            {k: _attr(v) for k, v in attrs.items() if v is not None})
    if value is not None:
        node.text = _attr(value)
    return node


def _attr(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _opt(parent: etree._Element, name: str, value: Any) -> None:
    if value is not None and value != "":
        _el(parent, name, value)


def _local_id(source_id: str, prefix: str) -> str:
    rest = source_id[len(prefix):] if source_id.startswith(prefix) else source_id
    return rest if _ID.match(rest) else str(uuid.uuid5(_NAMESPACE, source_id))


def _oslo_date(value: datetime | None) -> str | None:
    return value.astimezone(OSLO).date().isoformat() if value else None


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _orgnr(org: OrganizationRecord) -> str | None:
    return next((i.value for i in org.identifiers if i.system in (ORGNR_SYSTEM, UNVERIFIED_ORGNR)), None)


def _national(identifiers: list[Identifier]) -> str | None:
    return next((i.value for i in identifiers if i.system in (FNR_SYSTEM, DNR_SYSTEM, UNVERIFIED_NATIONAL_ID)),
                None)


class _Renderer:
    def __init__(self, batch: ParsedBatch) -> None:
        if len(batch.children) != 1:
            raise InvalidInput(f"kindergarten-v1 renders exactly one child; the case view has {len(batch.children)}")
        self.batch = batch
        self.orgs = {o.source_id: o for o in batch.organizations}
        kindergartens = [o for o in batch.organizations if o.sector == Sector.kindergarten and _orgnr(o)]
        if not kindergartens:
            raise InvalidInput("kindergarten-v1 needs a kindergarten organisation with an organisation number")
        self.kindergarten = kindergartens[0]
        self.root = etree.Element(f"{{{NS}}}TransitionReport", nsmap={None: NS})

    def run(self) -> bytes:
        child = self.batch.children[0]
        self.root.set("reportId", _local_id(self.batch.extract_id or f"report/{child.source_id}", "report/"))
        self.root.set("version", "1.0")
        self.organisation("Kindergarten", self.kindergarten)
        school = next((o for o in self.batch.organizations if o.sector == Sector.school and _orgnr(o)), None)
        if school is not None:
            self.organisation("ReceivingSchool", school)
        self.child()
        self.language()
        self.guardians()
        self.consents()
        entries = self.batch.entries
        self.section("StrengthsAndInterests", [e for e in entries if e.payload.get("kg_section") == "strength"],
                     self.strength)
        observations = [e for e in entries if e.payload.get("kg_section") in
                        ("TrasObservation", "AlleMedObservation", "Asq3Result")]
        self.section("Observations", observations, self.observation)
        self.section("Decisions", [e for e in entries if e.payload.get("kg_section") == "decision"], self.decision)
        self.section("Measures", self.batch.measures, self.measure)
        self.section("TransitionMeetings", [e for e in entries if e.payload.get("kg_section") == "meeting"],
                     self.meeting)
        known = {"strength", "TrasObservation", "AlleMedObservation", "Asq3Result", "decision", "meeting"}
        self.section("Notes", [e for e in entries if e.payload.get("kg_section") not in known], self.note)
        validate(self.root)
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def section(self, name: str, items: list, builder) -> None:
        if items:
            box = _el(self.root, name)
            for item in items:
                builder(box, item)

    def organisation(self, name: str, org: OrganizationRecord) -> None:
        node = _el(self.root, name, orgNr=_orgnr(org), kommunenummer=org.kommunenummer)
        _opt(node, "Name", org.name)

    @staticmethod
    def names(parent: etree._Element, names: list[HumanName]) -> None:
        for name in names or [HumanName()]:
            node = _el(parent, "Name", use=name.use)
            for given in name.given:
                _el(node, "Given", given)
            _opt(node, "Family", name.family)

    def child(self) -> None:
        child = self.batch.children[0]
        node = _el(self.root, "Child")
        _opt(node, "NationalId", _national(child.identifiers))
        _opt(node, "LocalId", next((i.value for i in child.identifiers
                                    if i.system.startswith(CHILD_LOCAL_ID_PREFIX)), None))
        self.names(node, child.names)
        _opt(node, "BirthDate", child.birth_date.isoformat() if child.birth_date else None)
        _opt(node, "Sex", child.sex if child.sex in {"female", "male", "other", "unknown"} else None)

    def language(self) -> None:
        child = self.batch.children[0]
        codes = [c for c in child.languages if re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", c)]
        if not codes:
            return
        node = _el(self.root, "LanguageBackground")
        for code in codes:
            _el(node, "Language", code=code, preferred=True if code == child.preferred_language else None)
        _opt(node, "Note", child.extra.get("language_note"))

    def guardians(self) -> None:
        self.guardian_ids = {g.source_id: _local_id(g.source_id, "guardian/") for g in self.batch.guardians}
        if not self.batch.guardians:
            return
        box = _el(self.root, "Guardians")
        for g in self.batch.guardians:
            node = _el(box, "Guardian", id=self.guardian_ids[g.source_id])
            _opt(node, "NationalId", _national(g.identifiers))
            self.names(node, g.names)
            _opt(node, "Relation", g.relation)
            _opt(node, "ParentalResponsibility", g.parental_responsibility.value if g.parental_responsibility
                 else None)
            _opt(node, "MaySeeLog", None if g.may_see_log is None else _attr(g.may_see_log))
            for c in g.contact:
                if c.system in ("phone", "email"):
                    _el(node, "Phone" if c.system == "phone" else "Email", c.value)

    def consents(self) -> None:
        rows = [c for c in self.batch.consents if c.valid_from is not None]
        if not rows:
            return
        box = _el(self.root, "Consents")
        for c in rows:
            targets = [self.orgs[r] for r in c.org_refs if r in self.orgs and _orgnr(self.orgs[r])]
            if not targets or not c.categories:
                continue
            node = _el(box, "Consent", id=_local_id(c.source_id, "consent/"),
                       guardian=self.guardian_ids.get(c.guardian_ref or ""), givenBy=c.given_by.value,
                       status=c.status)
            for org in targets:
                _opt(_el(node, "GivenTo", orgNr=_orgnr(org), sector=org.sector.value), "Name", org.name)
            for category in c.categories:
                _el(node, "Category", category.value)
            _opt(node, "Purpose", c.purpose)
            _el(node, "GivenOn", _oslo_date(c.valid_from))
            _opt(node, "ValidTo", _oslo_date(c.valid_to - timedelta(microseconds=1)) if c.valid_to else None)
            _opt(node, "RevokedOn", _oslo_date(c.revoked_at))
        if not len(box):
            self.root.remove(box)

    @staticmethod
    def strength(box: etree._Element, e: EntryRecord) -> None:
        _el(box, "Item", e.text or "", id=_local_id(e.source_id, "strength/"), date=e.payload.get("date"))

    @staticmethod
    def observation(box: etree._Element, e: EntryRecord) -> None:
        p = e.payload
        node = _el(box, p["kg_section"], id=_local_id(e.source_id, "observation/"), date=p["date"],
                   observer=e.author_name)
        if p["kg_section"] == "TrasObservation":
            node.set("ageBand", p["age_band"]) if p.get("age_band") else None
            for a in p["areas"]:
                _el(node, "Area", a.get("note"), code=a["code"], result=a["result"])
        elif p["kg_section"] == "AlleMedObservation":
            for a in p["areas"]:
                _el(node, "Area", a.get("note"), code=a["code"], level=a["level"])
        else:
            node.set("questionnaireMonths", str(p["questionnaire_months"]))
            for a in p["areas"]:
                _el(node, "Domain", code=a["code"], score=a["score"], cutoff=a["cutoff"],
                    belowCutoff=a["below_cutoff"])
        _opt(node, "Summary", e.text)

    @staticmethod
    def decision(box: etree._Element, e: EntryRecord) -> None:
        p = e.payload
        node = _el(box, "Decision", id=_local_id(e.source_id, "decision/"), date=p["date"],
                   type=p["decision_type"], legalBasis=p.get("legal_basis"))
        _el(node, "Text", e.text or "")
        _opt(node, "HoursPerWeek", p.get("hours_per_week"))
        _opt(node, "From", p.get("from"))
        _opt(node, "To", p.get("to"))

    def measure(self, box: etree._Element, m: MeasureRecord) -> None:
        org = self.orgs.get(m.responsible_org_ref or "")
        node = _el(box, "Measure", id=_local_id(m.source_id, "measure/"),
                   responsibleHome=True if m.responsible_home else None,
                   responsibleOrgNr=_orgnr(org) if org else None, status=m.status.value,
                   helped=m.payload.get("helped"))
        _el(node, "Description", m.description)
        _opt(node, "Start", m.start.isoformat() if m.start else None)
        _opt(node, "End", m.end.isoformat() if m.end else None)
        _opt(node, "EvaluationDue", m.evaluation_due.isoformat() if m.evaluation_due else None)
        for ev in m.evaluations:
            _el(node, "Evaluation", ev.text, date=_oslo_date(ev.evaluated_at), outcome=ev.outcome)

    @staticmethod
    def meeting(box: etree._Element, e: EntryRecord) -> None:
        when = e.occurred_at
        if when is None:
            return
        node = _el(box, "Meeting", id=_local_id(e.source_id, "meeting/"), at=_iso(when))
        for participant in e.payload.get("participants", []):
            _el(node, "Participant", participant)
        _opt(node, "Summary", e.text)

    @staticmethod
    def note(box: etree._Element, e: EntryRecord) -> None:
        _el(box, "Note", e.text or "", id=_local_id(e.source_id, "note/"), kind=e.kind.value,
            category=e.category.value, sensitivity=e.sensitivity.value,
            at=_iso(e.occurred_at) if e.occurred_at else None)


def render_report(batch: ParsedBatch) -> bytes:
    return _Renderer(batch).run()
