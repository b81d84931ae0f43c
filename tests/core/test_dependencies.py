"""The pinned ranges in pyproject.toml hold what the suite runs on: joserfc, whose minor releases change defaults the
hub relies on, is bounded above and the installed version is inside its range.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

from tests.cli.helpers import ROOT


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.match(r"\d+(?:\.\d+)*", text).group().split("."))


def test_joserfc_is_pinned_to_a_tested_range():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (spec,) = [d.removeprefix("joserfc") for d in dependencies if re.match(r"joserfc\b", d)]
    bounds = dict((op, _release(v)) for op, v in re.findall(r"(>=|<)\s*([\d.]+)", spec))
    assert set(bounds) == {">=", "<"}, f"joserfc needs a lower and an upper bound, not {spec!r}"
    installed = _release(version("joserfc"))
    assert bounds[">="] <= installed < bounds["<"], (installed, spec)
