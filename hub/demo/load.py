"""Loads the demo: Haugesund (1106) and Tysvær (1146), one organisation of every sector, a child's level-2 case
with concerns, goals, measures (one at home), evaluations and entries from several services, and the kindergarten's
transition report pushed through the ingest pipeline, ready for the school's handover pull.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from joserfc.jwk import ECKey
from sqlalchemy import func, select

from hub.audit import service as audit
from hub.auth.clients import register_client
from hub.canonical.records import ContactPoint, HumanName, Identifier, PostalAddress
from hub.canonical.vocab import FNR_SYSTEM, Category, EntryKind, Sector
from hub.cases import service as cases
from hub.cases.models import Entry, Measure
from hub.cases.schemas import (
    CaseCreate,
    CoordinatorIn,
    EntryCreate,
    EvaluationCreate,
    GoalCreate,
    MeasureCreate,
    ParticipantIn,
)
from hub.children import service as children
from hub.children.schemas import ChildCreate, GuardianCreate
from hub.consent import service as consents
from hub.consent.schemas import ConsentCreate
from hub.core.settings import Settings
from hub.db.engine import make_engine, session_scope
from hub.demo.kindergarten_report import report as kindergarten_report
from hub.identity.numbers import orgnr_problem
from hub.ingest.service import ingest_payload
from hub.organizations import service as organizations
from hub.organizations.models import Organization
from hub.organizations.schemas import OrganizationCreate

DEMO_CHILD_FNR = "04021950128"
# A clinic visit of the demo child as the clinic's system pushes it (FHIR transaction Bundle): printed by `stafett demo`.
DEMO_VISIT = Path(__file__).resolve().with_name("clinic-visit.json")
# Synthetic test numbers (month + 80, as in Skatteetaten's Tenor test data): no real person has them.
DEMO_MOTHER_FNR = "12849000029"
DEMO_FATHER_FNR = "24868800077"


def valid_orgnr(prefix: int) -> str:
    """The first valid organisasjonsnummer at or after the 8-digit `prefix` (demo data only)."""
    for candidate in range(prefix, prefix + 100):
        for check in range(10):
            value = f"{candidate}{check}"
            if orgnr_problem(value) is None:
                return value
    raise ValueError("no valid organisation number found")


ORGANISATIONS = [
    ("Haugesund helsestasjon", Sector.health, "1106", 92000001),
    ("Haugesund legesenter (fastlege)", Sector.health, "1106", 92000011),
    ("Fysioterapitjenesten Haugesund", Sector.health, "1106", 92000021),
    ("Solstråla barnehage", Sector.kindergarten, "1106", 92000031),
    ("Skåredalen skole", Sector.school, "1106", 92000041),
    ("PPT Haugesund", Sector.ppt, "1106", 92000051),
    ("Barneverntjenesten i Haugesund", Sector.child_welfare, "1106", 92000061),
    ("BUP Haugesund (Helse Fonna)", Sector.health, "1106", 92000071),
    ("NAV Haugesund", Sector.nav, "1106", 92000081),
    ("Haugesund kommune", Sector.municipality, "1106", 92000091),
    ("Tysvær helsestasjon", Sector.health, "1146", 92000101),
    ("Aksdal skule", Sector.school, "1146", 92000111),
    ("Tysvær kommune", Sector.municipality, "1146", 92000121),
]


@dataclass
class DemoSummary:
    case_id: uuid.UUID
    child_id: uuid.UUID
    organisations: dict[str, uuid.UUID] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    client_id: str = ""
    private_jwk: dict = field(default_factory=dict)
    school_client_id: str = ""
    school_private_jwk: dict = field(default_factory=dict)


CLINIC_SCOPES = ["ingest", "case.read", "case.write", "handover.read", "transfer"]
SCHOOL_SCOPES = ["handover.read", "case.read"]


def _demo_client(session, organization_id: uuid.UUID, scopes: list[str] = CLINIC_SCOPES) -> tuple[str, dict]:
    """A ready-made system client for a demo organisation, with a fresh EC key (demo only)."""
    key = ECKey.generate_key("P-256", parameters={"kid": "demo-key", "alg": "ES256", "use": "sig"}, private=True)
    organization = session.get(Organization, organization_id)
    client = register_client(
        session,
        organization=organization,
        scopes=scopes,
        jwks={"keys": [key.as_dict(private=False)]},
        name=f"demo client ({organization.name})",
    )
    return client.client_id, key.as_dict(private=True)


def _count(session, model, case) -> int:
    query = select(func.count()).select_from(model).where(model.case_id == case.id, model.source_format == "kindergarten-v1")
    return session.scalar(query)


def _push_kindergarten_report(session, settings: Settings, orgs: dict[str, uuid.UUID]):
    """Solstråla barnehage's transition report, through the same pipeline as POST /api/v1/ingest/kindergarten-v1."""
    kindergarten = session.get(Organization, orgs["Solstråla barnehage"])
    school = session.get(Organization, orgs["Skåredalen skole"])
    payload = kindergarten_report(
        kindergarten_orgnr=kindergarten.orgnr, school_orgnr=school.orgnr, child_fnr=DEMO_CHILD_FNR, mother_fnr=DEMO_MOTHER_FNR
    )
    result = ingest_payload(
        session, settings=settings, format_id="kindergarten-v1", payload=payload, content_type="application/xml",
        sender="demo (Solstråla barnehage)", sender_organization=kindergarten,
    )
    for child_id in result.children:
        audit.record(session, principal=None, action="ingest", child_id=child_id, reason=f"kindergarten-v1 {result.raw_checksum[:12]}")
    return result


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T10:00:00+01:00").astimezone(UTC)


def load_demo(settings: Settings) -> DemoSummary:
    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        orgs = {
            name: organizations.create_organization(
                session,
                data=OrganizationCreate(name=name, sector=sector, kommunenummer=kommune, orgnr=valid_orgnr(prefix)),
            ).id
            for name, sector, kommune, prefix in ORGANISATIONS
        }
        child = children.create_child(
            session,
            data=ChildCreate(
                identifiers=[Identifier(system=FNR_SYSTEM, value=DEMO_CHILD_FNR)],
                names=[HumanName(given=["Emma"], family="Demo")],
                birth_date=date(2019, 2, 4),
                sex="female",
                preferred_language="no",
                languages=["no", "pl"],
                address=PostalAddress(lines=["Demoveien 1"], postal_code="5527", city="Haugesund", kommunenummer="1106"),
                guardians=[
                    GuardianCreate(
                        names=[HumanName(given=["Anna"], family="Demo")],
                        national_id=DEMO_MOTHER_FNR,
                        relation="mother",
                        parental_responsibility="felles",
                        may_see_log=True,
                        contact=[ContactPoint(system="phone", value="+47 400 00 000")],
                    ),
                    GuardianCreate(
                        names=[HumanName(given=["Piotr"], family="Demo")],
                        national_id=DEMO_FATHER_FNR,
                        relation="father",
                        parental_responsibility="felles",
                        may_see_log=True,
                    ),
                ],
            ),
        )
        clinic, kindergarten, school = orgs["Haugesund helsestasjon"], orgs["Solstråla barnehage"], orgs["Skåredalen skole"]
        ppt = orgs["PPT Haugesund"]
        case = cases.create_case(
            session,
            child=child,
            data=CaseCreate(
                child_id=child.id,
                municipality="1106",
                bti_level=2,
                participants=[
                    ParticipantIn(organization_id=clinic, role="health"),
                    ParticipantIn(organization_id=kindergarten, role="kindergarten"),
                    ParticipantIn(organization_id=ppt, role="ppt"),
                    ParticipantIn(organization_id=school, role="school"),
                ],
                coordinator=CoordinatorIn(person_name="Helsesykepleier Hanne", organization_id=clinic),
            ),
        )
        timeline = [
            (EntryKind.concern, Category.health, clinic, "2023-02-10", "Fireårskontroll: forsinket språkutvikling, lite ordforråd."),
            (EntryKind.observation, Category.early_childhood, kindergarten, "2023-03-15", "TRAS: språkforståelse og ordproduksjon under forventet nivå."),
            (EntryKind.meeting, Category.education, ppt, "2023-04-20", "Samarbeidsmøte med foreldre, barnehage, helsestasjon og PPT."),
            (EntryKind.assessment, Category.education, ppt, "2023-09-05", "PPT-utredning: behov for spesialpedagogisk hjelp (bhl. § 31)."),
            (EntryKind.highlight, Category.early_childhood, kindergarten, "2024-01-12", "Lysglimt: Emma fortalte en hel historie i samlingsstunden!"),
            (EntryKind.meeting, Category.education, school, "2025-04-02", "Overgangsmøte barnehage-skole med foreldrenes samtykke."),
        ]
        for kind, category, author, day, text in timeline:
            cases.append_entry(
                session,
                case=case,
                data=EntryCreate(kind=kind, category=category, author_organization_id=author, occurred_at=_at(day), text=text),
            )
        goal = cases.add_goal(session, case=case, data=GoalCreate(description="Emma forstår og bruker flere ord i hverdagen", category=Category.early_childhood, target_date=date(2025, 8, 15)))
        measures = [
            MeasureCreate(description="Språkgruppe i barnehagen to ganger i uka", category=Category.early_childhood, responsible_organization_id=kindergarten, start_date=date(2023, 5, 1), evaluation_due=date(2023, 12, 1), goal_ids=[goal.id]),
            MeasureCreate(description="Logoped hver andre uke", category=Category.health, responsible_organization_id=clinic, start_date=date(2023, 10, 1), evaluation_due=date(2024, 6, 1), goal_ids=[goal.id]),
            MeasureCreate(description="Lese bildebok sammen hver kveld, på norsk og polsk", category=Category.home, responsible_home=True, start_date=date(2023, 5, 1), evaluation_due=date(2023, 12, 1), goal_ids=[goal.id]),
        ]
        created = [cases.add_measure(session, case=case, data=m) for m in measures]
        cases.add_evaluation(session, case=case, measure=created[0], data=EvaluationCreate(evaluated_at=_at("2023-12-01"), outcome="continue", text="God fremgang, fortsetter ut barnehageåret.", author_organization_id=kindergarten))
        cases.add_evaluation(session, case=case, measure=created[2], data=EvaluationCreate(evaluated_at=_at("2023-12-01"), outcome="continue", text="Foreldrene leser nesten hver kveld; Emma ber om bøkene selv.", author_name="Anna Demo (mor)"))
        for guardian in child.guardians:  # the clinic holds the baton: it confirms the parents' access to the log
            children.decide_log_access(session, guardian=guardian, granted=True, by=f"coordinator:{clinic}")
        cases.propose_coordinator(session, case=case, data=CoordinatorIn(person_name="Kontaktlærer Kristian", organization_id=school, proposed_by="Helsesykepleier Hanne"))
        mother = child.guardians[0]
        consents.record_consent(
            session,
            child=child,
            guardian_id=mother.id,
            data=ConsentCreate(
                given_by="guardian",
                organization_ids=[clinic, kindergarten, ppt, school],
                categories=[Category.health, Category.early_childhood, Category.education, Category.home],
                purpose="samarbeid om Emmas språkutvikling og overgang til skole",
                document_ref="samtykkeskjema signert 2023-04-20",
            ),
        )
        client, private_jwk = _demo_client(session, orgs["Haugesund helsestasjon"])
        pushed = _push_kindergarten_report(session, settings, orgs)
        if pushed.cases != [case.id] or pushed.children != [child.id]:
            raise RuntimeError("the demo kindergarten report did not land on the demo case")  # a bug, not a user error
        school_client, school_jwk = _demo_client(session, orgs["Skåredalen skole"], SCHOOL_SCOPES)
        summary = DemoSummary(
            case_id=case.id, child_id=child.id, organisations=orgs, client_id=client, private_jwk=private_jwk,
            school_client_id=school_client, school_private_jwk=school_jwk,
        )
        summary.lines = [
            f"{len(orgs)} organisations in Haugesund (1106) and Tysvær (1146), one of every sector",
            "1 child (fødselsnummer 04021950128, a published test value) with 2 guardians, their access to the log "
            "confirmed by the coordinator (the clinic)",
            f"1 case at BTI level 2 with {len(timeline)} entries, 1 goal, 3 measures (1 at home), 2 evaluations",
            "a coordinator handover to the school, proposed and waiting for acceptance",
            "the mother's consent to share with the clinic, kindergarten, PPT and school",
            f"Solstråla barnehage's transition report (kindergarten-v1) pushed through the ingest pipeline onto the same "
            f"case: {_count(session, Entry, case)} entries and {_count(session, Measure, case)} measure, with the "
            "mother's consent to share it with Skåredalen skole",
        ]
    engine.dispose()
    return summary
