"""Every read path goes through the read door (hub.access.reader): each GET route of the app (REST and FHIR, taken
from the app by tests/access/read_matrix.py) is called by a viewer it is meant for, and the door must have opened
what it read and written the read's audit record; child data read around the door fails (tests/access/door_watch.py).

The check is proved to catch a route that reads child data without the door, one that opens one case and reads
another, one that passes the door but writes no audit, and one said to hold no child data that reads some.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import pytest
from fastapi import Depends

from hub.access import reader
from hub.api.deps import DbSession
from hub.auth.deps import require
from hub.auth.principal import Principal
from hub.cases.models import Case, Entry
from hub.children.models import Child
from tests.access import read_matrix
from tests.access.door_watch import DoorWatch, violations
from tests.access.read_matrix import Audience, Catalogue
from tests.access.test_confidential_social import scn, settings  # noqa: F401 - the scenario's fixtures

Reader = Annotated[Principal, Depends(require("case.read"), scope="function")]


@pytest.fixture
def watch(app):
    watching = DoorWatch(app)
    yield watching
    watching.close()


@pytest.fixture
def viewers(scn, callers):  # noqa: F811
    """A viewer of each audience: the child welfare service that pushed the case, its admin, the mother."""
    admin = callers.system(scopes=("admin", "case.read"), organization_id=scn.welfare.organization_id)
    return {Audience.SYSTEM: scn.welfare, Audience.ADMIN: admin, Audience.PERSON: scn.guardian}


def test_every_read_route_goes_through_the_door(app, scn, viewers, watch):  # noqa: F811
    catalogue = Catalogue.of(scn.welfare.http)
    planned = read_matrix.reads(catalogue, scn)  # fails on a GET route nobody classified
    read_ok: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    for read in planned:
        viewer = viewers[read_matrix.CHILD_DATA[read.route].audience]
        obs = watch.call(viewer, read.url, read.params)
        assert obs.response.status_code in (200, 404), (read.label, obs.response.status_code, obs.response.text[:300])
        if found := violations(obs, child_data=True):
            problems[read.label] = found
        if obs.response.status_code == 200:
            read_ok[read.route] = read_ok.get(read.route, 0) + 1
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in sorted(problems.items()))
    assert set(read_ok) == {r.route for r in planned}, "each child-data route answered a permitted viewer at least once"


def test_routes_said_to_hold_no_child_data_read_none(app, scn, watch):  # noqa: F811
    urls = {
        "/api/v1/organizations": "/api/v1/organizations",
        "/api/v1/organizations/{organization_id}": f"/api/v1/organizations/{scn.welfare.org}",
        "/fhir/metadata": "/fhir/metadata",
    }
    assert set(urls) == read_matrix.NOT_CHILD_DATA.keys(), "fill every route said to hold no child data"
    for route, url in urls.items():
        obs = watch.call(scn.welfare, url)
        assert obs.response.status_code == 200, (route, obs.response.text[:300])
        assert violations(obs, child_data=False) == [], route
    # the Organization type of the facade, said to hold no child data, reads none either
    obs = watch.call(scn.welfare, f"/fhir/Organization/{scn.welfare.org}")
    assert obs.response.status_code == 200 and violations(obs, child_data=False) == []


def test_the_door_notes_who_opened_what(app, scn, viewers, watch):  # noqa: F811
    obs = watch.call(scn.welfare, f"/api/v1/cases/{scn.case_id}")
    [passage] = obs.permitted
    assert (passage.kind, passage.action, passage.audited) == (reader.ORGANISATION, "case.read", True)
    assert passage.case_ids == {uuid.UUID(scn.case_id)} and passage.child_ids == {uuid.UUID(scn.child_id)}
    [event] = [e for e in obs.audit if e.action == "case.read"]
    assert event.outcome == "permit" and event.entry_ids, "the door's record names the entry versions shown"
    assert [p.kind for p in watch.call(scn.guardian, f"/api/v1/me/cases/{scn.case_id}").permitted] == [reader.GUARDIAN]
    assert [p.kind for p in watch.call(scn.young_person, f"/api/v1/me/cases/{scn.case_id}").permitted] == [reader.YOUNG_PERSON]
    refused = watch.call(scn.school, f"/api/v1/cases/{uuid.uuid4()}")
    assert refused.response.status_code == 404 and [p.permit for p in refused.passages] == [False]
    assert [e.outcome for e in refused.audit] == ["deny"]


# --- the check catches what bypasses the door -----------------------------------------------------------------


def test_a_route_reading_child_data_without_the_door_fails(app, scn, watch):  # noqa: F811
    @app.get("/api/v1/cases/{case_id}/rogue")
    def rogue(case_id: uuid.UUID, session: DbSession, principal: Reader) -> dict:
        case = session.get(Case, case_id)
        return {"texts": [e.text for e in session.query(Entry).filter(Entry.case_id == case.id)]}

    obs = watch.call(scn.school, f"/api/v1/cases/{scn.case_id}/rogue")
    assert obs.response.status_code == 200 and obs.response.json()["texts"], "the rogue route leaks"
    found = violations(obs, child_data=True)
    assert any("did not pass the read door" in f for f in found), found
    assert any("before it opened anything" in f for f in found), found
    # and, said to hold no child data, it fails as well
    assert violations(obs, child_data=False)
    # a rogue route is a GET route nobody classified: the matrix refuses to run
    with pytest.raises(AssertionError, match="classify it"):
        read_matrix.reads(Catalogue.of(scn.school.http), scn)


def test_a_route_that_opens_one_case_and_reads_another_fails(app, scn, callers, watch):  # noqa: F811
    other = scn.school.post("/api/v1/children", json={"birth_date": "2015-03-01"}).json()
    other_case = scn.school.post("/api/v1/cases", json={"child_id": other["id"], "municipality": "1106"}).json()

    @app.get("/api/v1/cases/{case_id}/sideways")
    def sideways(case_id: uuid.UUID, session: DbSession, principal: Reader) -> dict:
        opened = reader.case_for_org(session, principal=principal, case_id=case_id, settings=app.state.settings, action="case.read")
        opened.seen()
        stranger = session.get(Child, uuid.UUID(other["id"]))
        return {"names": stranger.names}

    obs = watch.call(scn.welfare, f"/api/v1/cases/{scn.case_id}/sideways")
    assert obs.response.status_code == 200
    found = violations(obs, child_data=True)
    assert found == [f"read a child row of child {other['id']}, which the door did not open"], (found, other_case)


def test_a_route_that_passes_the_door_without_the_read_audit_fails(app, scn, watch):  # noqa: F811
    @app.get("/api/v1/cases/{case_id}/unaudited")
    def unaudited(case_id: uuid.UUID, session: DbSession, principal: Reader) -> dict:
        opened = reader.case_for_org(session, principal=principal, case_id=case_id, settings=app.state.settings, action="case.peek")
        return {"entries": len(opened.view.entries)}

    obs = watch.call(scn.welfare, f"/api/v1/cases/{scn.case_id}/unaudited")
    assert obs.response.status_code == 200
    assert violations(obs, child_data=True) == ["passed the door without the read's audit record: ['case.peek']"]
