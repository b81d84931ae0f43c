"""Shared by the benchmark scripts: a migrated SQLite template with the hub's keys, and an in-process hub on a fresh
copy of it with one registered system client and its access token.
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import ECKey


def migrated_template(folder: Path) -> Path:
    """A migrated SQLite file holding the hub's keys (encrypted under the secrets in `folder`/secrets), to copy for every
    fresh hub."""
    from hub.core.settings import Settings
    from hub.db.engine import make_engine, session_scope
    from hub.db.migrate import upgrade
    from hub.keys.service import ensure_keys

    template = folder / "template.db"
    upgrade(f"sqlite:///{template}")
    engine = make_engine(f"sqlite:///{template}")
    with session_scope(engine) as session:
        ensure_keys(session, settings=Settings(database_url=f"sqlite:///{template}", secrets_dir=folder / "secrets"))
    engine.dispose()
    return template


class BenchHub:
    """One in-process hub on a fresh copy of `template`, with one organisation, its client and an access token."""

    def __init__(self, template: Path, folder: Path, *, organisation: str, sector: str, scopes: list[str], **settings):
        from hub.api.app import create_app
        from hub.auth import clients
        from hub.canonical.vocab import Sector
        from hub.core.settings import Settings
        from hub.db.engine import session_scope
        from hub.organizations.models import Organization

        db = folder / f"hub-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template, db)
        settings.setdefault("secrets_dir", template.parent / "secrets")  # the template's keys were encrypted under these
        settings.setdefault("public_url", "http://testserver")  # the TestClient's base URL: the token audience
        self.app = create_app(Settings(database_url=f"sqlite:///{db}", municipality="1106", **settings))
        self.client = TestClient(self.app)
        self.client.__enter__()
        key = ECKey.generate_key("P-256", parameters={"kid": "bench", "alg": "ES256", "use": "sig"}, private=True)
        with session_scope(self.app.state.engine) as session:
            org = Organization(name=organisation, sector=Sector(sector), kommunenummer="1106")
            session.add(org)
            session.flush()
            client_id = clients.register_client(session, organization=org, scopes=scopes,
                                                jwks={"keys": [key.as_dict(private=False)]}).client_id
        audience = str(self.client.base_url).rstrip("/") + "/oauth/token"
        now = int(time.time())
        assertion = jwt.encode({"alg": "ES256", "kid": key.kid}, {"iss": client_id, "sub": client_id, "aud": audience,
                                                                   "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex}, key)
        answer = self.client.post("/oauth/token", data={
            "grant_type": "client_credentials", "scope": " ".join(scopes), "client_assertion": assertion,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"})
        answer.raise_for_status()
        self.token = answer.json()["access_token"]

    def post(self, url: str, payload: bytes, content_type: str) -> tuple[int, float, str]:
        """(status, seconds, the start of the answer) for one POST with the hub's token."""
        start = time.perf_counter()
        response = self.client.post(url, content=payload, headers={
            "content-type": content_type, "authorization": f"Bearer {self.token}"})
        return response.status_code, time.perf_counter() - start, response.text[:500]

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.app.state.engine.dispose()
