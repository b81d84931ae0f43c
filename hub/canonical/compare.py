"""Compare two batches by meaning, ignoring source ids, refs and provenance.

Used by the adapter contract test (parse → render → re-parse) and by round-trip tests.
"""

from __future__ import annotations

import json
from typing import Any

from hub.canonical.records import ParsedBatch

_REF_FIELDS = {
    "source_id",
    "child_ref",
    "org_ref",
    "guardian_ref",
    "author_org_ref",
    "responsible_org_ref",
    "goal_refs",
    "related_refs",
    "org_refs",
    "provenance",
    "version",
}


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _REF_FIELDS}
    if isinstance(value, list):
        items = [_strip(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return value


def content_view(batch: ParsedBatch, *, parts: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The batch's canonical content: every record without ids or refs, lists sorted."""
    wanted = parts or (
        "organizations",
        "children",
        "guardians",
        "entries",
        "goals",
        "measures",
        "consents",
    )
    dumped = batch.model_dump(mode="json")
    return {part: _strip(dumped[part]) for part in wanted}
