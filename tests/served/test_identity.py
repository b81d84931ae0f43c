"""Identity through the served hub (`stafett serve` on production settings): a typo'd record of a known child is linked
and found by its identifier; twins are two children and a review; the review queue dismisses, merges and unmerges.
"""

from __future__ import annotations

import json
import uuid
from datetime import date

from hub.canonical.vocab import FNR_SYSTEM
from hub.demo.load import valid_orgnr
from tests.fhir.helpers import observation, transaction
from tests.identity.helpers import fnr, patient

ADDRESS = {"line": ["Skåregata 101"], "postalCode": "5528", "city": "Haugesund"}


def push(system, resource: dict, *, weight: float | None = 16.0) -> dict:
    """A Patient, with a weight (which opens the sender's case: a service sees the children it takes part in)."""
    url = f"urn:uuid:{uuid.uuid4()}"
    resources = [{**resource, "_url": url}]
    if weight is not None:
        resources.append({**observation(url, oid=f"w-{uuid.uuid4().hex[:8]}", value=weight), "_url": f"urn:uuid:{uuid.uuid4()}"})
    bundle = transaction(*resources, if_none_exist=False)
    answer = system.post("/api/v1/ingest/fhir-r4", content=json.dumps(bundle).encode(),
                         headers={"content-type": "application/fhir+json"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def found(system, identifier: str) -> list[str]:
    answer = system.get("/api/v1/children", params={"identifier": identifier})
    assert answer.status_code == 200, answer.text
    return [c["id"] for c in answer.json()]


def pairs_of(admin, *child_ids: str) -> list[dict]:
    answer = admin.get("/api/v1/identity/reviews")
    assert answer.status_code == 200, answer.text
    return [r for r in answer.json() if {r["child"]["id"], r["candidate"]["id"]} & set(child_ids)]


def test_identity_through_the_served_hub(served):
    clinic = served.add_system("Haugesund helsestasjon, identity", "health", valid_orgnr(93000501), "ingest case.read")
    physio = served.add_system("Haugesund fysioterapi, identity", "health", valid_orgnr(93000502), "ingest case.read")
    tysvaer = served.add_system("Tysvær helsestasjon, identity", "health", valid_orgnr(93000503), "ingest case.read", kommune="1146")
    admin = served.add_system("Haugesund kommune drift, identity", "municipality", valid_orgnr(93000504), "admin")
    born = date(2017, 3, 29)
    # a typo in the given name, no shared identifier: linked, and the physiotherapist's id finds the clinic's child
    sigrid = fnr(born, 600)
    push(clinic, patient("Sigrid", "Ådnanes", born.isoformat(), "female", identifiers=((FNR_SYSTEM, sigrid),),
                         address=ADDRESS), weight=None)
    local = f"urn:test:physio|{uuid.uuid4().hex[:8]}"
    push(physio, patient("Sigird", "Ådnanes", born.isoformat(), "female", identifiers=(tuple(local.split("|")),), address=ADDRESS))
    [child_id] = found(physio, local)
    assert found(physio, f"{FNR_SYSTEM}|{sigrid}") == [child_id]
    # twins: another given name, same birth date, family name and address: two children, a review, dismissed
    tor, tore = f"urn:test:physio|{uuid.uuid4().hex[:8]}", f"urn:test:physio|{uuid.uuid4().hex[:8]}"
    push(physio, patient("Tor", "Ådnanes", "2015-08-14", "male", identifiers=(tuple(tor.split("|")),), address=ADDRESS))
    push(physio, patient("Tore", "Ådnanes", "2015-08-14", "male", identifiers=(tuple(tore.split("|")),), address=ADDRESS))
    [tor_id], [tore_id] = found(physio, tor), found(physio, tore)
    assert tor_id != tore_id
    [twins] = pairs_of(admin, tor_id, tore_id)
    dismissed = admin.post(f"/api/v1/identity/reviews/{twins['id']}/dismiss")
    assert dismissed.status_code == 200 and dismissed.json()["decided_by"] == f"client:{admin.client_id}"
    assert pairs_of(admin, tor_id, tore_id) == []
    # a namesake record in Tysvær: a review (another municipality); merged, then unmerged
    other = f"urn:test:tysvaer|{uuid.uuid4().hex[:8]}"
    push(tysvaer, patient("Sigrid", "Ådnanes", born.isoformat(), "female", identifiers=(tuple(other.split("|")),)))
    [pair] = pairs_of(admin, child_id)
    assert pair["held_back"] == "another municipality" and pair["candidate"]["id"] == child_id
    merged = admin.post(f"/api/v1/identity/reviews/{pair['id']}/merge", json={"keep": child_id})
    assert merged.status_code == 200, merged.text
    assert found(tysvaer, other) == [child_id]  # one child: Tysvær's id finds it
    undone = admin.post(f"/api/v1/children/{child_id}/unmerge")
    assert undone.status_code == 200, undone.text
    restored = undone.json()["restored_child_id"]
    assert restored == pair["child"]["id"] and found(tysvaer, other) == [restored]
    assert found(physio, local) == [child_id]
