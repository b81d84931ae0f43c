"""Demographics have owners: each source's version of a child is kept with its provenance; what the hub shows is chosen
by rank (authoritative source, the child's services, a stranger) and then by age; a stranger's push changes nothing
anyone sees, is on the review list, joins no case and is not told the child's id.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from hub.archive.models import SourceRecord
from hub.canonical.vocab import FNR_SYSTEM
from hub.cases.models import Case, Entry
from hub.children.models import Child, DemographicVersion
from hub.db.engine import session_scope
from tests.fhir.helpers import FHIR_JSON, observation, post_bundle, transaction
from tests.ingest.helpers import row_counts

CHILD_FNR = "21030550231"
UNKNOWN_FNR = "02011088123"
REGISTRY_ORGNR = "974760673"
SCOPES = ("ingest", "case.read", "case.write")


def patient(pid: str, given: str, family: str, *, fnr: str = CHILD_FNR, born: str | None = "2005-03-21",
            gender: str | None = "female", extra_ids: tuple[tuple[str, str], ...] = (), **more) -> dict:
    resource = {"resourceType": "Patient", "id": pid,
                "identifier": [{"system": FNR_SYSTEM, "value": fnr}, *({"system": s, "value": v} for s, v in extra_ids)],
                "name": [{"family": family, "given": [given]}], **more}
    if born:
        resource["birthDate"] = born
    if gender:
        resource["gender"] = gender
    return resource


def push(caller, *resources: dict, bundle: dict | None = None) -> dict:
    """POST /api/v1/ingest/fhir-r4 with a transaction of the resources (or `bundle`, made once by transaction())."""
    response = post_bundle(caller, bundle or transaction(*resources, if_none_exist=False), url="/api/v1/ingest/fhir-r4")
    assert response.status_code == 200, response.text
    return response.json()


def with_observation(patient_resource: dict, oid: str, value: float = 20.0) -> tuple[dict, dict]:
    url = f"urn:uuid:{uuid.uuid4()}"
    return {**patient_resource, "_url": url}, {**observation(url, oid=oid, value=value), "_url": f"urn:uuid:{uuid.uuid4()}"}


def shown(engine, child_id: str) -> Child:
    with session_scope(engine, write=False) as session:
        child = session.get(Child, uuid.UUID(child_id))
        session.expunge(child)
        return child


def versions(engine, child_id: str) -> list[DemographicVersion]:
    with session_scope(engine, write=False) as session:
        rows = list(session.scalars(select(DemographicVersion).where(DemographicVersion.child_id == uuid.UUID(child_id))
                                    .order_by(DemographicVersion.received_at)))
        session.expunge_all()
        return rows


@dataclass
class World:
    clinic: object
    stranger: object
    admin: object
    child_id: str
    case_id: str


@pytest.fixture
def world(callers) -> World:
    """The child's own clinic in Haugesund has pushed the child with a weight; a clinic in Tysvær takes no part."""
    clinic = callers.system("Haugesund helsestasjon", "health", scopes=SCOPES)
    stranger = callers.system("Tysvær helsestasjon", "health", kommune="1146", scopes=SCOPES)
    admin = callers.system("Haugesund kommune", "municipality", scopes=("admin",))
    first = push(clinic, *with_observation(patient("p-own", "Kari", "Nordmann"), "o-own"))
    (child_id,), (case_id,) = first["children"], first["cases"]
    return World(clinic, stranger, admin, child_id, case_id)


def _names(child_read: dict) -> list[tuple[list[str], str]]:
    return [(n["given"], n["family"]) for n in child_read["names"]]


def test_a_strangers_patient_changes_nothing_anyone_sees_and_is_kept_with_its_provenance(world, engine):
    mallory = patient("p-mallory", "Mallory", "Hacked", born="2004-01-01", gender="male",
                      extra_ids=(("urn:tysvaer:mrn", "77"),),
                      address=[{"line": ["Falskveien 9"], "city": "Aksdal", "postalCode": "5570"}])
    response = post_bundle(world.stranger, transaction(mallory, if_none_exist=False), url="/api/v1/ingest/fhir-r4")
    assert response.status_code == 200, response.text
    report = response.json()
    assert world.child_id not in response.text and world.case_id not in response.text
    assert (report["children"], report["cases"], report["children_not_listed"]) == ([], [], 1)

    child = world.clinic.get(f"/api/v1/children/{world.child_id}").json()
    assert _names(child) == [(["Kari"], "Nordmann")]
    assert (child["birth_date"], child["sex"], child["address"]) == ("2005-03-21", "female", None)
    assert ("urn:tysvaer:mrn", "77") not in {(i["system"], i["value"]) for i in child["identifiers"]}  # links nothing

    own, theirs = versions(engine, world.child_id)  # nothing lost: the stranger's version is stored
    assert (own.standing, own.source_organization_id) == ("service", uuid.UUID(world.clinic.org))
    assert (theirs.standing, theirs.source_organization_id) == ("stranger", uuid.UUID(world.stranger.org))
    assert theirs.names == [{"given": ["Mallory"], "family": "Hacked"}] and theirs.sex == "male"
    assert theirs.birth_date.isoformat() == "2004-01-01" and theirs.address["lines"] == ["Falskveien 9"]
    assert (theirs.source_format, theirs.source_record_id, theirs.raw_checksum) == ("fhir-r4", "Patient/p-mallory", report["raw_checksum"])
    assert theirs.source_system.startswith(f"{world.stranger.org}|") and theirs.received_at > own.received_at
    with session_scope(engine, write=False) as session:
        assert session.get(SourceRecord, report["raw_checksum"]) is not None  # the raw payload is archived

    reviews = world.admin.get("/api/v1/identity/review").json()
    (flagged,) = [r for r in reviews if r["kind"] == "stranger_push"]
    assert (flagged["child_id"], flagged["organization_id"], flagged["raw_checksum"]) == (
        world.child_id, world.stranger.org, report["raw_checksum"])
    assert flagged["candidate_child_id"] is None and flagged["held_records"] == 0
    assert flagged["demographics"]["names"] == [{"given": ["Mallory"], "family": "Hacked", "text": None, "use": None}]
    assert flagged["demographics"]["standing"] == "stranger" and "none of this child's cases" in flagged["reason"]


def test_a_strangers_records_are_held_and_it_does_not_become_a_participant(world, engine):
    before_entries = len(world.clinic.get(f"/api/v1/cases/{world.case_id}").json()["entries"])
    bundle = transaction(*with_observation(patient("p-m", "Mallory", "Hacked"), "o-m", value=99.0), if_none_exist=False)
    report = push(world.stranger, bundle=bundle)
    assert (report["children"], report["cases"], report["cases_opened"]) == ([], [], [])
    assert report["recorded_for_review"] == 1 and report["children_not_listed"] == 1
    assert world.child_id not in json.dumps(report)

    case = world.clinic.get(f"/api/v1/cases/{world.case_id}").json()
    assert world.stranger.org not in {p["organization_id"] for p in case["participants"]}
    assert len(case["entries"]) == before_entries
    assert world.stranger.get(f"/api/v1/cases/{world.case_id}").status_code == 404
    assert world.stranger.get(f"/api/v1/children/{world.child_id}").status_code == 404
    with session_scope(engine, write=False) as session:
        assert len(session.scalars(select(Case).where(Case.child_id == uuid.UUID(world.child_id))).all()) == 1  # none opened
        assert not session.scalars(select(Entry).where(Entry.source_system.startswith(f"{world.stranger.org}|"))).all()
    (flagged,) = [r for r in world.admin.get("/api/v1/identity/review").json() if r["kind"] == "stranger_push"]
    assert flagged["held_records"] == 1 and "1 record(s)" in flagged["reason"]

    counts = row_counts(engine)
    again = push(world.stranger, bundle=bundle)  # a re-send adds nothing: no second version, no second review row
    assert row_counts(engine) == counts and again["recorded_for_review"] == 1


def test_the_report_of_a_strangers_patient_reads_like_one_of_a_child_the_hub_never_saw(world):
    known = push(world.stranger, patient("p-1", "Mallory", "Hacked"))
    unknown = push(world.stranger, patient("p-2", "Nils", "Ny", fnr=UNKNOWN_FNR))
    differs = {"raw_checksum", "archived"}
    assert {k: v for k, v in known.items() if k not in differs} == {k: v for k, v in unknown.items() if k not in differs}
    assert (known["created"], known["updated"], known["children"], known["children_not_listed"]) == (1, 0, [], 1)


def test_the_childs_services_newest_wins_field_by_field(world, callers):
    gp = callers.system("Fastlegen", "health", scopes=SCOPES)
    added = world.clinic.post(f"/api/v1/cases/{world.case_id}/participants", json={"organization_id": gp.org, "role": "health"})
    assert added.status_code == 201, added.text
    report = push(gp, patient("gp-1", "Karianne", "Nordmann", born=None, gender=None))
    assert report["children"] == [world.child_id]  # a service is told the child
    child = world.clinic.get(f"/api/v1/children/{world.child_id}").json()
    assert _names(child) == [(["Karianne"], "Nordmann")]  # the newer service's name
    assert (child["birth_date"], child["sex"]) == ("2005-03-21", "female")  # fields it left empty keep the clinic's
    push(world.clinic, patient("p-own", "Kari", "Nordmann-Berg"))
    assert _names(gp.get(f"/api/v1/children/{world.child_id}").json()) == [(["Kari"], "Nordmann-Berg")]


def test_a_stranger_taken_into_the_case_is_then_a_service(world, engine):
    push(world.stranger, patient("p-m", "Mallory", "Hacked"))
    added = world.clinic.post(f"/api/v1/cases/{world.case_id}/participants",
                              json={"organization_id": world.stranger.org, "role": "health"})
    assert added.status_code == 201, added.text
    report = push(world.stranger, *with_observation(patient("p-m", "Kari", "Nordmann-Tysvær"), "o-t"))
    assert report["children"] == [world.child_id] and report["recorded_for_review"] == 0
    assert _names(world.clinic.get(f"/api/v1/children/{world.child_id}").json()) == [(["Kari"], "Nordmann-Tysvær")]


def test_a_service_of_a_closed_case_does_not_join_the_childs_new_open_case(world, callers, engine):
    school = callers.system("Skåredalen skole", "school", scopes=SCOPES)
    assert world.clinic.post(f"/api/v1/cases/{world.case_id}/participants",
                             json={"organization_id": school.org, "role": "school"}).status_code == 201
    assert world.clinic.post(f"/api/v1/cases/{world.case_id}/close", json={"reason": "tiltak avsluttet"}).status_code == 200
    reopened = push(world.clinic, *with_observation(patient("p-own", "Kari", "Nordmann"), "o-new"))
    (new_case,) = reopened["cases_opened"]
    report = push(school, *with_observation(patient("s-1", "Kari", "Nordmann"), "o-school"))
    assert report["children"] == [world.child_id]  # it takes part in one of the child's cases
    assert (report["cases"], report["recorded_for_review"]) == ([], 1)
    case = world.clinic.get(f"/api/v1/cases/{new_case}").json()
    assert school.org not in {p["organization_id"] for p in case["participants"]}
    assert school.get(f"/api/v1/cases/{new_case}").status_code == 404
    (flagged,) = [r for r in world.admin.get("/api/v1/identity/review").json() if r["kind"] == "stranger_push"]
    assert "not its open case" in flagged["reason"] and flagged["demographics"] is None  # a service's name is shown


def test_an_authoritative_source_ranks_over_every_service(make_hub):
    _http, callers = make_hub(authoritative_sources=f"999999999, {REGISTRY_ORGNR}")
    clinic = callers.system("Haugesund helsestasjon", "health", scopes=SCOPES)
    registry_org = callers.organization("Folkeregisteret", "other", orgnr=REGISTRY_ORGNR)
    registry = callers.system(scopes=("ingest",), organization_id=registry_org)
    child_id = push(clinic, *with_observation(patient("p-own", "Kari", "Nordmann"), "o-own"))["children"][0]

    report = push(registry, patient("fr-1", "Karoline", "Nordmann", born="2005-03-22"))
    assert report["children"] == [] and report["children_not_listed"] == 1  # no part in the case: not told
    assert _names(clinic.get(f"/api/v1/children/{child_id}").json()) == [(["Karoline"], "Nordmann")]
    push(clinic, patient("p-own", "Kari", "Nordmann-Berg", born="2005-03-21"))  # newer, but a service's
    child = clinic.get(f"/api/v1/children/{child_id}").json()
    assert _names(child) == [(["Karoline"], "Nordmann")] and child["birth_date"] == "2005-03-22"
    registry_version = [v for v in versions(callers.engine, child_id) if v.authoritative]
    assert [v.standing for v in registry_version] == ["authoritative"]
    assert [r["kind"] for r in callers.system("Kommune", "municipality", scopes=("admin",)).get(
        "/api/v1/identity/review").json()] == []  # its demographics are not a stranger's


def test_the_fhir_facade_tells_a_stranger_nothing_of_the_known_patient(world):
    url = f"urn:uuid:{uuid.uuid4()}"
    bundle = transaction({**patient("p-f", "Mallory", "Hacked"), "_url": url},
                         {**observation(url, oid="o-f"), "_url": f"urn:uuid:{uuid.uuid4()}"})  # ifNoneExist on the fnr
    answer = post_bundle(world.stranger, bundle, content_type=FHIR_JSON)
    assert answer.status_code == 200, answer.text
    assert world.child_id not in answer.text
    patient_answer, observation_answer = (e["response"] for e in answer.json()["entry"])
    assert patient_answer["status"] == "201 Created" and "location" not in patient_answer
    assert observation_answer["status"] == "202 Accepted" and "recorded for review" in json.dumps(observation_answer)
    own = post_bundle(world.clinic, transaction(patient("p-own", "Kari", "Nordmann"))).json()
    assert own["entry"][0]["response"] == {"status": "200 OK", "location": f"Patient/{world.child_id}"}
