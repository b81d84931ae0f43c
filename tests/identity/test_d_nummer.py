"""D-nummer → fødselsnummer: a child known by its D-nummer who receives a fødselsnummer (a record carries both, or an
operator says so) keeps both, shows the fødselsnummer as its primary national id, and the event is in the audit trail.
"""

from __future__ import annotations

from sqlalchemy import select

from hub.audit.models import AuditEvent
from hub.canonical.vocab import DNR_SYSTEM, FNR_SYSTEM
from hub.db.engine import session_scope
from tests.identity.helpers import child_with, patient, push_patient

SCOPES = ("ingest", "case.read", "case.write")
DNR, FNR = "41667987421", "04021950128"  # the D-nummer and fødselsnummer tests/ingest/test_identity.py uses


def fodselsnummer_events(engine) -> list[AuditEvent]:
    with session_scope(engine, write=False) as session:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "identity.fodselsnummer")))
        session.expunge_all()
        return rows


def test_a_record_that_carries_both_gives_the_child_its_fodselsnummer(callers, engine):
    clinic = callers.system("Haugesund helsestasjon", "health", scopes=SCOPES)
    push_patient(clinic, patient("Kari", "Nordmann", "2019-02-04", "female", identifiers=((DNR_SYSTEM, DNR),)))
    child_id = child_with(engine, DNR_SYSTEM, DNR)
    assert fodselsnummer_events(engine) == []
    push_patient(clinic, patient("Kari", "Nordmann", "2019-02-04", "female", identifiers=((DNR_SYSTEM, DNR), (FNR_SYSTEM, FNR))))
    assert child_with(engine, FNR_SYSTEM, FNR) == child_id
    [event] = fodselsnummer_events(engine)
    assert event.child_id == child_id and "a record" in event.reason
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    assert admin.post(f"/api/v1/children/{child_id}/fodselsnummer", json={"fodselsnummer": FNR}).status_code == 409


def test_an_operator_gives_a_d_nummer_child_its_fodselsnummer(callers, engine):
    clinic = callers.system("Haugesund helsestasjon", "health", scopes=SCOPES)
    admin = callers.system("Kommune", "municipality", scopes=("admin",))
    push_patient(clinic, patient("Kari", "Nordmann", "2019-02-04", "female", identifiers=((DNR_SYSTEM, DNR),)))
    child_id = child_with(engine, DNR_SYSTEM, DNR)
    assert admin.post(f"/api/v1/children/{child_id}/fodselsnummer", json={"fodselsnummer": DNR}).status_code == 422
    assert clinic.post(f"/api/v1/children/{child_id}/fodselsnummer", json={"fodselsnummer": FNR}).status_code == 403
    answer = admin.post(f"/api/v1/children/{child_id}/fodselsnummer", json={"fodselsnummer": FNR})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["primary_national_id"] == FNR
    assert {(i["system"], i["value"]) for i in body["identifiers"]} >= {(DNR_SYSTEM, DNR), (FNR_SYSTEM, FNR)}
    [event] = fodselsnummer_events(engine)
    assert event.child_id == child_id and event.client_id == admin.client_id and "operator" in event.reason
    # the clinic's next record, by the fødselsnummer alone, finds the same child
    push_patient(clinic, patient("Kari", "Nordmann", "2019-02-04", "female", identifiers=((FNR_SYSTEM, FNR),)))
    assert child_with(engine, FNR_SYSTEM, FNR) == child_id
