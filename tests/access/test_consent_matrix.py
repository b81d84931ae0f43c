"""The consent matrix: for each sector × category × consent state (none, granted, expired, revoked), a participating
organisation sees exactly the expected entries on every read path that shows them: the routes of the read matrix
(tests/access/read_matrix.py) that show this case's entries to their writer, each format and each entry by id.
"""

from datetime import UTC, datetime, timedelta

import pytest

from hub.canonical.vocab import FNR_SYSTEM, Category, Sector
from tests.access import read_matrix
from tests.access.read_matrix import Audience, Catalogue, Expect, Subject

CATEGORIES = [c.value for c in Category]
STATES = ["none", "granted", "expired", "revoked"]
CASES = "/api/v1/cases"


# the paths the matrix was first written for: each must show every category to the writer
FIRST_PATHS = {"REST": "case", "FHIR export": "export:fhir-r4", "FHIR facade": "fhir:$everything", "handover": "handover:fhir-r4"}


@pytest.fixture
def scene(callers):
    """A coordinator (municipality) with a case holding one entry per category, written by the coordinator; and the
    read paths of the matrix that show those entries to it."""
    writer = callers.system("Haugesund kommune", "municipality")
    child = writer.post(
        "/api/v1/children",
        json={
            "identifiers": [{"system": FNR_SYSTEM, "value": "04021950128"}],
            "birth_date": "2019-02-04",
            "guardians": [{"relation": "mother", "parental_responsibility": "felles", "may_see_log": True}],
        },
    ).json()
    case_id = writer.post(CASES, json={"child_id": child["id"], "municipality": "1106"}).json()["id"]
    subject = Subject(case_id=case_id, child_id=child["id"], engine=callers.engine)
    for category in CATEGORIES:
        response = writer.post(f"{CASES}/{case_id}/entries", json={"kind": "note", "category": category, "text": f"entry-{category}"})
        assert response.status_code == 201
        subject.entries[category] = response.json()
    subject.learn_from(writer)
    paths = EntryPaths.of(writer, subject)
    return writer, child, case_id, paths


class EntryPaths:
    """The reads of the matrix that show this case's entries, and which categories each shows the writer."""

    def __init__(self, reads: list, carried: dict[str, set[str]]):
        self.reads, self.carried = reads, carried

    @classmethod
    def of(cls, writer, subject: Subject) -> "EntryPaths":
        planned = [
            r for r in read_matrix.reads(Catalogue.of(writer.http), subject, complete=False)
            if read_matrix.CHILD_DATA[r.route].audience is Audience.SYSTEM
        ]
        carried = {r.label: _shown(writer, r, strict=False) for r in planned}
        paths = cls([r for r in planned if carried[r.label]], {n: c for n, c in carried.items() if c})
        for label in FIRST_PATHS.values():
            assert paths.carried.get(label) == set(CATEGORIES), (label, paths.carried.get(label))
        assert {f"history:{c}" for c in CATEGORIES} <= paths.carried.keys(), "each entry is read by id too"
        return paths

    def seen_by(self, viewer, *, by_id: set[str] | None = None) -> dict[str, set[str]]:
        """What each path shows the viewer; `by_id`: read only these categories' entries by id (all: None)."""
        return {r.label: _shown(viewer, r) for r in self.reads if r.record is None or by_id is None or r.record in by_id}

    def expected(self, categories: set[str], *, by_id: set[str] | None = None) -> dict[str, set[str]]:
        """What each path shows a viewer that may see exactly `categories` (the by-id paths as in seen_by)."""
        labels = {r.label for r in self.reads if r.record is None or by_id is None or r.record in by_id}
        return {label: carried & categories for label, carried in self.carried.items() if label in labels}


def _shown(viewer, read, *, strict: bool = True) -> set[str]:
    """The categories whose entry the read shows the viewer. Not `strict`: the writer's first look, where a path that
    cannot show this case (kindergarten-v1 needs a kindergarten with an organisation number: 422) shows nothing."""
    response = viewer.get(read.url, params=read.params)
    if not strict:
        assert response.status_code in (200, 404, 422), (read.label, response.status_code, response.text[:300])
    elif read.expect is Expect.RECORD:
        assert response.status_code in (200, 404), (read.label, response.status_code, response.text[:300])
    else:  # a participant may always read (and pull): what it gets is the question
        assert response.status_code == 200, (read.label, response.status_code, response.text[:300])
    return {c for c in CATEGORIES if f"entry-{c}" in response.text} if response.status_code == 200 else set()


def _consent(writer, child, state, viewer_org, category):
    now = datetime.now(UTC)
    body = {"guardian_id": child["guardians"][0]["id"], "organization_ids": [viewer_org], "categories": [category]}
    if state == "expired":
        body |= {"valid_from": (now - timedelta(days=30)).isoformat(), "valid_to": (now - timedelta(days=1)).isoformat()}
    response = writer.post(f"/api/v1/children/{child['id']}/consents", json=body)
    assert response.status_code == 201, response.text
    consent_id = response.json()["id"]
    if state == "revoked":
        assert writer.post(f"/api/v1/consents/{consent_id}/revoke").status_code == 200
    return consent_id


def _visible_rest(viewer, case_id):
    return {e["text"].removeprefix("entry-") for e in viewer.get(f"{CASES}/{case_id}").json()["entries"]}


@pytest.mark.parametrize("sector", [s.value for s in Sector if s != Sector.municipality])
def test_consent_matrix(scene, callers, sector):
    writer, child, case_id, paths = scene
    viewer = callers.system(f"Viewer {sector}", sector)
    assert writer.post(f"{CASES}/{case_id}/participants", json={"organization_id": viewer.org, "role": sector}).status_code == 201
    for category in CATEGORIES:
        for state in STATES:
            consent_id = _consent(writer, child, state, viewer.org, category) if state != "none" else None
            expected = {category} if state == "granted" else set()
            # every entry by id once a consent opens one category; else the entry the consent is about (time)
            by_id = None if state == "granted" else {category}
            seen = paths.seen_by(viewer, by_id=by_id)
            assert seen == paths.expected(expected, by_id=by_id), (sector, category, state)
            assert {name: seen[label] for name, label in FIRST_PATHS.items()} == dict.fromkeys(FIRST_PATHS, expected)
            if state == "granted":
                writer.post(f"/api/v1/consents/{consent_id}/revoke")
                assert _visible_rest(viewer, case_id) == set(), "revocation stops access at once"


def test_unnamed_categories_cover_the_open_ones_only(scene, callers):
    writer, child, case_id, paths = scene
    viewer = callers.system("Skole", "school")
    writer.post(f"{CASES}/{case_id}/participants", json={"organization_id": viewer.org, "role": "school"})
    writer.post(f"/api/v1/children/{child['id']}/consents", json={"guardian_id": child["guardians"][0]["id"], "sectors": ["school"]})
    assert _visible_rest(viewer, case_id) == {"education", "early_childhood", "home"}
    assert paths.seen_by(viewer) == paths.expected({"education", "early_childhood", "home"})


def test_a_legal_basis_works_without_consent(scene, callers):
    writer, child, case_id, paths = scene
    viewer = callers.system("Barnevern", "child_welfare")
    writer.post(f"{CASES}/{case_id}/participants", json={"organization_id": viewer.org, "role": "child_welfare"})
    basis = {"basis": "legal", "legal_reference": "barnevernloven § 13-2", "organization_ids": [viewer.org], "categories": ["health", "education"]}
    assert writer.post(f"/api/v1/children/{child['id']}/consents", json=basis).status_code == 201
    assert _visible_rest(viewer, case_id) == {"health", "education"}
    assert paths.seen_by(viewer) == paths.expected({"health", "education"})


def test_consent_decisions_are_audited_with_their_reason(scene, callers, engine):
    from sqlalchemy import select

    from hub.audit.models import AuditEvent

    writer, child, case_id, _ = scene
    viewer = callers.system("Skole", "school")
    writer.post(f"{CASES}/{case_id}/participants", json={"organization_id": viewer.org, "role": "school"})
    viewer.get(f"{CASES}/{case_id}")
    _consent(writer, child, "granted", viewer.org, "education")
    viewer.get(f"{CASES}/{case_id}")
    with engine.connect() as conn:
        reasons = conn.execute(select(AuditEvent.reason).where(AuditEvent.organization_id == viewer.organization_id, AuditEvent.action == "case.read").order_by(AuditEvent.seq)).scalars().all()
    assert "no consent in force" in reasons[0] and "consent" in reasons[1] and "no consent" not in reasons[1]
