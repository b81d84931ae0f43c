"""Handover pull (GET /api/v1/handover): a school receives what the guardians' consent covers and nothing of the
confidential categories (child welfare, health) the consent does not name; a refusal answers as for an unknown child
(the same 404 and words: no oracle of which children the hub knows) and is audited with its real reason.
"""

from __future__ import annotations

import json
import uuid

import pytest
from lxml import etree

from adapters.kindergarten import adapter as kindergarten
from hub.canonical.vocab import Category
from hub.core.safe_xml import parse_xml
from tests.examples import RECEIVING_SCHOOL_ORGNR  # also <GivenTo orgNr="971524960" sector="school"> of the fixture
from tests.ingest.helpers import take_into_case
from tests.school_pull.helpers import CHILD, fixture, handover_audit, pull, push, ssb_for_fixture_child

OPEN = {Category.early_childhood, Category.education, Category.home}


@pytest.fixture
def hub(callers):
    """A kindergarten's report (consent to the receiving school), then the child welfare service's real SSB extract."""
    kg = callers.system("Testhagen barnehage", "kindergarten", scopes=("ingest", "case.read"))
    cw = callers.system("Barneverntjenesten i Haugesund", "child_welfare", scopes=("ingest", "case.read"))
    receiving = callers.organization("Skåredalen skole", "school", orgnr=RECEIVING_SCHOOL_ORGNR)
    school = callers.system(scopes=("handover.read",), organization_id=receiving)  # the school the consent names
    first = push(kg, "kindergarten-v1", fixture("kindergarten-to-school.xml"))
    # child welfare takes part in the case (a push alone would not make it a participant)
    take_into_case(callers.engine, case_id=first["cases"][0], organization_id=cw.org, role="child_welfare")
    second = push(cw, "ssb-barnevern", ssb_for_fixture_child(), municipality="1106")
    assert first["children"] == second["children"] and first["cases"] == second["cases"], "one child, one case"
    case_id = first["cases"][0]
    welfare = [e for e in cw.get(f"/api/v1/cases/{case_id}").json()["entries"] if e["category"] == "child_welfare"]
    health = [e for e in kg.get(f"/api/v1/cases/{case_id}").json()["entries"] if e["category"] == "health"]
    assert welfare and all(e["sensitivity"] == "confidential" for e in welfare), "real confidential entries exist"
    assert [e["text"] for e in health] == ["HEALTH-SECRET: referred to BUP for assessment."]
    return {"kg": kg, "cw": cw, "school": school, "case_id": case_id, "secret": welfare + health, "callers": callers}


def _secrets_absent(body: bytes, secret: list[dict]) -> None:
    text = body.decode()
    for entry in secret:
        assert entry["id"] not in text and entry["lineage_id"] not in text
        assert entry["source_record_id"] not in text
        if entry["text"]:
            assert entry["text"] not in text
    for trace in ("HEALTH-SECRET", "Barneverntjenesten", "944117784", "urn:ssb:barnevern", "child_welfare",
                  "Kongsvinger"):
        assert trace not in text, trace


def test_kindergarten_package_has_consented_entries_and_no_confidential_ones(hub, engine):
    response = pull(hub["school"], "kindergarten-v1")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    assert response.headers["stafett-case-id"] == hub["case_id"]
    _secrets_absent(response.content, hub["secret"])
    batch = kindergarten.parse(response.content)  # re-parses, so it is a valid report
    assert {e.category for e in batch.entries} <= OPEN
    assert [e.text for e in batch.entries] == ["Loves drawing and tells long stories about her pictures."]
    assert [m.description for m in batch.measures] == ["Reading picture books at bedtime."]
    assert [(i.system.rsplit(".", 1)[-1], i.value) for i in batch.children[0].identifiers if i.value == "15072052088"]
    (event,) = handover_audit(engine)
    assert (event.outcome, event.purpose, str(event.case_id)) == ("permit", "handover", hub["case_id"])
    case = hub["kg"].get(f"/api/v1/cases/{hub['case_id']}").json()
    handed = {e["id"] for e in case["entries"] if e["text"] == "Loves drawing and tells long stories about her pictures."}
    assert set(event.entry_ids) == handed
    assert not set(event.entry_ids) & {e["id"] for e in hub["secret"]}


def test_fhir_and_sif_packages_leak_nothing_confidential(hub):
    fhir = pull(hub["school"], "fhir-r4")
    assert fhir.status_code == 200, fhir.text
    _secrets_absent(fhir.content, hub["secret"])
    bundle = json.loads(fhir.content)
    assert bundle["resourceType"] == "Bundle"
    assert "Loves drawing" in fhir.text
    sif = pull(hub["school"], "sif-au")
    assert sif.status_code == 200, sif.text
    _secrets_absent(sif.content, hub["secret"])
    root = parse_xml(sif.content)
    assert etree.QName(root).localname == "StudentPersonal"
    assert b'<OtherId Type="NorwegianNationalId">15072052088</OtherId>' in sif.content


def test_a_consent_that_names_child_welfare_and_health_lets_them_through(hub):
    """The control: the same entries do reach a school once a consent names their categories."""
    from hub.consent.models import Consent
    from hub.db.engine import session_scope

    with session_scope(hub["callers"].engine) as session:
        given = session.query(Consent).one()
        session.add(Consent(child_id=given.child_id, given_by="guardian", guardian_id=given.guardian_id,
                            organization_ids=[hub["school"].org], categories=["health", "child_welfare"]))
    body = pull(hub["school"], "kindergarten-v1").content.decode()
    assert "HEALTH-SECRET" in body
    assert all(e["text"] in body for e in hub["secret"] if e["text"])


def test_no_consent_for_the_organisation_answers_as_for_an_unknown_child_and_is_audited_with_why(hub, engine):
    clinic = hub["callers"].system("Tysvær helsestasjon", "health", kommune="1146", scopes=("handover.read",))
    response = pull(clinic, "sif-au")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert "no consent or legal basis covers this organisation" in problem["detail"]
    assert "Tysvær helsestasjon" in problem["detail"]
    unknown = pull(clinic, "sif-au", identifier="urn:oid:2.16.578.1.12.4.1.4.1|04021950128")
    assert (unknown.status_code, unknown.json()["title"], unknown.json()["detail"]) == (404, problem["title"], problem["detail"])
    event, _ = handover_audit(engine)
    assert (event.outcome, str(event.case_id), event.entry_ids) == ("deny", hub["case_id"], [])
    assert "no consent" in event.reason and str(event.organization_id) == clinic.org


def test_a_child_without_an_open_case_is_not_told_to_a_caller_without_a_basis(hub, engine):
    stranger = hub["callers"].system("Tysvær helsestasjon", "health", kommune="1146", scopes=("handover.read",))
    unknown = pull(stranger, "sif-au", identifier="urn:oid:2.16.578.1.12.4.1.4.1|04021950128")
    from hub.canonical.vocab import CaseStatus
    from hub.cases.models import Case
    from hub.db.engine import session_scope

    with session_scope(hub["callers"].engine) as session:  # (its writers' clients have no case.write)
        session.get(Case, uuid.UUID(hub["case_id"])).status = CaseStatus.closed
    no_case = pull(stranger, "sif-au")
    assert (no_case.status_code, no_case.json()["detail"]) == (404, unknown.json()["detail"])
    # the school the consent names may know that there is nothing to hand over
    told = pull(hub["school"], "sif-au")
    assert told.status_code == 404 and "no open case" in told.json()["detail"]
    assert "no open case" in handover_audit(engine)[1].reason


def test_revoked_consent_stops_the_next_pull(hub):
    assert pull(hub["school"], "kindergarten-v1").status_code == 200
    from datetime import UTC, datetime

    from hub.consent.models import Consent
    from hub.db.engine import session_scope

    with session_scope(hub["callers"].engine) as session:
        session.query(Consent).one().revoked_at = datetime.now(UTC)
    refused = pull(hub["school"], "kindergarten-v1")
    assert refused.status_code == 404 and "no consent or legal basis covers this organisation" in refused.json()["detail"]
    assert "no consent in force" in handover_audit(hub["callers"].engine)[-1].reason  # the reason is the audit's


def test_unknown_child_is_404_and_audited(hub, engine):
    response = pull(hub["school"], "sif-au", identifier="urn:oid:2.16.578.1.12.4.1.4.1|04021950128")
    assert response.status_code == 404 and "no child with this identifier" in response.json()["detail"]
    (event,) = handover_audit(engine)
    assert event.outcome == "deny" and event.child_id is None and "04021950128" not in (event.reason or "")


@pytest.mark.parametrize(("params", "status", "fragment"), [
    ({"identifier": "15072052088", "format": "sif-au"}, 422, "system|value"),
    ({"identifier": CHILD, "format": "ks-bekymringsmelding"}, 415, "but not handed over"),
    ({"identifier": CHILD, "format": "nope"}, 404, "unknown format"),
])
def test_bad_requests_are_named(hub, params, status, fragment):
    response = hub["school"].get("/api/v1/handover", params=params)
    assert response.status_code == status, response.text
    assert fragment in response.json()["detail"]


def test_scope_handover_read_is_required(hub):
    response = hub["kg"].get("/api/v1/handover", params={"identifier": CHILD, "format": "sif-au"})
    assert response.status_code == 403 and "handover.read" in response.json()["detail"]


def test_a_participating_school_without_consent_gets_only_what_it_wrote(callers):
    """The wider of participant and handover visibility: own entries always, others' only by consent."""
    import re

    kg = callers.system("Testhagen barnehage", "kindergarten", scopes=("ingest",))
    without_consent = re.sub(rb"<Consents>.*</Consents>", b"", fixture("kindergarten-to-school.xml"), flags=re.S)
    case_id = push(kg, "kindergarten-v1", without_consent)["cases"][0]
    stranger = callers.system("Aksdal skule", "school", kommune="1146", scopes=("handover.read",))
    assert pull(stranger, "kindergarten-v1").status_code == 404
    school = callers.system("Skåredalen skole", "school", scopes=("ingest", "handover.read"))
    # the school is taken into the case (a push alone would not make it a participant), then pushes its own record
    take_into_case(callers.engine, case_id=case_id, organization_id=school.org, role="school")
    push(school, "sif-au", fixture("sif-student-amina.xml"))
    response = pull(school, "kindergarten-v1")
    assert response.status_code == 200, response.text
    texts = sorted(e.text for e in kindergarten.parse(response.content).entries if e.text)
    assert texts == ["Helped a new classmate find her way around the school."]
    assert "Loves drawing" not in response.text and "HEALTH-SECRET" not in response.text


def test_a_consent_to_one_school_is_not_a_consent_to_every_school(hub, engine):
    """<GivenTo orgNr=… sector="school"> names one school: another school of the same municipality gets nothing,
    the named one gets the report, and the stored consent names that school and no sector."""
    other = hub["callers"].system("Haugesund ungdomsskole", "school", kommune="1106", scopes=("handover.read",))
    refused = pull(other, "kindergarten-v1")
    assert refused.status_code == 404, refused.text
    assert "Loves drawing" not in refused.text and "15072052088" not in refused.text
    assert pull(hub["school"], "kindergarten-v1").status_code == 200
    from sqlalchemy import select

    from hub.consent.models import Consent

    with engine.connect() as conn:
        ((organizations, sectors),) = conn.execute(select(Consent.organization_ids, Consent.sectors)).all()
    assert organizations == [hub["school"].org] and sectors == []
