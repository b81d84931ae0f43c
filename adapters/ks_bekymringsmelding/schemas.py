"""KS bekymringsmelding JSON Schemas: finds them in the shared data, builds one offline registry, validates.

Schemas are others' files (../shared/data/ks-bekymringsmelding/schema), read from disk; $refs never use the network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from hub.core.errors import PayloadRejected
from hub.core.external_schemas import external_schema_path

SCHEMA_SUBDIR = Path("ks-bekymringsmelding") / "schema" / "domain"
# Every report schema refers to the address schema relatively ("adresse.json", "./adresse.json",
# "../adresse.json"); against the report schemas' $id all three resolve to this URI, which differs from the
# address schema's own $id, so the registry holds the address schema under both.
ADDRESS_REF_URI = "https://fiks.ks.no/adresse.json"

# (reporter kind, version) -> schema file under SCHEMA_SUBDIR
SCHEMA_FILES: dict[tuple[str, str], str] = {
    ("offentlig", "v1"): "offentlig.bekymringsmelding.v1.json",
    ("offentlig", "v2"): "v2/offentlig.bekymringsmelding.v2.json",
    ("privat", "v1"): "privat.bekymringsmelding.v1.json",
    ("privat", "v2"): "v2/privat.bekymringsmelding.v2.json",
}
ERROR_RECEIPT_FILE = "feilmelding.json"


@dataclass(frozen=True)
class SchemaKey:
    kind: str  # offentlig | privat
    version: str  # v1 | v2

    @property
    def label(self) -> str:
        return f"{self.kind}.{self.version}"


def schema_dir() -> Path:
    """The folder with the KS domain schemas (HUB_EXTERNAL_SCHEMAS, else the shared data folder)."""
    return external_schema_path(SCHEMA_SUBDIR)


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _registry() -> Registry:
    folder = schema_dir()
    address = Resource.from_contents(_read(folder / "adresse.json"))
    resources: list[tuple[str, Resource[Any]]] = [(ADDRESS_REF_URI, address)]
    for name, resource in [("adresse.json", address)] + [
        (name, Resource.from_contents(_read(folder / name))) for name in [*SCHEMA_FILES.values(), ERROR_RECEIPT_FILE]
    ]:
        uri = resource.id()
        if uri is None:  # a schema without $id could not be referred to: the shipped files all have one
            raise RuntimeError(f"KS schema {name} has no $id")
        resources.append((uri, resource))
    return Registry().with_resources(resources)  # no `retrieve`: an unknown $ref fails, never fetches


@cache
def validator(name: str) -> Draft201909Validator:
    """A validator for one schema file; `format` is not asserted (the official examples omit the UTC offset)."""
    return Draft201909Validator(_read(schema_dir() / name), registry=_registry())


def first_error(instance: Any, name: str) -> tuple[str, str] | None:
    """(JSON pointer, message) of the most relevant schema error, or None when `instance` is valid."""
    try:
        error = best_match(validator(name).iter_errors(instance))
    except Unresolvable as exc:  # a schema file changed under us: say so, do not guess
        raise PayloadRejected(f"KS schema {name} has an unresolvable $ref: {exc}") from None
    if error is None:
        return None
    return "/" + "/".join(str(part) for part in error.absolute_path), error.message


def validate_report(instance: Any, key: SchemaKey) -> None:
    """Raise PayloadRejected naming the first schema error of `instance` against the schema for `key`."""
    problem = first_error(instance, SCHEMA_FILES[(key.kind, key.version)])
    if problem is not None:
        pointer, message = problem
        raise PayloadRejected(
            f"not a valid KS bekymringsmelding ({key.label}): at {pointer}: {message}", location=pointer
        )


def is_error_receipt(instance: Any) -> bool:
    """True for a KS error receipt (feilmelding: an object with at most a 'melding' string)."""
    return (
        isinstance(instance, dict)
        and set(instance) <= {"melding"}
        and first_error(instance, ERROR_RECEIPT_FILE) is None
    )
