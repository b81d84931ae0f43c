"""The matcher's Fellegi-Sunter weights as data: mappings/identity/weights.json (m, u and log2(m/u) per field and
level, with how they were made), loaded and checked once; the score of a comparison vector.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from hub.core.errors import HubError
from hub.core.settings import get_settings
from hub.identity.matching import FIELDS, LEVELS

WEIGHTS_FILE = Path("identity") / "weights.json"
PLACE = frozenset({"street", "postal_code", "city", "kommunenummer"})


class WeightsInvalid(HubError):
    """The weights file is missing a field or a level, or holds a weight that is no number."""


@dataclass(frozen=True)
class Weights:
    by_field: dict[str, tuple[float, ...]]  # field -> weight per level
    version: str

    def score(self, vector: tuple[int | None, ...]) -> float:
        """The match weight: the sum of each known field's log2(m/u) (a missing field adds nothing); the parts of a
        address (street, postal code, place) count once, by the strongest of them: they are not independent (a
        sibling shares all three), as Fellegi-Sunter's sum assumes."""
        total, place = 0.0, []
        for f, level in zip(FIELDS, vector):
            if level is None:
                continue
            weight = self.by_field[f][level]
            if f in PLACE:
                place.append(weight)
            else:
                total += weight
        if place:
            total += max(place) if max(place) > 0 else min(place)
        return total


def parse(document: dict[str, Any]) -> Weights:
    fields = document.get("fields")
    if not isinstance(fields, dict):
        raise WeightsInvalid("the weights file has no \"fields\" object")
    by_field: dict[str, tuple[float, ...]] = {}
    for name in FIELDS:
        levels = (fields.get(name) or {}).get("levels")
        if not isinstance(levels, list) or [lv.get("level") for lv in levels] != list(range(LEVELS[name])):
            raise WeightsInvalid(f"the weights file must give levels 0..{LEVELS[name] - 1} of field {name!r}")
        weights = [lv.get("weight") for lv in levels]
        if not all(isinstance(w, int | float) for w in weights):
            raise WeightsInvalid(f"a weight of field {name!r} is not a number")
        by_field[name] = tuple(float(w) for w in weights)
    return Weights(by_field=by_field, version=str(document.get("version", "unversioned")))


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> Weights:
    return parse(json.loads(path.read_text(encoding="utf-8")))


def current_weights(mappings_dir: Path | None = None) -> Weights:
    """The weights in `mappings_dir` (default: the settings' mappings folder), read again when the file changes."""
    path = (mappings_dir or get_settings().mappings_dir) / WEIGHTS_FILE
    if not path.is_file():
        raise WeightsInvalid(f"the matcher's weights are missing: {path}")
    return _load(path, path.stat().st_mtime)
