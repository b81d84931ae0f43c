"""`stafett demo` keeps its database and its clients' private keys in the data folder (./var/demo by default, ignored by
git), never in the working directory, and the curl line it prints works as printed against the demo it serves.
"""

from __future__ import annotations

import json
import stat
import subprocess
import time

import httpx

from tests.cli.helpers import ROOT, clean_env, stafett
from tests.processes import free_port

DEMO = ("stafett-demo.db", "stafett-demo-key.json", "stafett-demo-school-key.json")


def test_demo_writes_its_database_and_keys_under_the_data_folder(tmp_path):
    result = stafett("demo", "--no-serve", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["var"]  # nothing beside the operator's own files
    folder = tmp_path / "var" / "demo"
    assert {p.name for p in folder.iterdir()} >= set(DEMO)
    for name in DEMO[1:]:
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
        assert json.loads((folder / name).read_text())["client_id"].startswith("stafett-")
        assert str(folder / name) in result.stdout.replace("\n", "")


def test_gitignore_keeps_demo_and_client_keys_out_of_the_repository():
    paths = ["var/demo/stafett-demo-key.json", "stafett-demo-key.json", "stafett-demo-school-key.json",
             "clinic-key.json", "var/external-schemas/uk-childrens-social-care/cin_census/CIN_schema_2024.xsd"]
    checked = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=ROOT, capture_output=True, text=True)
    assert checked.stdout.split() == paths


def test_the_printed_case_call_works_as_printed(tmp_path):
    port = free_port()
    log = tmp_path / "demo.out"
    with log.open("w") as out:
        demo = subprocess.Popen(["stafett", "demo", "--port", str(port)], cwd=tmp_path, env=clean_env(COLUMNS="400"),
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert demo.poll() is None, log.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the demo hub did not come up"
            time.sleep(0.1)  # polling interval; the deadline decides
        line = next(line for line in log.read_text().splitlines() if "/api/v1/cases/" in line and "curl" in line)
        other_folder = tmp_path / "elsewhere"
        other_folder.mkdir()  # "in another shell": not necessarily the demo's folder
        called = subprocess.run(["bash", "-c", line.strip()], cwd=other_folder, env=clean_env(), capture_output=True,
                                text=True, timeout=60)
        assert called.returncode == 0, called.stderr
        case = json.loads(called.stdout)
        assert case["bti_level"] == 2 and line.rstrip().endswith(case["id"])
    finally:
        demo.terminate()
        demo.wait(timeout=20)
