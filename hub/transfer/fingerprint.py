"""The content checksum of a case's history without hub-local ids: every entry version (same lineage structure),
goals, measures, evaluations and the coordinator history. Origin and destination compute it the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

ENTRY_FIELDS = (
    "version", "kind", "category", "sensitivity", "author_kind", "author_name", "occurred_at", "recorded_at", "text",
    "codes", "payload", "retracted", "correction_reason", "source_system", "source_format", "source_record_id",
    "raw_checksum", "mapping_version",
)
GOAL_FIELDS = ("description", "category", "status", "target_date", "codes", "created_at", "source_system", "source_format", "source_record_id", "raw_checksum", "mapping_version")
MEASURE_FIELDS = (
    "description", "category", "sensitivity", "responsible_home", "status", "start_date", "end_date", "evaluation_due",
    "codes", "payload", "retracted", "created_at", "source_system", "source_format", "source_record_id", "raw_checksum",
    "mapping_version",
)
EVALUATION_FIELDS = ("evaluated_at", "outcome", "text", "author_kind", "author_name", "source_record_id", "created_at")
COORDINATOR_FIELDS = ("person_name", "status", "proposed_at", "proposed_by", "decided_at", "decline_reason", "started_at", "ended_at")


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def _pick(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: row.get(f) for f in fields}


def content(
    *,
    case: dict[str, Any],
    entries: list[dict[str, Any]],
    goals: list[dict[str, Any]],
    measures: list[dict[str, Any]],
    evaluations: list[dict[str, Any]],
    coordinators: list[dict[str, Any]],
    organizations: list[dict[str, Any]],
    guardians: list[dict[str, Any]],
) -> dict[str, Any]:
    """Id-free canonical content from row objects as hub.transfer.rows writes them."""
    orgs = {o["id"]: (o.get("orgnr") or f"{o.get('name')}|{o.get('sector')}") for o in organizations}
    people = {g["id"]: (g.get("national_id") or json.dumps(g.get("names"), sort_keys=True)) for g in guardians}
    lineages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in entries:
        lineages[row["lineage_id"]].append(row)
    lineage_key = {}
    for lineage_id, rows in lineages.items():
        rows.sort(key=lambda r: r["version"])
        lineage_key[lineage_id] = _digest(_pick(rows[0], ENTRY_FIELDS))

    def entry(row: dict[str, Any]) -> dict[str, Any]:
        return _pick(row, ENTRY_FIELDS) | {
            "author_organization": orgs.get(row.get("author_organization_id")),
            "author_guardian": people.get(row.get("author_guardian_id")),
            "related": sorted(lineage_key.get(r, "outside:" + str(r)) for r in row.get("related") or []),
        }

    goal_key = {g["id"]: _digest(_pick(g, GOAL_FIELDS)) for g in goals}
    by_measure: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ev in evaluations:
        by_measure[ev["measure_id"]].append(_pick(ev, EVALUATION_FIELDS) | {"author_organization": orgs.get(ev.get("author_organization_id"))})
    return {
        "case": {"bti_level": case.get("bti_level"), "opened_at": case.get("opened_at")},
        "lineages": sorted(([entry(r) for r in rows] for rows in lineages.values()), key=_digest),
        "goals": sorted(goal_key.values()),
        "measures": sorted(
            (
                _pick(m, MEASURE_FIELDS)
                | {
                    "responsible_organization": orgs.get(m.get("responsible_organization_id")),
                    "goals": sorted(goal_key.get(g, "outside:" + str(g)) for g in m.get("goal_ids") or []),
                    "evaluations": sorted(by_measure.get(m["id"], []), key=_digest),
                }
                for m in measures
            ),
            key=_digest,
        ),
        "coordinators": sorted((_pick(c, COORDINATOR_FIELDS) | {"organization": orgs.get(c.get("organization_id"))} for c in coordinators), key=_digest),
    }


def checksum(**parts: Any) -> str:
    return _digest(content(**parts))
