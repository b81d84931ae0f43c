"""One hub served as users serve it (`stafett serve` on loopback, its own database) with the test OpenID Connect
issuer configured, and Callers that register organisations and clients through its engine and get tokens over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.auth_helpers import OIDC_AUDIENCE, OIDC_ISSUER, Callers
from tests.processes import Database, HubProcess


@dataclass
class Served:
    hub: HubProcess
    callers: Callers
    engine: object


@pytest.fixture(scope="module")
def served_hub(tmp_path_factory: pytest.TempPathFactory, oidc_key, oidc_jwks_file) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("served")
    db = Database.fresh(folder, "served")
    hub = HubProcess("served", db, "1106", folder / "hub.log", env_extra={
        "HUB_OIDC_ISSUER": OIDC_ISSUER, "HUB_OIDC_AUDIENCE": OIDC_AUDIENCE, "HUB_OIDC_JWKS_FILE": str(oidc_jwks_file),
    })
    hub.start()
    engine = hub.engine()
    http = httpx.Client(base_url=hub.url, timeout=60)
    try:
        yield Served(hub, Callers(http, engine, oidc_key), engine)
    finally:
        http.close()
        engine.dispose()
        hub.stop()
        db.drop()
