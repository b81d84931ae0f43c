"""Shared helpers for the FHIR R4 adapter tests: the adapter, the official JSON schema validator, accounting.

Accounting checks that every resource in a payload became a record or is listed in not_mapped.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema

from adapters.fhir_r4 import adapter
from adapters.fhir_r4.reader import read
from hub.canonical import ParsedBatch
from tests.shared_data import require_shared

FIXTURES = Path(__file__).parent / "fixtures"
XML = "application/fhir+xml"

__all__ = ["FIXTURES", "XML", "adapter", "parse_file", "schema_validator", "unaccounted"]


def media_type_for(path: Path) -> str | None:
    return XML if path.suffix == ".xml" else None


def parse_file(path: Path) -> ParsedBatch:
    return adapter.parse(path.read_bytes(), media_type=media_type_for(path))


@lru_cache(maxsize=1)
def schema_validator() -> jsonschema.protocols.Validator:
    schema_path = require_shared("fhir-r4-spec-examples", "schema", "fhir.schema.json")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def unaccounted(path: Path, batch: ParsedBatch) -> list[str]:
    """Source ids of resources that neither became a record nor appear in batch.not_mapped."""
    records = {
        r.source_id
        for part in (batch.children, batch.guardians, batch.organizations, batch.case_facts, batch.entries,
                     batch.goals, batch.measures, batch.consents)
        for r in part
    }
    folded_teams = {p.org_ref for f in batch.case_facts for p in f.participants}
    missing = []
    for item in read(path.read_bytes(), media_type=media_type_for(path)).items:
        sid = item.source_id
        listed = any(n.path == sid or n.path.startswith(sid + ".") for n in batch.not_mapped)
        if sid in records or listed or (item.type == "CareTeam" and folded_teams):
            continue
        missing.append(sid)
    return missing
