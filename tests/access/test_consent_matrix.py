"""The consent matrix: for each sector × category × consent state (none, granted, expired, revoked), a participating
organisation sees exactly the expected entries — on the REST case view, the FHIR export, the FHIR facade's
$everything and the handover pull.
"""

from datetime import UTC, datetime, timedelta

import pytest

from hub.canonical.vocab import FNR_SYSTEM, Category, Sector

CATEGORIES = [c.value for c in Category]
STATES = ["none", "granted", "expired", "revoked"]
CASES = "/api/v1/cases"


@pytest.fixture
def scene(callers):
    """A coordinator (municipality) with a case holding one entry per category, written by the coordinator."""
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
    for category in CATEGORIES:
        response = writer.post(f"{CASES}/{case_id}/entries", json={"kind": "note", "category": category, "text": f"entry-{category}"})
        assert response.status_code == 201
    return writer, child, case_id


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


def _visible_export(viewer, case_id):
    body = viewer.get(f"{CASES}/{case_id}/export", params={"format": "fhir-r4"}).text
    return {c for c in CATEGORIES if f"entry-{c}" in body}


def _visible_facade(viewer, child_id):
    body = viewer.get(f"/fhir/Patient/{child_id}/$everything").text
    return {c for c in CATEGORIES if f"entry-{c}" in body}


def _visible_handover(viewer):
    answer = viewer.get("/api/v1/handover", params={"identifier": f"{FNR_SYSTEM}|04021950128", "format": "fhir-r4"})
    assert answer.status_code == 200, answer.text  # a participant may always pull; what it gets is the question
    return {c for c in CATEGORIES if f"entry-{c}" in answer.text}


def _visible_everywhere(viewer, case_id, child_id) -> dict[str, set[str]]:
    return {
        "REST": _visible_rest(viewer, case_id),
        "FHIR export": _visible_export(viewer, case_id),
        "FHIR facade": _visible_facade(viewer, child_id),
        "handover": _visible_handover(viewer),
    }


@pytest.mark.parametrize("sector", [s.value for s in Sector if s != Sector.municipality])
def test_consent_matrix(scene, callers, sector):
    writer, child, case_id = scene
    viewer = callers.system(f"Viewer {sector}", sector)
    assert writer.post(f"{CASES}/{case_id}/participants", json={"organization_id": viewer.org, "role": sector}).status_code == 201
    for category in CATEGORIES:
        for state in STATES:
            consent_id = _consent(writer, child, state, viewer.org, category) if state != "none" else None
            expected = {category} if state == "granted" else set()
            seen = _visible_everywhere(viewer, case_id, child["id"])
            assert seen == dict.fromkeys(seen, expected), (sector, category, state)
            if state == "granted":
                writer.post(f"/api/v1/consents/{consent_id}/revoke")
                assert _visible_rest(viewer, case_id) == set(), "revocation stops access at once"


def test_unnamed_categories_cover_the_open_ones_only(scene, callers):
    writer, child, case_id = scene
    viewer = callers.system("Skole", "school")
    writer.post(f"{CASES}/{case_id}/participants", json={"organization_id": viewer.org, "role": "school"})
    writer.post(f"/api/v1/children/{child['id']}/consents", json={"guardian_id": child["guardians"][0]["id"], "sectors": ["school"]})
    assert _visible_rest(viewer, case_id) == {"education", "early_childhood", "home"}


def test_a_legal_basis_works_without_consent(scene, callers):
    writer, child, case_id = scene
    viewer = callers.system("Barnevern", "child_welfare")
    writer.post(f"{CASES}/{case_id}/participants", json={"organization_id": viewer.org, "role": "child_welfare"})
    basis = {"basis": "legal", "legal_reference": "barnevernloven § 13-2", "organization_ids": [viewer.org], "categories": ["health", "education"]}
    assert writer.post(f"/api/v1/children/{child['id']}/consents", json=basis).status_code == 201
    assert _visible_rest(viewer, case_id) == {"health", "education"}


def test_consent_decisions_are_audited_with_their_reason(scene, callers, engine):
    from sqlalchemy import select

    from hub.audit.models import AuditEvent

    writer, child, case_id = scene
    viewer = callers.system("Skole", "school")
    writer.post(f"{CASES}/{case_id}/participants", json={"organization_id": viewer.org, "role": "school"})
    viewer.get(f"{CASES}/{case_id}")
    _consent(writer, child, "granted", viewer.org, "education")
    viewer.get(f"{CASES}/{case_id}")
    with engine.connect() as conn:
        reasons = conn.execute(select(AuditEvent.reason).where(AuditEvent.organization_id == viewer.organization_id, AuditEvent.action == "case.read").order_by(AuditEvent.seq)).scalars().all()
    assert "no consent in force" in reasons[0] and "consent" in reasons[1] and "no consent" not in reasons[1]
