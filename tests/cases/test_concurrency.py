"""Concurrent appends to one case from several threads lose nothing (both backends; required on PostgreSQL)."""

import uuid
from concurrent.futures import ThreadPoolExecutor

from hub.canonical.vocab import Category, EntryKind
from hub.cases import service
from hub.cases.schemas import EntryCreate
from hub.db.engine import session_scope
from tests.cases.helpers import make_case

THREADS = 8
PER_THREAD = 25


def test_concurrent_appends_lose_nothing(callers, engine):
    client = callers.system("Haugesund helsestasjon", "health")
    case_id, org, _ = make_case(client)

    def append_many(worker: int) -> None:
        for i in range(PER_THREAD):
            with session_scope(engine) as session:
                case = service.get_case(session, case_id=uuid.UUID(case_id))
                service.append_entry(
                    session,
                    case=case,
                    data=EntryCreate(kind=EntryKind.note, category=Category.health, author_organization_id=uuid.UUID(org), text=f"{worker}-{i}"),
                )

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(append_many, range(THREADS)))

    entries = client.get(f"/api/v1/cases/{case_id}").json()["entries"]
    assert len(entries) == THREADS * PER_THREAD
    assert {e["text"] for e in entries} == {f"{w}-{i}" for w in range(THREADS) for i in range(PER_THREAD)}
