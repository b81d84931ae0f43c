"""Running the real `stafett` CLI in tests: as a subprocess (an operator's shell: 80 columns, no HUB_* settings but
those given) and in-process with typer's CliRunner; a hub served by `stafett serve` on loopback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from hub.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the venv's bin: `stafett` and python as the README's commands call them


def clean_env(**settings: str) -> dict[str, str]:
    """The test process's environment without its HUB_* settings (but the shared-data location), plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_") or k == "HUB_SHARED_DATA"}
    env.update({"COLUMNS": "80", "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "PYTHONUNBUFFERED": "1", **settings})
    return env


def stafett(*args: str, cwd: Path | None = None, timeout: float = 120, **settings: str) -> subprocess.CompletedProcess:
    """`python -m hub.cli.main ARGS` with HUB_* `settings` only (e.g. HUB_DATABASE_URL=...)."""
    return subprocess.run(
        [sys.executable, "-m", "hub.cli.main", *args], cwd=cwd or ROOT, env=clean_env(**settings),
        capture_output=True, text=True, timeout=timeout,
    )


def invoke(*args: str, **settings: str):
    """The CLI in-process (typer's CliRunner) with only the given HUB_* settings in its environment."""
    env = {k: None for k in os.environ if k.startswith("HUB_") and k != "HUB_SHARED_DATA"}
    return CliRunner().invoke(app, list(args), env={**env, "COLUMNS": "80", **settings})


def one_line_error(result, *needles: str) -> str:
    """Assert `result` failed with exactly one line on stderr, no traceback, naming each of `needles`."""
    stderr = result.stderr
    code = getattr(result, "returncode", getattr(result, "exit_code", None))
    assert code not in (0, None), (code, result.stdout, stderr)
    assert "Traceback" not in stderr and "Traceback" not in result.stdout, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]
