"""A case's canonical content as the API shows it, without hub ids, versions or times of recording.

Two hubs (or two ingest orders) hold the same case when their snapshots are equal.
"""

import json


def _sorted(items):
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))


def case_snapshot(client, case_id, *, include_retracted=False) -> dict:
    case = client.get(f"/api/v1/cases/{case_id}").json()
    entries = [
        {k: e[k] for k in ("kind", "category", "sensitivity", "occurred_at", "text", "codes", "payload", "retracted", "source_record_id")}
        for e in case["entries"]
        if include_retracted or not e["retracted"]
    ]
    measures = [
        {k: m[k] for k in ("description", "category", "sensitivity", "responsible_home", "status", "start_date", "end_date", "evaluation_due", "codes", "payload")}
        | {"evaluations": _sorted([{k: v[k] for k in ("evaluated_at", "outcome", "text")} for v in m["evaluations"]])}
        for m in case["measures"]
        if include_retracted or not m["retracted"]
    ]
    goals = [{k: g[k] for k in ("description", "category", "status", "target_date", "codes")} for g in case["goals"]]
    return {"entries": _sorted(entries), "measures": _sorted(measures), "goals": _sorted(goals)}
