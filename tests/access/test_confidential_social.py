"""Child-welfare and social entries are confidential on every read path: seen by their author and the organisation
that pushed them, by others only under a consent (or legal basis) that names the category, never by guardians; and
that those services take part at all (participants, their identifiers, the reporter) is just as confidential.

The read paths are every GET route of the app that returns child data (tests/access/read_matrix.py), read by every
viewer: the services, the clinic, the school, the kindergarten, the guardian and the young person.
"""

from __future__ import annotations

import html
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest

from tests.access import read_matrix
from tests.access.read_matrix import Audience, Catalogue, Expect, Subject
from tests.conftest import hub_settings
from tests.shared_data import require_shared

CHILD_FNR = "02011088123"  # the child of the SSB test extracts (born 2010-01-02)
GUARDIAN_FNR = "15038010015"
SOCIAL_TEXT = "NAV-notat: familien mottar økonomisk sosialhjelp og har husleierestanse"
SCHOOL_TEXT = "Skolen: leser godt og trives i klassen"
WELFARE_GOAL = "Barneverntjenestens mål: trygg omsorg hjemme"
HUB_URL = "http://testserver"  # the test client's base URL, as the hub's public URL (a transfer needs one)
DESTINATION = "https://hub-tysvaer.test.invalid"
CONFIDENTIAL = "confidential"

# Texts that exist only in the confidential records (SSB extract, KS report, NAV entry).
CHILD_WELFARE_MARKERS = (
    "Bekymringsmelding mottatt",  # SSB Melding
    "Foreldres somatiske sykdom",  # SSB Saksinnhold
    "Sendt til fylkesnemnd",  # SSB Vedtak/Krav
    "BVL § 4-12",  # SSB legal basis
    "Tiltaksplan etter BVL2021",  # SSB Plan
    "Hjemmekonsulent/miljøarbeider",  # SSB Tiltak (measure)
    "selve innholdet i bekymringsmeldingen",  # KS melding
    "selve historien i bekymringsmeldingen",  # KS historie
    "Navnesen Navn Mellomnavn",  # KS reporter
    "lærer@skole.no",  # KS reporter's e-mail
    "Synes det er vanskelig å snakke om dette",  # KS: why the child was not told of the report
    WELFARE_GOAL,  # a goal child welfare set
)
SOCIAL_MARKERS = ("økonomisk sosialhjelp",)
# Traces that child welfare is involved at all: its services, the SSB journal number, the KS reporter.
INVOLVEMENT_MARKERS = ("Barneverntjenesten", "Kongsvinger", "Bergenhus", "Lærerskolen", "journalnummer", "child_welfare")
SOCIAL_INVOLVEMENT_MARKERS = ("NAV Haugesund",)


@dataclass(kw_only=True)
class Scenario(Subject):
    welfare: object
    clinic: object
    school: object
    kindergarten: object
    nav: object
    guardian: object
    young_person: object
    guardian_id: str  # the mother, added as guardian through the API


def _ks_report_for_the_same_child() -> bytes:
    """The official public v2 example, for the SSB extract's child only (own variation, in memory)."""
    report = json.loads((require_shared("ks-bekymringsmelding", "schema", "examples") / "offentligBekymringsmeldingV2.json").read_bytes())
    first = report["offentligBarn"][0]
    first["fnr"] = CHILD_FNR
    report["offentligBarn"] = [first]
    return json.dumps(report, ensure_ascii=False).encode()


@pytest.fixture
def settings(db_url, oidc_jwks_file):
    return hub_settings(db_url, oidc_jwks_file, public_url=HUB_URL)


@pytest.fixture
def scn(callers) -> Scenario:
    """Built through the API: a child welfare service pushes a real SSB extract and a KS report for one child and sets
    a goal, a NAV office writes a social note, a clinic, a school and a kindergarten take part, the mother is a
    guardian; NAV, under a legal basis of its own, starts moving the case to Tysvær (a pending transfer)."""
    scopes = ("ingest", "case.read", "case.write", "handover.read", "transfer")
    welfare = callers.system("Barneverntjenesten Haugesund", "child_welfare", scopes=scopes)
    clinic = callers.system("Haugesund helsestasjon", "health", scopes=scopes)
    school = callers.system("Skåredalen skole", "school", scopes=scopes)
    nav = callers.system("NAV Haugesund", "nav", scopes=scopes)
    kindergarten_org = callers.organization("Solsikken barnehage", "kindergarten", orgnr="971526920")
    kindergarten = callers.system(scopes=scopes, organization_id=kindergarten_org)  # kindergarten-v1 needs its orgnr

    ssb = (require_shared("ssb-barnevern", "examples") / "test01_file09_total.xml").read_bytes()
    pushed = welfare.post(
        "/api/v1/ingest/ssb-barnevern", content=ssb, params={"municipality": "1106"},
        headers={"content-type": "application/xml; extract=total"},
    )
    assert pushed.status_code == 200, pushed.text
    reported = welfare.post(
        "/api/v1/ingest/ks-bekymringsmelding", content=_ks_report_for_the_same_child(), params={"municipality": "1106"},
        headers={"content-type": "application/json"},
    )
    assert reported.status_code == 200, reported.text
    assert pushed.json()["cases"] == reported.json()["cases"], "SSB and KS records of one child land on one case"
    (case_id,) = pushed.json()["cases"]
    (child_id,) = pushed.json()["children"]

    for org, role in ((clinic, "health"), (school, "school"), (kindergarten, "kindergarten"), (nav, "nav")):
        added = welfare.post(f"/api/v1/cases/{case_id}/participants", json={"organization_id": org.org, "role": role})
        assert added.status_code == 201, added.text
    social = nav.post(f"/api/v1/cases/{case_id}/entries", json={"kind": "note", "category": "social", "sensitivity": CONFIDENTIAL, "text": SOCIAL_TEXT})
    assert social.status_code == 201, social.text
    assert school.post(f"/api/v1/cases/{case_id}/entries", json={"kind": "note", "category": "education", "text": SCHOOL_TEXT}).status_code == 201
    guardian = welfare.post(
        f"/api/v1/children/{child_id}/guardians",
        json={"national_id": GUARDIAN_FNR, "relation": "mother", "parental_responsibility": "felles", "may_see_log": True},
    )
    assert guardian.status_code == 201, guardian.text
    # the log access child welfare asked for is confirmed by the case's coordinator: the clinic takes the baton
    baton = clinic.post(f"/api/v1/cases/{case_id}/coordinator/proposals", json={"person_name": "Helsesykepleier", "organization_id": clinic.org})
    assert clinic.post(f"/api/v1/cases/{case_id}/coordinator/proposals/{baton.json()['id']}/accept").status_code == 200
    confirmed = clinic.post(f"/api/v1/cases/{case_id}/guardians/{guardian.json()['id']}/log-access", json={"may_see_log": True})
    assert confirmed.status_code == 200, confirmed.text

    goal = welfare.post(f"/api/v1/cases/{case_id}/goals", json={"description": WELFARE_GOAL, "category": "child_welfare"})
    assert goal.status_code == 201, goal.text

    # NAV's legal basis names social services only (so it tells no one else of NAV), and lets the case be moved; a
    # legal basis is recorded by an authority for another service, never by the service it names: child welfare
    basis = welfare.post(
        f"/api/v1/children/{child_id}/consents",
        json={"basis": "legal", "legal_reference": "sosialtjenesteloven", "organization_ids": [nav.org], "categories": ["social"]},
    )
    assert basis.status_code == 201, basis.text
    read_matrix.register_destination(callers.engine, callers.http, municipality="1146", base_url=DESTINATION)
    moved = nav.post("/api/v1/transfers", json={"case_id": case_id, "destination_municipality": "1146", "reason": "Familien flytter til Tysvær"})
    assert moved.status_code == 201, moved.text

    case = welfare.get(f"/api/v1/cases/{case_id}").json()
    entries = {e["source_record_id"]: e for e in case["entries"]}
    ks_referral = next(sid for sid in entries if sid.endswith("/melding"))
    (measure,) = case["measures"]
    scenario = Scenario(
        welfare=welfare, clinic=clinic, school=school, kindergarten=kindergarten, nav=nav,
        guardian=callers.person(GUARDIAN_FNR), young_person=callers.person(CHILD_FNR),
        case_id=case_id, child_id=child_id, guardian_id=guardian.json()["id"],
        entries={
            "ssb-referral": entries["Melding/bb6b82ea-c3da-4882-b591-cccd833c262d"],
            "ssb-plan": entries["Plan/0b6ceeba-677d-45da-bf4d-cb14e3631c28"],
            "ks-referral": entries[ks_referral],
            "social": social.json(),
        },
        measures={"ssb-measure": measure["id"]},
        goals={"welfare-goal": goal.json()["id"]},
        transfer_ids=[moved.json()["id"]],
        engine=callers.engine,
    )
    scenario.learn_from(welfare, nav)
    return scenario


# --- reading every path --------------------------------------------------------------------------------------


def _text(response) -> str:
    """The body as readable text: JSON re-dumped without escapes, XML with character references resolved; without
    the request's own URL (a searchset's self link echoes what the caller asked, which tells it nothing)."""
    if "json" in response.headers.get("content-type", ""):
        text = json.dumps(response.json(), ensure_ascii=False)
    else:
        text = html.unescape(response.content.decode("utf-8", errors="replace"))
    asked = str(response.request.url)
    return text.replace(asked, "").replace(unquote(asked), "")


def _route_missing(response) -> bool:
    return response.status_code == 404 and "no resource at" in response.text


def read_paths(scn: Scenario, caller) -> dict[str, object]:
    """Every read path of this case: each GET route of the app that returns child data (tests/access/read_matrix.py),
    its parameters filled from the scenario, every format and FHIR type, read by the caller. What each must answer
    is checked here: 200; 403 on a route not meant for the caller (a system's for a person, a person's for a system,
    the admin's); the child found by an identifier only if the caller is shown it; a consent read by id only if the
    caller's consent list shows it. Records read by id answer 200 or 404: the tests say which (record_status)."""
    catalogue = Catalogue.of(caller.http)
    planned = read_matrix.reads(catalogue, scn)
    answers = {read.label: caller.get(read.url, params=read.params) for read in planned}
    missing = [name for name, response in answers.items() if _route_missing(response)]
    assert not missing, f"read paths that do not exist (yet): {missing}"
    audiences = read_matrix.audiences_of(caller)
    for read in planned:
        response = answers[read.label]
        what = f"{read.label} ({read.route}): {response.status_code} {response.text[:300]}"
        if read_matrix.CHILD_DATA[read.route].audience not in audiences:
            assert response.status_code == 403, what
        elif read.expect is Expect.OK:
            assert response.status_code == 200, what
        elif read.expect is Expect.RECORD:
            assert response.status_code in (200, 404), what
        elif read.expect is Expect.NOT_FOUND:
            assert response.status_code == 404, what
        elif read.expect is Expect.SHOWN_CONSENT:
            shown = {c["id"] for c in answers["consents"].json()}
            assert response.status_code == (200 if read.consent_id in shown else 404), what
        elif read.expect is Expect.IDENTIFIER:
            system, value = read.identifier
            shown = {(i["system"], i["value"]) for i in answers["child"].json()["identifiers"]}
            assert read.matched(response) == ((system, value) in shown), f"{what}: found by an identifier it is shown: {(system, value) in shown}"
        else:
            raise AssertionError(f"{read.label}: no check for {read.expect}")
    return answers


def found(answers: dict[str, object], markers: tuple[str, ...]) -> dict[str, list[str]]:
    """Which markers each path shows (history answers count only when they answer 200)."""
    result = {}
    for name, response in answers.items():
        if response.status_code != 200:
            continue
        text = _text(response)
        hits = [m for m in markers if m in text]
        if hits:
            result[name] = hits
    return result


def confidential_categories_seen(caller, case_id: str) -> set[str]:
    case = caller.get(f"/api/v1/cases/{case_id}").json()
    return {r["category"] for r in case["entries"] + case["measures"] if r["category"] in ("child_welfare", "social")}


BY_ID = ("history:", "fhir-read:")  # paths to one record: 404 when the caller may not see it
ENTRY_RECORDS = {"ssb-referral", "ssb-plan", "ks-referral", "social"}  # the others are a measure and a goal
CHILD_WELFARE_RECORDS = {"ssb-referral", "ssb-plan", "ks-referral", "ssb-measure", "welfare-goal"}
ALL_RECORDS = CHILD_WELFARE_RECORDS | {"social"}


def record_status(answers) -> dict[str, int]:
    return {name: r.status_code for name, r in answers.items() if name.startswith(BY_ID)}


def expected_status(visible: set[str]) -> dict[str, int]:
    """The status every by-id path should answer when exactly the `visible` records may be seen."""
    paths = {f"fhir-read:{n}": n for n in ALL_RECORDS} | {f"history:{n}": n for n in ALL_RECORDS & ENTRY_RECORDS}
    return {path: 200 if record in visible else 404 for path, record in paths.items()}


def consent(scn: Scenario, **body) -> list[dict]:
    """The guardian's and the young person's consent (the child is over 15, so both are needed), given via /me."""
    given = []
    for person in (scn.guardian, scn.young_person):
        response = person.post(f"/api/v1/me/children/{scn.child_id}/consents", json=body)
        assert response.status_code == 201, response.text
        given.append(response.json())
    return given


# --- the tests -----------------------------------------------------------------------------------------------


def test_the_pushing_service_sees_everything_it_pushed_and_the_markers_are_real(scn):
    answers = read_paths(scn, scn.welfare)
    case_text = _text(answers["case"])
    assert [m for m in CHILD_WELFARE_MARKERS if m not in case_text] == []
    assert record_status(answers) == expected_status(CHILD_WELFARE_RECORDS)
    # the payloads name other authors (the SSB Avgiver, the KS reporter): the pusher sees them as the one who pushed
    authors = {scn.entries[n]["author_organization_id"] for n in ("ssb-referral", "ssb-plan", "ks-referral")}
    assert scn.welfare.org not in authors and None not in authors
    assert confidential_categories_seen(scn.welfare, scn.case_id) == {"child_welfare"}  # NAV's social note is NAV's
    # the NAV office sees its own social note and none of the child welfare records
    assert confidential_categories_seen(scn.nav, scn.case_id) == {"social"}
    nav = read_paths(scn, scn.nav)
    assert not found(nav, CHILD_WELFARE_MARKERS)
    assert record_status(nav) == expected_status({"social"})


def test_without_consent_school_kindergarten_and_clinic_see_none_of_it(scn):
    for caller in (scn.school, scn.kindergarten, scn.clinic):
        answers = read_paths(scn, caller)
        assert confidential_categories_seen(caller, scn.case_id) == set()
        assert found(answers, CHILD_WELFARE_MARKERS + SOCIAL_MARKERS) == {}
        assert record_status(answers) == expected_status(set())
    # the paths work, they just leave the confidential part out: the school sees its own note, and without any
    # consent the clinic sees nothing of the others' open entries either
    assert [e["text"] for e in scn.school.get(f"/api/v1/cases/{scn.case_id}").json()["entries"]] == [SCHOOL_TEXT]
    assert scn.clinic.get(f"/api/v1/cases/{scn.case_id}").json()["entries"] == []


def test_participants_without_a_basis_learn_nothing_of_child_welfare_or_nav_taking_part(scn):
    """Not the entries only: the services, the SSB journal number, the reporter and consents naming them stay hidden."""
    for caller in (scn.school, scn.kindergarten, scn.clinic):
        answers = read_paths(scn, caller)
        assert found(answers, INVOLVEMENT_MARKERS + SOCIAL_INVOLVEMENT_MARKERS) == {}
        participants = {p["organization_id"] for p in answers["case"].json()["participants"]}
        assert caller.org in participants and not participants & {scn.welfare.org, scn.nav.org}
    # the services themselves see each other's part only as far as their own category goes
    welfare_sees = {p["organization_id"] for p in scn.welfare.get(f"/api/v1/cases/{scn.case_id}").json()["participants"]}
    assert scn.welfare.org in welfare_sees and scn.nav.org not in welfare_sees and scn.school.org in welfare_sees
    child = scn.welfare.get(f"/api/v1/children/{scn.child_id}").json()
    assert any("journalnummer" in i["system"] for i in child["identifiers"])
    # a consent naming child welfare shows it (and its journal number) to the clinic
    consent(scn, organization_ids=[scn.clinic.org], categories=["child_welfare"])
    clinic = read_paths(scn, scn.clinic)
    assert set(found(clinic, ("Barneverntjenesten", "journalnummer"))) >= {"case", "child", "export:fhir-r4"}
    assert found(read_paths(scn, scn.school), INVOLVEMENT_MARKERS + SOCIAL_INVOLVEMENT_MARKERS) == {}


def test_the_concern_reporter_gets_no_part_in_the_case(scn):
    """The KS report names a school (Lærerskolen) as reporter: it is named in the referral, not made a participant."""
    case = scn.welfare.get(f"/api/v1/cases/{scn.case_id}").json()
    reporter = scn.entries["ks-referral"]["author_organization_id"]
    assert reporter and reporter not in {p["organization_id"] for p in case["participants"]}


def test_a_handover_to_school_or_kindergarten_leaves_no_trace_of_child_welfare(scn):
    for caller in (scn.school, scn.kindergarten):
        answers = read_paths(scn, caller)
        handovers = {name: r for name, r in answers.items() if name.startswith("handover:")}
        assert found(handovers, CHILD_WELFARE_MARKERS + SOCIAL_MARKERS + INVOLVEMENT_MARKERS) == {}
    assert "Solsikken barnehage" in _text(read_paths(scn, scn.kindergarten)["handover:kindergarten-v1"])


@pytest.mark.parametrize("categories", [[], ["education", "early_childhood", "home"], ["health", "education"]])
def test_a_consent_naming_only_open_categories_still_shows_none_of_it(scn, categories):
    consent(scn, organization_ids=[scn.clinic.org, scn.school.org], sectors=["health", "school"], categories=categories)
    for caller in (scn.school, scn.clinic):
        answers = read_paths(scn, caller)
        assert confidential_categories_seen(caller, scn.case_id) == set()
        assert found(answers, CHILD_WELFARE_MARKERS + SOCIAL_MARKERS) == {}
        assert record_status(answers) == expected_status(set())


def test_a_consent_naming_child_welfare_for_the_clinic_shows_it_to_the_clinic_only(scn):
    consent(scn, organization_ids=[scn.clinic.org], categories=["child_welfare"], purpose="samarbeid om tiltak")
    clinic = read_paths(scn, scn.clinic)
    assert confidential_categories_seen(scn.clinic, scn.case_id) == {"child_welfare"}
    assert record_status(clinic) == expected_status(CHILD_WELFARE_RECORDS)
    shown = found(clinic, CHILD_WELFARE_MARKERS)
    assert "Bekymringsmelding mottatt" in shown["case"] and "selve innholdet i bekymringsmeldingen" in shown["case"]
    for path in ("export:fhir-r4", "export:kindergarten-v1", "fhir:$everything", "handover:fhir-r4"):
        assert {"Bekymringsmelding mottatt", "Hjemmekonsulent/miljøarbeider", "selve innholdet i bekymringsmeldingen"} <= set(shown[path]), path
    assert found(clinic, SOCIAL_MARKERS) == {}  # naming child_welfare does not open social
    school = read_paths(scn, scn.school)
    assert confidential_categories_seen(scn.school, scn.case_id) == set()
    assert found(school, CHILD_WELFARE_MARKERS + SOCIAL_MARKERS) == {}

    consent(scn, organization_ids=[scn.clinic.org], categories=["social"])
    assert confidential_categories_seen(scn.clinic, scn.case_id) == {"child_welfare", "social"}
    clinic = read_paths(scn, scn.clinic)
    assert record_status(clinic) == expected_status(ALL_RECORDS)
    assert set(found(clinic, SOCIAL_MARKERS)) >= {"case", "history:social", "fhir-read:social", "export:fhir-r4", "fhir:$everything"}
    assert confidential_categories_seen(scn.school, scn.case_id) == set()


def test_a_legal_basis_naming_child_welfare_opens_it_like_a_consent(scn):
    recorded = scn.welfare.post(
        f"/api/v1/children/{scn.child_id}/consents",
        json={"basis": "legal", "legal_reference": "barnevernloven § 13-4", "organization_ids": [scn.clinic.org], "categories": ["child_welfare"]},
    )
    assert recorded.status_code == 201, recorded.text
    assert confidential_categories_seen(scn.clinic, scn.case_id) == {"child_welfare"}
    assert confidential_categories_seen(scn.school, scn.case_id) == set()


def test_a_revoked_consent_stops_it_on_the_next_request(scn):
    # the child is over 15, so the guardian's and the young person's consent are both needed: revoking one is enough
    guardians, _ = consent(scn, organization_ids=[scn.clinic.org], categories=["child_welfare"])
    assert confidential_categories_seen(scn.clinic, scn.case_id) == {"child_welfare"}
    revoked = scn.guardian.post(f"/api/v1/me/consents/{guardians['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    answers = read_paths(scn, scn.clinic)
    assert confidential_categories_seen(scn.clinic, scn.case_id) == set()
    assert found(answers, CHILD_WELFARE_MARKERS + SOCIAL_MARKERS) == {}
    assert record_status(answers) == expected_status(set())


def test_an_expired_consent_shows_nothing_and_a_running_one_stops_when_it_ends(scn):
    now = datetime.now(UTC)
    consent(scn, organization_ids=[scn.clinic.org], categories=["child_welfare"],
            valid_from=(now - timedelta(days=30)).isoformat(), valid_to=(now - timedelta(days=1)).isoformat())
    assert confidential_categories_seen(scn.clinic, scn.case_id) == set()
    consent(scn, organization_ids=[scn.clinic.org], categories=["child_welfare"], valid_from=(now + timedelta(days=1)).isoformat())
    assert confidential_categories_seen(scn.clinic, scn.case_id) == set()

    ends = datetime.now(UTC) + timedelta(seconds=3)
    consent(scn, organization_ids=[scn.clinic.org], categories=["child_welfare"], valid_to=ends.isoformat())
    assert confidential_categories_seen(scn.clinic, scn.case_id) == {"child_welfare"}
    deadline = time.monotonic() + 15
    while confidential_categories_seen(scn.clinic, scn.case_id):
        assert time.monotonic() < deadline, "the consent's valid_to passed but the clinic still sees child welfare"
    assert datetime.now(UTC) >= ends
    assert found(read_paths(scn, scn.clinic), CHILD_WELFARE_MARKERS) == {}


def test_guardians_and_the_young_person_never_see_child_welfare_or_social_services(scn):
    every_marker = CHILD_WELFARE_MARKERS + SOCIAL_MARKERS + INVOLVEMENT_MARKERS + SOCIAL_INVOLVEMENT_MARKERS
    for person in (scn.guardian, scn.young_person):  # on every path a person has: the case, consents, access log...
        assert found(read_paths(scn, person), every_marker) == {}
    consent(scn, organization_ids=[scn.clinic.org], categories=["child_welfare", "social"])
    for person in (scn.guardian, scn.young_person):
        # ...and once the family has named child welfare in a consent, only that consent of its own names it
        assert found(read_paths(scn, person), every_marker) == {"me:consents": ["child_welfare"]}
        response = person.get(f"/api/v1/me/cases/{scn.case_id}")
        assert response.status_code == 200, response.text
        case = response.json()
        assert SCHOOL_TEXT in [e["text"] for e in case["entries"]]  # the log itself is there
        assert [r for r in case["entries"] + case["measures"] if r["category"] in ("child_welfare", "social")] == []
        assert [m for m in CHILD_WELFARE_MARKERS + SOCIAL_MARKERS if m in _text(response)] == []
        assert [m for m in INVOLVEMENT_MARKERS + SOCIAL_INVOLVEMENT_MARKERS if m in _text(response)] == []
        participants = {p["organization_id"] for p in case["participants"]}
        assert scn.school.org in participants and not participants & {scn.welfare.org, scn.nav.org}


def _consent_ids(caller, child_id: str) -> set[str]:
    response = caller.get(f"/api/v1/children/{child_id}/consents")
    assert response.status_code == 200, response.text
    return {c["id"] for c in response.json()}


def test_the_consent_list_names_child_welfare_only_to_who_sees_it(scn):
    """A consent that names child welfare by category, by sector or by one of its services tells that child welfare
    is involved: a school sees none of them, only the consents that tell of nothing it may not know."""
    by_category = consent(scn, organization_ids=[scn.clinic.org], categories=["child_welfare"])
    by_sector = consent(scn, sectors=["child_welfare"], categories=["health"])
    by_service = consent(scn, organization_ids=[scn.welfare.org], categories=["education"])
    open_one = consent(scn, organization_ids=[scn.school.org], categories=["education"])
    legal = scn.welfare.post(
        f"/api/v1/children/{scn.child_id}/consents",
        json={"basis": "legal", "legal_reference": "barnevernloven § 13-4", "organization_ids": [scn.clinic.org], "categories": ["child_welfare"]},
    ).json()
    ids = lambda rows: {r["id"] for r in rows}  # noqa: E731
    secret = ids(by_category) | ids(by_sector) | ids(by_service) | {legal["id"]}

    school = _consent_ids(scn.school, scn.child_id)
    assert school == ids(open_one)
    assert "child_welfare" not in scn.school.get(f"/api/v1/children/{scn.child_id}/consents").text
    # the clinic, named by the consents that open child welfare to it, sees those (and what tells of nothing hidden)
    clinic = _consent_ids(scn.clinic, scn.child_id)
    assert ids(by_category) | {legal["id"]} | ids(open_one) <= clinic
    # child welfare itself sees every one
    assert _consent_ids(scn.welfare, scn.child_id) == secret | ids(open_one)
    # the family sees what it gave, not the legal basis child welfare recorded
    family = scn.guardian.get(f"/api/v1/me/children/{scn.child_id}/consents")
    assert family.status_code == 200 and legal["id"] not in ids(family.json())
    assert ids(by_category) | ids(by_sector) | ids(by_service) | ids(open_one) <= ids(family.json())


def test_the_familys_access_log_tells_of_no_service_it_may_not_know_of(scn, engine):
    """Child welfare's and NAV's pushes and reads stay in the audit trail, but not in the log the family reads."""
    from sqlalchemy import select

    from hub.audit.models import AuditEvent

    for caller in (scn.school, scn.welfare, scn.nav):
        assert caller.get(f"/api/v1/cases/{scn.case_id}").status_code == 200
    for person in (scn.guardian, scn.young_person):
        log = person.get(f"/api/v1/me/children/{scn.child_id}/access-log")
        assert log.status_code == 200, log.text
        who = {line["organization_id"] for line in log.json()}
        assert scn.school.org in who and not who & {scn.welfare.org, scn.nav.org}
        assert [m for m in INVOLVEMENT_MARKERS + SOCIAL_INVOLVEMENT_MARKERS if m in _text(log)] == []
    with engine.connect() as conn:
        trail = set(conn.execute(select(AuditEvent.organization_id).where(AuditEvent.action == "case.read")).scalars())
    assert {scn.welfare.organization_id, scn.nav.organization_id, scn.school.organization_id} <= trail


def _lookups(caller, identifier: str) -> tuple[list, int, object]:
    """The child found by an identifier: the REST search, the FHIR search's total, the handover pull."""
    found = caller.get("/api/v1/children", params={"identifier": identifier})
    searched = caller.get("/fhir/Patient", params={"identifier": identifier})
    assert found.status_code == 200 and searched.status_code == 200, (found.text, searched.text)
    return found.json(), searched.json()["total"], caller.get("/api/v1/handover", params={"identifier": identifier, "format": "fhir-r4"})


def test_a_child_welfare_journal_number_finds_the_child_only_for_a_viewer_shown_it(scn, callers):
    """Finding the child by its SSB journal number would tell that child welfare is involved: to a viewer not shown
    the number it answers as for a number the hub does not know."""
    (journal,) = [f"{i['system']}|{i['value']}" for i in scn.welfare.get(f"/api/v1/children/{scn.child_id}").json()["identifiers"] if "journalnummer" in i["system"]]
    unknown = journal.rsplit("|", 1)[0] + "|no-such-number"
    for caller in (scn.school, scn.clinic, scn.nav):
        children, total, handover = _lookups(caller, journal)
        assert children == [] and total == 0 and handover.status_code == 404, (children, total, handover.text)
        assert handover.json()["detail"] == _lookups(caller, unknown)[2].json()["detail"]
    stranger = callers.system("Tysvær skole", "school", kommune="1146", scopes=("handover.read",))
    by_number = stranger.get("/api/v1/handover", params={"identifier": journal, "format": "fhir-r4"})
    assert by_number.status_code == 404, by_number.text  # as for an unknown number, not "no consent" (403)
    children, total, handover = _lookups(scn.welfare, journal)
    assert [c["id"] for c in children] == [scn.child_id] and total == 1 and handover.status_code == 200
    consent(scn, organization_ids=[scn.clinic.org], categories=["child_welfare"])
    children, total, handover = _lookups(scn.clinic, journal)
    assert [c["id"] for c in children] == [scn.child_id] and total == 1 and handover.status_code == 200


def test_a_case_only_child_welfare_takes_part_in_is_not_the_familys_to_see(callers):
    """Child welfare's push opens a case: while no service the family may know of takes part, the family does not
    learn of it (not listed, 404 like any case not theirs); once a school takes part it is the family's log."""
    welfare = callers.system("Barneverntjenesten Haugesund", "child_welfare")
    ssb = (require_shared("ssb-barnevern", "examples") / "test01_file09_total.xml").read_bytes()
    pushed = welfare.post(
        "/api/v1/ingest/ssb-barnevern", content=ssb, params={"municipality": "1106"},
        headers={"content-type": "application/xml; extract=total"},
    )
    assert pushed.status_code == 200, pushed.text
    (case_id,) = pushed.json()["cases"]
    (child_id,) = pushed.json()["children"]
    added = welfare.post(
        f"/api/v1/children/{child_id}/guardians",
        json={"national_id": GUARDIAN_FNR, "relation": "mother", "parental_responsibility": "felles", "may_see_log": True},
    )
    assert added.status_code == 201, added.text
    # her access to the log stands confirmed as a national register would confirm it (no coordinator here: a child
    # welfare coordinator would itself tell the family of child welfare)
    from hub.children import service as children
    from hub.children.models import Guardian
    from hub.db.engine import session_scope

    with session_scope(callers.engine) as session:
        children.decide_log_access(session, guardian=session.get(Guardian, uuid.UUID(added.json()["id"])), granted=True, by="registry:test")
    family = (callers.person(GUARDIAN_FNR), callers.person(CHILD_FNR))
    for person in family:
        (mine,) = person.get("/api/v1/me/children").json()
        assert mine["id"] == child_id and mine["case_ids"] == []
        for refused in (person.get(f"/api/v1/me/cases/{case_id}"), person.post(f"/api/v1/me/cases/{case_id}/notes", json={"text": "hei"})):
            assert refused.status_code == 404, refused.text
    school = callers.system("Skåredalen skole", "school")
    assert welfare.post(f"/api/v1/cases/{case_id}/participants", json={"organization_id": school.org, "role": "school"}).status_code == 201
    for person in family:
        assert person.get("/api/v1/me/children").json()[0]["case_ids"] == [case_id]
        case = person.get(f"/api/v1/me/cases/{case_id}")
        assert case.status_code == 200 and [p["organization_id"] for p in case.json()["participants"]] == [school.org]


# --- the matrix itself ---------------------------------------------------------------------------------------


def test_every_get_route_is_classified_and_the_matrix_reads_each_child_data_route(app, scn):
    routes = read_matrix.get_routes(app)
    assert read_matrix.unclassified(routes) == [], "classify it in tests/access/read_matrix.py"
    assert not read_matrix.CHILD_DATA.keys() & read_matrix.NOT_CHILD_DATA.keys()
    assert sorted((read_matrix.CHILD_DATA.keys() | read_matrix.NOT_CHILD_DATA.keys()) - routes) == [], "classified routes that are gone"
    catalogue = Catalogue.of(scn.school.http)
    planned = read_matrix.reads(catalogue, scn)
    assert {r.route for r in planned} == routes & read_matrix.CHILD_DATA.keys()
    # every format and every FHIR type the facade reads (but the organisation registry) is read
    assert {r.params["format"] for r in planned if r.route == "/api/v1/cases/{case_id}/export"} == set(catalogue.formats) >= {"fhir-r4", "sif-au", "kindergarten-v1"}
    read_types = {r.url.split("/")[2] for r in planned if r.route == read_matrix.READ_ROUTE}
    assert read_types == set(catalogue.fhir_types) - {"Organization"} and "Communication" in read_types


def test_a_new_get_route_fails_until_it_is_classified(app, client):
    @app.get("/api/v1/children/{child_id}/secrets")
    def secrets(child_id: str) -> dict:
        return {}

    with pytest.raises(AssertionError, match=r"classify it.*/api/v1/children/\{child_id\}/secrets"):
        read_matrix.reads(Catalogue.of(client), Subject(case_id="c", child_id="x"))


def test_the_matrix_reads_the_consent_list_and_it_shows_a_school_no_consent_naming_child_welfare(scn):
    assert read_matrix.CHILD_DATA["/api/v1/children/{child_id}/consents"].audience is Audience.SYSTEM
    consent(scn, organization_ids=[scn.clinic.org], categories=["child_welfare"])
    consent(scn, sectors=["school"], categories=["education"])
    school = read_paths(scn, scn.school)
    listed = school["consents"].json()
    assert listed and all("child_welfare" not in c["categories"] + c["sectors"] for c in listed)
    assert found(school, INVOLVEMENT_MARKERS + SOCIAL_INVOLVEMENT_MARKERS) == {}
    # the same list read by the clinic, named by the consent, does show it
    assert "child_welfare" in read_paths(scn, scn.clinic)["consents"].text
