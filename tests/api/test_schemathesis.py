"""schemathesis against the served hub's OpenAPI, bounded: every operation with a system client's token (and /me with
a person's), checks for server errors and conformance to the document; run by .ci/run with HUB_SCHEMATHESIS=1.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.served import Served, start_served, stop_served
from tests.auth_helpers import OIDC_AUDIENCE, OIDC_ISSUER, Callers, oidc_jwks

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.schemathesis_run  # selected by HUB_SCHEMATHESIS=1 (.ci/run's own step), deselected otherwise

CHECKS = os.environ.get("SCHEMATHESIS_CHECKS") or ",".join((
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
    "response_headers_conformance", "unsupported_method", "allow_header_conformance",
))
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "40")  # per operation: ~5,000 requests, about a minute
SEED = os.environ.get("SCHEMATHESIS_SEED", "20251203")  # fixed, so that a CI run is repeatable


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, oidc_key) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("schemathesis")
    jwks = folder / "oidc-jwks.json"
    jwks.write_text(json.dumps(oidc_jwks(oidc_key)))
    served = start_served(folder, oidc_key, HUB_OIDC_ISSUER=OIDC_ISSUER, HUB_OIDC_AUDIENCE=OIDC_AUDIENCE, HUB_OIDC_JWKS_FILE=str(jwks))
    yield served
    stop_served(served)


def _schemathesis(served: Served, token: str, paths: list[str]) -> tuple[int, str]:
    command = [
        shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis")), "run", f"{served.hub.url}/openapi.json",
        "--header", f"Authorization: Bearer {token}", "--checks", CHECKS, "--max-examples", MAX_EXAMPLES, "--seed", SEED,
        "--phases", "examples,coverage,fuzzing", "--workers", "1", "--generation-database", "none", "--no-color",
        "--request-timeout", "30", *paths,
    ]
    path = os.pathsep.join(p for p in (str(PROJECT), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks", "PYTHONPATH": path}
    done = subprocess.run(command, cwd=served.folder, env=env, capture_output=True, text=True, timeout=900,
                          check=False)
    return done.returncode, done.stdout + done.stderr


def _figures(output: str) -> str:
    operations = re.search(r"Tested: (\d+)", output)
    cases = re.search(r"(\d+) generated", output)
    took = re.search(r" in ([\d.]+)s", output)
    return (f"{operations.group(1) if operations else '?'} operations, {cases.group(1) if cases else '?'} test cases, "
            f"{took.group(1) if took else '?'} s")


@pytest.mark.parametrize("who", ["system", "person"])
def test_schemathesis_finds_no_server_error_and_no_deviation_from_the_document(served: Served, oidc_key, who: str) -> None:
    callers = Callers(served.http, served.hub.engine(), oidc_key)
    if who == "system":
        token, paths = callers.system().token, ["--exclude-path-regex", "^/api/v1/me/"]  # a fresh token: 5 minutes
    else:
        token, paths = callers.person("04021950128", exp=int(time.time()) + 1800).token, ["--include-path-regex", "^/api/v1/me/"]
    code, output = _schemathesis(served, token, paths)
    print(f"schemathesis ({who}): {_figures(output)}")
    assert code == 0, output[-20000:]
    assert re.search(r"\d+ generated, \d+ passed", output), output[-5000:]
