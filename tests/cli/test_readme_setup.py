"""README's "Set up a hub for a municipality", run as written against a fresh PostgreSQL database: its settings block
gives the variables (set here to the test's database, port and folders), its download block is replaced by the same
files from the shared data, the set-up and ingest blocks run in one shell, the serve block as its own process.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from hub.core.schema_manifest import formats
from hub.db.engine import normalise_url
from tests.cli.helpers import ROOT, clean_env
from tests.conftest import BACKEND, POSTGRES_URL, create_postgres_database, drop_postgres_database
from tests.processes import free_port
from tests.shared_data import require_shared

SECTION = "## Set up a hub for a municipality"
KS_EXAMPLES = ("ks-bekymringsmelding", "schema", "examples")


def readme_blocks() -> dict[str, str]:
    """The section's shell blocks by their marker (<!-- setup: NAME --> before a ```bash block)."""
    section = (ROOT / "README.md").read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"<!-- setup: (\w+) -->\n```bash\n(.*?)```", section, re.S))


class Shell:
    """One bash, fed a block at a time on stdin like a person typing (variables carry over), with `set -e`."""

    def __init__(self, cwd: Path, env: dict[str, str]):
        self.proc = subprocess.Popen(["bash", "--noprofile", "--norc", "-euo", "pipefail", "-s"], cwd=cwd, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.transcript: list[str] = []

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def run(self, block: str, *, timeout: float = 180) -> list[str]:
        """Run `block` as written (its stdin closed, so it cannot eat what follows); its output lines."""
        mark = f"__block_done_{uuid.uuid4().hex}__"
        self.proc.stdin.write(f"{{\n{block}\n}} </dev/null\necho {mark}\n")
        self.proc.stdin.flush()
        out, deadline = [], time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"block did not finish in {timeout}s:\n" + "\n".join(self.transcript + out)) from None
            if line is None:
                raise AssertionError(f"the shell stopped (exit {self.proc.wait()}) in:\n{block}\n" + "\n".join(self.transcript + out))
            if line == mark:
                self.transcript += out
                return out
            out.append(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture
def postgres_database():
    try:
        probe = create_engine(normalise_url(POSTGRES_URL))
        with probe.connect() as conn:
            conn.execute(text("select 1"))
        probe.dispose()
    except Exception as exc:  # any failure to reach the server
        if BACKEND == "postgres" or os.environ.get("HUB_REQUIRE_SHARED_DATA") == "1":
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
    name = f"stafett_readme_{uuid.uuid4().hex[:8]}"
    url = create_postgres_database(name)
    yield url
    drop_postgres_database(name)


def fill_downloads(block: str, folder: Path) -> None:
    """What the download block fetches, from the shared data (same files: `schemas install` checks their sha256)."""
    urls = re.findall(r"https://\S+", block)
    pinned = {f.published: f for fmt in formats() for f in fmt.files}
    assert set(pinned) <= set(urls), "the download block fetches every pinned schema"
    folder.mkdir(parents=True)
    for url in urls:
        name = url.rsplit("/", 1)[1]
        source = require_shared(*pinned[url].path.parts) if url in pinned else require_shared(*KS_EXAMPLES, name)
        shutil.copyfile(source, folder / name)
    assert "--output-dir \"$DOWNLOADS\"" in block and "--remote-name-all" in block  # so: saved by these names


def test_the_readme_takes_an_empty_postgres_database_to_a_first_accepted_ingest(postgres_database, tmp_path):
    blocks = readme_blocks()
    assert list(blocks) == ["settings", "download", "once", "serve", "ingest"]
    port = free_port()
    settings = {
        "HUB_DATABASE_URL": postgres_database,
        "HUB_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "HUB_PORT": str(port),
        "HUB_DATA_DIR": str(tmp_path / "data"),
        "HUB_SECRETS_DIR": str(tmp_path / "secrets"),
        "DOWNLOADS": str(tmp_path / "downloads"),
    }
    assert re.findall(r"^export (\w+)=", blocks["settings"], re.M) == list(settings), "the test sets what the README sets"
    fill_downloads(blocks["download"], tmp_path / "downloads")
    work = tmp_path / "operator"
    work.mkdir()
    # An operator's machine has no ../shared/data: the hub must read the schemas it installed.
    env = clean_env(**settings, HUB_SHARED_DATA=str(tmp_path / "no-shared-data"))
    shell = Shell(work, env)
    served = None
    try:
        once = shell.run(blocks["once"])
        assert any("installed ks-bekymringsmelding" in line for line in once), once
        assert (work / "fiks-key.json").exists() and (work / "fiks-jwks.json").exists()
        with (tmp_path / "serve.log").open("w") as log:
            served = subprocess.Popen(["bash", "--noprofile", "--norc", "-euo", "pipefail", "-c", blocks["serve"]],
                                      cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            assert served.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{settings['HUB_PUBLIC_URL']}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "stafett serve did not come up: " + (tmp_path / "serve.log").read_text()
            time.sleep(0.1)  # polling interval; the deadline decides
        ingest = shell.run(blocks["ingest"])
        assert ingest == ["200"], (ingest, (work / "report.json").read_text() if (work / "report.json").exists() else "")
        report = json.loads((work / "report.json").read_text())
        assert report["format_version"] == "offentlig.v2" and report["children"] and report["cases"]
        shell.close()
        assert shell.proc.returncode == 0
    finally:
        if shell.proc.poll() is None:
            shell.proc.kill()
        if served is not None and served.poll() is None:
            os.killpg(served.pid, signal.SIGTERM)
            served.wait(timeout=30)
