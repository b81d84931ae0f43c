"""The README's demo command, run as a new user runs it on a clean copy of the project (a new virtual environment,
`pip install -e .`, `stafett demo`), and every call it prints: the case, the clinic's push (the case then shows its new
entries) and the school's handover pull.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.processes import ROOT, free_port

pytestmark = pytest.mark.sqlite_only  # the demo always runs on the embedded SQLite file


def readme_demo_command() -> str:
    """The first shell block of the README's "Two commands" section (the second is the test command)."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Two commands", 1)[1]
    return re.search(r"```bash\n(.+?)\n```", section, re.S).group(1).strip()


def clean_copy(target: Path) -> Path:
    """The project's files as a clone holds them (tracked and new, not ignored): no .venv, no databases."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def user_environment(port: int) -> dict[str, str]:
    """A shell of a new user: no HUB_ settings but the port, no virtual environment of ours on the PATH."""
    ours = str(Path(os.environ.get("VIRTUAL_ENV", "/nonexistent")) / "bin")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_") and k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != ours)
    env["HUB_PORT"] = str(port)
    return env


def test_the_readme_demo_runs_as_written_and_what_it_prints_works(tmp_path):
    command = readme_demo_command()
    assert command.endswith("stafett demo"), command
    project = clean_copy(tmp_path / "stafett-hub")
    port = free_port()
    env = user_environment(port)
    out = open(tmp_path / "demo.out", "w+b")  # noqa: SIM115 - the demo's output, read while it runs
    demo = subprocess.Popen(["bash", "-c", command], cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 600  # a fresh virtual environment and its packages first
        while not _healthy(port):
            assert demo.poll() is None, (tmp_path / "demo.out").read_text()[-3000:]
            assert time.monotonic() < deadline, "the demo hub did not answer"
            time.sleep(0.5)
        printed = (tmp_path / "demo.out").read_text()
        calls = [line.strip() for line in printed.splitlines() if line.strip().startswith("curl ")]
        assert len(calls) == 3, printed
        case_call, push_call, handover_call = calls

        def run(call: str) -> str:
            done = subprocess.run(["bash", "-c", f". .venv/bin/activate && {call}"], cwd=project, env=env,
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            return done.stdout

        before = json.loads(run(case_call))
        report = json.loads(run(push_call))
        assert report["created"] == 2 and report["cases"] == [before["id"]], report
        after = json.loads(run(case_call))
        new = [e for e in after["entries"] if e["id"] not in {b["id"] for b in before["entries"]}]
        shown = json.dumps(new, ensure_ascii=False)
        assert len(new) == 2 and "Vekt ved 5-årskontroll" in shown and "Høyde ved 5-årskontroll" in shown, shown
        handover = run(handover_call)
        assert handover.startswith("<?xml") and "04021950128" in handover and "<StudentPersonal" in handover
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=30)
        out.close()
    # the demo's keys and database stay in its data folder, none in the project's tree
    assert not list(project.glob("*.db")) and not list(project.glob("*-key.json"))


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
