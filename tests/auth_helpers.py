"""Test callers: system clients that authenticate with a real private_key_jwt assertion at /oauth/token, and persons
with ID tokens from a local OpenID Connect issuer key. No shortcuts around the real token checks.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from hub.auth import clients
from hub.auth.principal import SCOPES
from hub.canonical.vocab import Sector
from hub.db.engine import session_scope
from hub.organizations.models import Organization

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
OIDC_ISSUER = "https://idporten.test.invalid"
OIDC_AUDIENCE = "stafett-hub-test"


def client_key(kid: str | None = None) -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": kid or uuid.uuid4().hex[:10], "alg": "ES256", "use": "sig"}, private=True)


def make_assertion(client_id: str, key, audience: str, *, alg: str = "ES256", lifetime: int = 60, iat_offset: int = 0, jti: str | None = None, header: dict | None = None, **claims) -> str:
    now = int(time.time()) + iat_offset
    body = {"iss": client_id, "sub": client_id, "aud": audience, "iat": now, "exp": now + lifetime, "jti": jti or uuid.uuid4().hex, **claims}
    return jwt.encode({"alg": alg, "kid": key.kid, **(header or {})}, body, key)


def token_form(assertion: str, scope: str | None = None) -> dict[str, str]:
    form = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}
    if scope is not None:
        form["scope"] = scope
    return form


@dataclass
class Caller:
    """A TestClient that sends one caller's bearer token."""

    http: object
    token: str
    organization_id: uuid.UUID | None = None
    client_id: str | None = None
    key: object | None = None
    extra: dict = field(default_factory=dict)

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, url, **kw):
        return self.http.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url, **kw):
        return self.http.post(url, headers=self._headers(kw.pop("headers", None)), **kw)

    @property
    def org(self) -> str:
        return str(self.organization_id)


class Callers:
    """Makes organisations, registers their clients and fetches real access tokens from the hub under test."""

    def __init__(self, http, engine, oidc_key: ECKey):
        self.http = http
        self.engine = engine
        self.oidc_key = oidc_key

    def organization(self, name: str, sector: str | Sector, kommune: str = "1106", orgnr: str | None = None) -> uuid.UUID:
        with session_scope(self.engine) as session:
            org = Organization(name=name, sector=Sector(sector), kommunenummer=kommune, orgnr=orgnr)
            session.add(org)
            session.flush()
            return org.id

    def register(self, organization_id: uuid.UUID, scopes=SCOPES) -> tuple[str, ECKey]:
        key = client_key()
        with session_scope(self.engine) as session:
            org = session.get(Organization, organization_id)
            client = clients.register_client(session, organization=org, scopes=list(scopes), jwks={"keys": [key.as_dict(private=False)]})
            return client.client_id, key

    def token(self, client_id: str, key, scope: str | None = None) -> str:
        audience = str(self.http.base_url).rstrip("/") + "/oauth/token"
        response = self.http.post("/oauth/token", data=token_form(make_assertion(client_id, key, audience), scope))
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def system(self, name: str = "Haugesund helsestasjon", sector: str = "health", kommune: str = "1106", scopes=SCOPES, organization_id: uuid.UUID | None = None) -> Caller:
        organization_id = organization_id or self.organization(name, sector, kommune)
        client_id, key = self.register(organization_id, scopes)
        return Caller(self.http, self.token(client_id, key, " ".join(scopes)), organization_id, client_id, key)

    def person(self, pid: str, **claims) -> Caller:
        now = int(time.time())
        body = {"iss": OIDC_ISSUER, "aud": OIDC_AUDIENCE, "sub": uuid.uuid4().hex, "pid": pid, "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex, **claims}
        token = jwt.encode({"alg": "ES256", "kid": self.oidc_key.kid}, body, self.oidc_key)
        return Caller(self.http, token)


def oidc_jwks(key: ECKey) -> dict:
    return KeySet([key]).as_dict(private=False)
