"""The demo's kindergarten-to-school path: the transition report lands on the demo case through the ingest pipeline,
and `stafett demo` serves a hub on which the printed one-line handover pull works for the school's client.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import httpx
import pytest

from hub.canonical.vocab import FNR_SYSTEM
from hub.cli.token import request_token
from hub.core.safe_xml import load_schema, parse_xml
from tests.school_pull.helpers import handover_audit
from tests.shared_data import require_shared


def _token(client, client_id: str, private_jwk: dict) -> dict:
    from joserfc.jwk import ECKey

    from tests.auth_helpers import make_assertion, token_form

    audience = str(client.base_url).rstrip("/") + "/oauth/token"
    response = client.post("/oauth/token", data=token_form(make_assertion(client_id, ECKey.import_key(private_jwk), audience)))
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_demo_report_lands_on_the_demo_case_and_the_school_pulls_it(make_hub):
    from hub.demo.load import DEMO_CHILD_FNR, load_demo

    client, _ = make_hub()
    demo = load_demo(client.app.state.settings)
    clinic = _token(client, demo.client_id, demo.private_jwk)
    case = client.get(f"/api/v1/cases/{demo.case_id}", headers=clinic).json()
    from_report = [e for e in case["entries"] if e["source_format"] == "kindergarten-v1"]
    assert sorted(e["kind"] for e in from_report) == ["highlight", "meeting", "observation"]
    assert len(client.get(f"/api/v1/children/{demo.child_id}", headers=clinic).json()["guardians"]) == 2  # matched, not doubled
    school = _token(client, demo.school_client_id, demo.school_private_jwk)
    params = {"identifier": f"{FNR_SYSTEM}|{DEMO_CHILD_FNR}"}
    report = client.get("/api/v1/handover", params={**params, "format": "kindergarten-v1"}, headers=school)
    assert report.status_code == 200, report.text
    assert "Tydelig fremgang i språkforståelse" in report.text and "Tre besøk på Skåredalen skole" in report.text
    sif = client.get("/api/v1/handover", params={**params, "format": "sif-au"}, headers=school)
    assert sif.status_code == 200, sif.text
    assert b'<OtherId Type="NorwegianNationalId">04021950128</OtherId>' in sif.content
    assert [e.outcome for e in handover_audit(client.app.state.engine)] == ["permit", "permit"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served_demo(tmp_path):
    """`stafett demo` as a user runs it: a real process serving on loopback, its printout in a file."""
    port = _free_port()
    out = tmp_path / "demo.out"
    env = {**os.environ, "COLUMNS": "400", "PYTHONUNBUFFERED": "1"}
    with out.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "hub.cli.main", "demo", "--database", str(tmp_path / "demo.db"), "--port", str(port)],
            stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            assert process.poll() is None, out.read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the demo hub did not come up"
            time.sleep(0.1)  # polling interval, not synchronisation: the deadline decides
        yield base, out.read_text()
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_printed_handover_command_works_against_the_served_demo(served_demo, tmp_path):
    base, printout = served_demo
    assert "Demo hub loaded" in printout and "Try it" in printout  # the existing printout is kept
    line = next(line for line in printout.splitlines() if "/api/v1/handover?" in line)
    key_file, hub = re.search(r"stafett token --key (\S+) --hub (\S+)\)", line).groups()
    url = re.search(r'"(http://[^"]+/api/v1/handover\?[^"]+)"', line).group(1)
    assert hub == base and url.startswith(base) and "format=sif-au" in url
    import json
    from pathlib import Path

    key = json.loads((tmp_path / Path(key_file).name).read_text())
    token = request_token(hub=hub, client_id=key["client_id"], private_jwk=key["private_jwk"])
    response = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, response.text
    schema = load_schema(require_shared("sif-au", "xsd", "SIF_AU_3.4.8_SIF_Message.xsd"))
    assert schema.validate(parse_xml(response.content)), [str(e) for e in schema.error_log][:3]
    assert b"04021950128" in response.content
