"""The `stafett` CLI as an operator runs it (real subprocesses, real database): db upgrade, clients add/list/revoke,
and the demo data loader.
"""

import json
import os
import subprocess
import sys

import pytest

from hub.db.engine import session_scope
from hub.organizations.models import Organization
from tests.auth_helpers import client_key


def stafett(*args, db_url):
    env = {**os.environ, "HUB_DATABASE_URL": db_url, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "hub.cli.main", *args], env=env, capture_output=True, text=True, timeout=120)


def test_db_upgrade_on_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = stafett("db", "upgrade", db_url=url)
    assert result.returncode == 0, result.stderr
    from sqlalchemy import create_engine, inspect

    assert "case" in inspect(create_engine(url)).get_table_names()


def test_clients_add_list_revoke(db_url, engine, tmp_path):
    with session_scope(engine) as session:
        session.add(Organization(name="Haugesund helsestasjon", sector="health", orgnr="944117784", kommunenummer="1106"))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [client_key("k1").as_dict(private=False)]}))
    added = stafett("clients", "add", "--org", "944117784", "--scopes", "ingest case.read", "--jwks", str(jwks), db_url=db_url)
    assert added.returncode == 0, added.stdout + added.stderr
    assert added.stdout.startswith("client_id: ")
    client_id = added.stdout.split("client_id: ", 1)[1].strip()
    listed = stafett("clients", "list", db_url=db_url)
    assert client_id in listed.stdout and "case.read ingest" in listed.stdout
    assert stafett("clients", "revoke", client_id, db_url=db_url).returncode == 0
    assert "revoked" in stafett("clients", "list", db_url=db_url).stdout


@pytest.mark.parametrize(
    "scopes,jwks_body,message",
    [
        ("ingest root", {"keys": [client_key("k").as_dict(private=False)]}, "unknown scope"),
        ("ingest", {"keys": [client_key("k").as_dict(private=True)]}, "only public keys"),
        ("ingest", {"keys": []}, "no keys"),
    ],
)
def test_clients_add_refuses_bad_input(db_url, engine, tmp_path, scopes, jwks_body, message):
    with session_scope(engine) as session:
        session.add(Organization(name="X", sector="health", orgnr="944117784"))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(jwks_body))
    result = stafett("clients", "add", "--org", "944117784", "--scopes", scopes, "--jwks", str(jwks), db_url=db_url)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr  # errors go to stderr


def test_demo_loads_a_level_2_case_that_its_client_can_read(db_url, settings, make_hub):
    from hub.demo.load import load_demo

    client, _ = make_hub()
    demo = load_demo(client.app.state.settings)
    from joserfc.jwk import ECKey

    from tests.auth_helpers import make_assertion, token_form

    key = ECKey.import_key(demo.private_jwk)
    audience = str(client.base_url).rstrip("/") + "/oauth/token"
    token = client.post("/oauth/token", data=token_form(make_assertion(demo.client_id, key, audience))).json()["access_token"]
    case = client.get(f"/api/v1/cases/{demo.case_id}", headers={"Authorization": f"Bearer {token}"}).json()
    assert case["bti_level"] == 2 and case["coordinator"]["person_name"] == "Helsesykepleier Hanne"
    assert any(m["responsible_home"] for m in case["measures"])
    assert {e["kind"] for e in case["entries"]} >= {"concern", "observation", "meeting", "highlight"}
    assert any(p["status"] == "proposed" for p in case["coordinator_history"])
