"""The hub as its users run it: a database made by `stafett db upgrade`, organisations and clients set up with the
documented commands, `stafett serve` and `stafett worker` as processes on production settings (INFO logging,
validation workers on), and callers that fetch their tokens with `stafett token`, over HTTP on loopback.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from tests.auth_helpers import OIDC_AUDIENCE, OIDC_ISSUER
from tests.processes import Database, HubProcess, WorkerProcess, env_for, stafett

TOKEN_LIFETIME = 240  # access tokens live 300 s; fetch a new one well before


@dataclass
class System:
    """A client registered by the operator (`stafett clients add`), calling with tokens from `stafett token`."""

    hub: ServedHub
    name: str
    organization_id: str
    client_id: str
    key_file: Path
    _token: str = ""
    _fetched: float = 0.0

    @property
    def token(self) -> str:
        if time.monotonic() - self._fetched > TOKEN_LIFETIME:
            self._token = self.hub.cli("token", "--key", str(self.key_file), "--client-id", self.client_id, "--hub", self.hub.url).stdout.strip()
            self._fetched = time.monotonic()
        return self._token

    def request(self, method: str, path: str, **kw) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kw.pop("headers", {})}
        return self.hub.http.request(method, path, headers=headers, **kw)

    def get(self, path: str, **kw) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return self.request("POST", path, **kw)


@dataclass
class Person:
    """A guardian or young person with an ID token from the test OpenID Connect issuer the hub is configured with."""

    hub: ServedHub
    pid: str
    key: ECKey

    def _token(self) -> str:
        now = int(time.time())
        claims = {"iss": OIDC_ISSUER, "aud": OIDC_AUDIENCE, "sub": uuid.uuid4().hex, "pid": self.pid, "iat": now, "exp": now + 300,
                  "jti": uuid.uuid4().hex}
        return jwt.encode({"alg": "ES256", "kid": self.key.kid}, claims, self.key)

    def get(self, path: str, **kw) -> httpx.Response:
        return self.hub.http.get(path, headers={"Authorization": f"Bearer {self._token()}"}, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return self.hub.http.post(path, headers={"Authorization": f"Bearer {self._token()}"}, **kw)


@dataclass
class ServedHub:
    """One hub: its database, `stafett serve`, optionally `stafett worker`, and the operator's commands on it."""

    name: str
    db: Database
    municipality: str
    folder: Path
    oidc_jwks_file: Path
    oidc_key: ECKey
    process: HubProcess = field(init=False)
    worker: WorkerProcess | None = None
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.process = HubProcess(self.name, self.db, self.municipality, self.folder / f"{self.name}.log", env_extra=self.settings())

    def settings(self) -> dict[str, str]:
        return {"HUB_OIDC_ISSUER": OIDC_ISSUER, "HUB_OIDC_AUDIENCE": OIDC_AUDIENCE, "HUB_OIDC_JWKS_FILE": str(self.oidc_jwks_file)}

    @property
    def url(self) -> str:
        return self.process.url

    def env(self) -> dict[str, str]:
        return env_for(self.db, HUB_MUNICIPALITY=self.municipality, HUB_PUBLIC_URL=self.url, **self.settings())

    def cli(self, *args: str, check: bool = True):
        return stafett(*args, env=self.env(), check=check)

    def start(self, *, with_worker: bool = False) -> None:
        self.process.start()
        self.http = httpx.Client(base_url=self.url, timeout=120)
        if with_worker:
            self.worker = WorkerProcess(f"{self.name}-worker", self.db, self.folder / f"{self.name}-worker.log", self.url,
                                        self.municipality, env_extra=self.settings())
            self.worker.start()

    def stop(self) -> None:
        if self.worker:
            self.worker.stop()
        self.process.stop()
        self.http.close()

    def add_organization(self, name: str, sector: str, orgnr: str, kommune: str | None = None) -> str:
        """`stafett orgs add`, as the README's set-up section does it; returns the organisation's id."""
        done = self.cli("orgs", "add", "--name", name, "--sector", sector, "--orgnr", orgnr, "--kommunenummer", kommune or self.municipality)
        return re.search(r"organisation_id: (\S+)", done.stdout).group(1)

    def add_system(self, name: str, sector: str, orgnr: str, scopes: str, kommune: str | None = None) -> System:
        """An organisation and its client, set up with the documented commands: `stafett orgs add`, `stafett clients
        keygen` (the client's key pair), `stafett clients add` with the public JWK set."""
        organization_id = self.add_organization(name, sector, orgnr, kommune)
        key_file, jwks = self.folder / f"{self.name}-{orgnr}-key.json", self.folder / f"{self.name}-{orgnr}-jwks.json"
        self.cli("clients", "keygen", "--out", str(key_file), "--jwks", str(jwks))
        done = self.cli("clients", "add", "--org", orgnr, "--scopes", scopes, "--jwks", str(jwks), "--name", name)
        client_id = re.search(r"client_id: (\S+)", done.stdout).group(1)
        return System(self, name, organization_id, client_id, key_file)

    def person(self, pid: str) -> Person:
        return Person(self, pid, self.oidc_key)

    def log_lines(self) -> list[dict]:
        """The served hub's JSON log records (the process's own output)."""
        lines = []
        for raw in self.process.log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                lines.append({"unparsed": raw})
        return lines


def make_served_hub(name: str, municipality: str, folder: Path, oidc_jwks_file: Path, oidc_key: ECKey) -> ServedHub:
    db = Database.fresh(folder, name, by_cli=True)
    return ServedHub(name, db, municipality, folder, oidc_jwks_file, oidc_key)


@pytest.fixture(scope="package")
def served(tmp_path_factory: pytest.TempPathFactory, oidc_jwks_file: Path, oidc_key: ECKey) -> Iterator[ServedHub]:
    """One served hub (Haugesund, 1106) with its worker, shared by the tests of this package."""
    hub = make_served_hub("served-1106", "1106", tmp_path_factory.mktemp("served"), oidc_jwks_file, oidc_key)
    hub.start(with_worker=True)
    try:
        yield hub
    finally:
        hub.stop()
        hub.db.drop()
