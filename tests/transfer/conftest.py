"""Two hubs as real processes on loopback (A serves 1106, B serves 1146, B behind a fault proxy), each with its own
database and worker, registered as each other's peers; shared by the transfer tests of this package.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from hub.db.engine import session_scope
from hub.peers import service as peers
from tests.auth_helpers import Callers
from tests.processes import Database, FaultProxy, HubProcess, WorkerProcess


@dataclass
class Side:
    hub: HubProcess
    worker: WorkerProcess
    engine: object
    callers: Callers
    http: httpx.Client


@dataclass
class Federation:
    a: Side
    b: Side
    proxy: FaultProxy


@pytest.fixture(scope="package")
def federation(tmp_path_factory: pytest.TempPathFactory, oidc_key) -> Iterator[Federation]:
    folder = tmp_path_factory.mktemp("federation")
    db_a, db_b = Database.fresh(folder, "hub_a"), Database.fresh(folder, "hub_b")
    hub_a = HubProcess("hub-a", db_a, "1106", folder / "hub-a.log", fast_retries=True)
    hub_b = HubProcess("hub-b", db_b, "1146", folder / "hub-b.log", fast_retries=True)
    proxy = FaultProxy(hub_b.url)
    hub_b.public_url = proxy.url  # B is known to the world through the proxy
    started: list = []
    try:
        for hub in (hub_a, hub_b):
            hub.start()
            started.append(hub)
        engine_a, engine_b = hub_a.engine(), hub_b.engine()
        with session_scope(engine_a) as session:
            peers.add_peer(session, municipalities=["1146"], base_url=proxy.url)
        with session_scope(engine_b) as session:
            peers.add_peer(session, municipalities=["1106"], base_url=hub_a.url)
        worker_a = WorkerProcess("worker-a", db_a, folder / "worker-a.log", hub_a.url, "1106", fast_retries=True)
        worker_b = WorkerProcess("worker-b", db_b, folder / "worker-b.log", proxy.url, "1146", fast_retries=True)
        for worker in (worker_a, worker_b):
            worker.start()
            started.append(worker)
        http_a, http_b = httpx.Client(base_url=hub_a.url, timeout=30), httpx.Client(base_url=proxy.url, timeout=30)
        yield Federation(
            Side(hub_a, worker_a, engine_a, Callers(http_a, engine_a, oidc_key), http_a),
            Side(hub_b, worker_b, engine_b, Callers(http_b, engine_b, oidc_key), http_b),
            proxy,
        )
        http_a.close()
        http_b.close()
        engine_a.dispose()
        engine_b.dispose()
    finally:
        for process in reversed(started):
            process.stop()
        proxy.close()
        db_a.drop()
        db_b.drop()


@pytest.fixture
def fed(federation: Federation) -> Iterator[Federation]:
    """The shared federation with the proxy passing everything and both workers running, before and after a test."""
    federation.proxy.reset()
    for side in (federation.a, federation.b):
        if side.worker.proc.poll() is not None:
            side.worker.start()
        if side.hub.proc.poll() is not None:
            side.hub.start()
    yield federation
    federation.proxy.reset()
