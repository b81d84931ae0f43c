"""The organisation registry is the operators': a payload links to an organisation the hub knows, or adds one it does
not, and never renames or moves a known one (a kindergarten's report could rename any school by its orgnr)."""

from __future__ import annotations

from sqlalchemy import select

from hub.db.engine import session_scope
from hub.organizations.models import Organization
from tests.examples import KINDERGARTEN_ORGNR, RECEIVING_SCHOOL_ORGNR, kindergarten_report
from tests.school_pull.helpers import push


def _school(engine) -> tuple[str, str | None]:
    with session_scope(engine, write=False) as session:
        school = session.scalar(select(Organization).where(Organization.orgnr == RECEIVING_SCHOOL_ORGNR))
        return school.name, school.kommunenummer


def test_a_payload_never_renames_or_moves_a_known_organisation(callers, engine):
    callers.organization("Skåredalen skole", "school", kommune="1106", orgnr=RECEIVING_SCHOOL_ORGNR)
    kindergarten = callers.system("Solsikken barnehage", "kindergarten", scopes=("ingest", "case.read"),
                                  organization_id=callers.organization("Solsikken barnehage", "kindergarten", orgnr=KINDERGARTEN_ORGNR))
    ours = '<ReceivingSchool orgNr="971524960" kommunenummer="1106">\n    <Name>Skåredalen skole</Name>'.encode()
    theirs = b'<ReceivingSchool orgNr="971524960" kommunenummer="1146">\n    <Name>Mallory skole</Name>'
    assert ours in kindergarten_report()
    renamed = kindergarten_report().replace(ours, theirs)
    report = push(kindergarten, "kindergarten-v1", renamed)
    assert _school(engine) == ("Skåredalen skole", "1106")
    [warning] = [w for w in report["warnings"] if w["code"] == "organisation-registry-kept"]
    assert "name and kommunenummer" in warning["message"] and "Mallory" not in warning["message"]
    again = push(kindergarten, "kindergarten-v1", renamed.replace(b"Mallory skole", b"Mallory skole 2"))
    assert _school(engine) == ("Skåredalen skole", "1106") and again["warnings"]


def test_an_organisation_the_hub_does_not_know_is_added_from_the_payload(callers, engine):
    kindergarten = callers.system("Solsikken barnehage", "kindergarten", scopes=("ingest", "case.read"),
                                  organization_id=callers.organization("Solsikken barnehage", "kindergarten", orgnr=KINDERGARTEN_ORGNR))
    push(kindergarten, "kindergarten-v1", kindergarten_report())
    assert _school(engine) == ("Skåredalen skole", "1106")
