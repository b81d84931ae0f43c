"""Helpers for identity tests: synthetic fødselsnummer with valid check digits, FHIR Patients pushed by a service,
the children the hub holds.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from hub.canonical.vocab import FNR_SYSTEM
from hub.children.models import Child, ChildIdentifier
from hub.db.engine import session_scope
from tests.fhir.helpers import post_bundle, transaction

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def fnr(born: date, individual: int = 500) -> str:
    """A fødselsnummer for `born` with valid check digits (the first individual number from `individual` that has)."""
    for number in range(individual, individual + 100):
        base = f"{born:%d%m%y}{number:03d}"
        k1 = (11 - sum(int(d) * w for d, w in zip(base, _K1)) % 11) % 11
        k2 = (11 - sum(int(d) * w for d, w in zip(base + str(k1), _K2)) % 11) % 11
        if k1 < 10 and k2 < 10:
            return f"{base}{k1}{k2}"
    raise AssertionError("no valid fødselsnummer found")


def patient(given: str, family: str, born: str, gender: str, *, identifiers: tuple[tuple[str, str], ...] = (),
            address: dict | None = None) -> dict:
    resource = {"resourceType": "Patient", "id": f"p-{uuid.uuid4().hex[:8]}", "birthDate": born, "gender": gender,
                "identifier": [{"system": s, "value": v} for s, v in identifiers],
                "name": [{"family": family, "given": given.split()}]}
    if address:
        resource["address"] = [address]
    return resource


def push_patient(caller, resource: dict) -> dict:
    response = post_bundle(caller, transaction(resource, if_none_exist=False), url="/api/v1/ingest/fhir-r4")
    assert response.status_code == 200, response.text
    return response.json()


def child_with(engine, system: str, value: str) -> uuid.UUID | None:
    with session_scope(engine, write=False) as session:
        return session.scalar(select(ChildIdentifier.child_id).where(ChildIdentifier.system == system,
                                                                      ChildIdentifier.value == value))


def child_count(engine) -> int:
    with session_scope(engine, write=False) as session:
        return len(list(session.scalars(select(Child.id))))


__all__ = ["FNR_SYSTEM", "child_count", "child_with", "fnr", "patient", "push_patient"]
