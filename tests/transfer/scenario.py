"""Builders for transfer tests: valid national ids, a child with a guardian and consent to transfer, a case with
entries, and the full case with every sector, corrections, goals, measures, evaluations and a baton handover.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hub.canonical.vocab import FNR_SYSTEM
from tests.examples import KINDERGARTEN_CHILD, kindergarten_report

ALL_SCOPES = ("ingest", "case.read", "case.write", "transfer")

_serial = itertools.count(100)


def fnr(day: int = 15, month: int = 7, year: int = 2019) -> str:
    """A valid fødselsnummer (both mod-11 check digits) for a child born on the given day (individual 500-749)."""
    while True:
        base = f"{day:02d}{month:02d}{year % 100:02d}{500 + next(_serial) % 250:03d}"
        digits = [int(c) for c in base]
        k1 = 11 - sum(d * w for d, w in zip(digits, (3, 7, 6, 1, 8, 9, 4, 5, 2))) % 11
        k1 = 0 if k1 == 11 else k1
        if k1 == 10:
            continue
        digits.append(k1)
        k2 = 11 - sum(d * w for d, w in zip(digits, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))) % 11
        k2 = 0 if k2 == 11 else k2
        if k2 == 10:
            continue
        return base + f"{k1}{k2}"


def ok(response, status=200):
    assert response.status_code == status, f"{response.status_code}: {response.text[:800]}"
    return response.json()


@dataclass
class Built:
    case_id: str
    child_id: str
    fnr: str
    entry_ids: list[str]


def consent_to_transfer(caller, child_id: str, guardian_id: str) -> None:
    ok(caller.post(f"/api/v1/children/{child_id}/consents", json={
        "given_by": "guardian", "guardian_id": guardian_id, "sectors": ["health", "school"], "purpose": "transfer",
    }), 201)


def simple_case(caller, *, entries: int = 3, consent: bool = True, national_id: str | None = None) -> Built:
    """A child (name, birth date, guardian), an open case in 1106 with `entries` entries and one correction."""
    national_id = national_id or fnr()
    child = ok(caller.post("/api/v1/children", json={
        "identifiers": [{"system": FNR_SYSTEM, "value": national_id}],
        "names": [{"given": ["Ola"], "family": "Nordmann"}],
        "birth_date": "2019-07-15",
        "guardians": [{"names": [{"given": ["Kari"], "family": "Nordmann"}], "parental_responsibility": "felles", "may_see_log": True}],
    }), 201)
    case = ok(caller.post("/api/v1/cases", json={
        "child_id": child["id"], "municipality": "1106", "bti_level": 1,
        "participants": [{"organization_id": caller.org, "role": "health"}],
        "coordinator": {"person_name": "Kari Koordinator", "organization_id": caller.org},
    }), 201)
    ids = []
    for n in range(entries):
        entry = ok(caller.post(f"/api/v1/cases/{case['id']}/entries", json={
            "kind": "note", "category": "health", "text": f"konsultasjon {n}", "author_organization_id": caller.org,
            "occurred_at": f"2024-03-{n % 27 + 1:02d}T10:00:00+01:00",
        }), 201)
        ids.append(entry["id"])
    if ids:
        ok(caller.post(f"/api/v1/cases/{case['id']}/entries/{ids[0]}/corrections", json={"text": "konsultasjon 0 (rettet)", "reason": "skrivefeil"}), 201)
    if consent:
        guardian_id = ok(caller.get(f"/api/v1/children/{child['id']}"))["guardians"][0]["id"]
        consent_to_transfer(caller, child["id"], guardian_id)
    return Built(case["id"], child["id"], national_id, ids)


SECTORS = {  # sector of the organisation -> category and sensitivity of what it writes
    "health": ("health", "confidential"),
    "school": ("education", "normal"),
    "child_welfare": ("child_welfare", "confidential"),
    "nav": ("social", "sensitive"),
    "ppt": ("education", "normal"),
}


def full_case(callers) -> tuple[Built, dict]:
    """The kindergarten's transition report ingested (raw payload archived), then every sector writing on the same
    case: entries, corrections (three versions), a retraction, a goal, a measure with an evaluation, a baton handover."""
    kg = callers.system("Solsikken barnehage (fagsystem)", "kindergarten", kommune="1106", scopes=ALL_SCOPES)
    report = ok(kg.post("/api/v1/ingest/kindergarten-v1", content=kindergarten_report(), headers={"content-type": "application/xml"}))
    case_id, child_id = str(report["cases"][0]), str(report["children"][0])
    writers = {"kindergarten": kg}
    for sector in SECTORS:
        writers[sector] = callers.system(f"Haugesund {sector}", sector, kommune="1106", scopes=ALL_SCOPES)
        ok(kg.post(f"/api/v1/cases/{case_id}/participants", json={"organization_id": writers[sector].org, "role": sector}), 201)
    entry_ids = []
    for sector, (category, sensitivity) in SECTORS.items():
        w = writers[sector]
        for n in range(2):
            entry = ok(w.post(f"/api/v1/cases/{case_id}/entries", json={
                "kind": "observation" if n else "note", "category": category, "sensitivity": sensitivity,
                "text": f"{sector} notat {n}", "author_organization_id": w.org, "occurred_at": f"2025-0{n + 1}-1{n}T08:15:00+01:00",
                "codes": [{"system": "urn:test:codes", "code": f"{sector}-{n}"}], "payload": {"sector": sector, "n": n},
            }), 201)
            entry_ids.append(entry["id"])
    school = writers["school"]
    v2 = ok(school.post(f"/api/v1/cases/{case_id}/entries/{entry_ids[2]}/corrections", json={"text": "school notat 0 (v2)", "reason": "presisering"}), 201)
    ok(school.post(f"/api/v1/cases/{case_id}/entries/{v2['id']}/corrections", json={"text": "school notat 0 (v3)", "reason": "ny opplysning"}), 201)
    ok(writers["nav"].post(f"/api/v1/cases/{case_id}/entries/{entry_ids[6]}/corrections", json={"reason": "feil barn", "retract": True}), 201)
    health = writers["health"]
    goal = ok(health.post(f"/api/v1/cases/{case_id}/goals", json={"description": "Trygg skolestart", "category": "education"}), 201)
    measure = ok(health.post(f"/api/v1/cases/{case_id}/measures", json={
        "description": "Språkgruppe to ganger i uka", "category": "education", "responsible_organization_id": health.org,
        "goal_ids": [goal["id"]], "start_date": "2025-08-18", "evaluation_due": "2025-12-01",
    }), 201)
    ok(health.post(f"/api/v1/cases/{case_id}/measures/{measure['id']}/evaluations", json={"outcome": "continue", "text": "Bedre ordforråd", "author_organization_id": health.org}), 201)
    handover = ok(kg.post(f"/api/v1/cases/{case_id}/coordinator/proposals", json={"person_name": "Siri Skole", "organization_id": school.org}), 201)
    ok(school.post(f"/api/v1/cases/{case_id}/coordinator/proposals/{handover['id']}/accept"))
    guardian_id = ok(kg.get(f"/api/v1/children/{child_id}"))["guardians"][0]["id"]
    consent_to_transfer(kg, child_id, guardian_id)
    return Built(case_id, child_id, KINDERGARTEN_CHILD, entry_ids), writers
