"""Required bindings, which fhir.resources does not check: every element bound `required` in R4 (statuses, intents,
Identifier.use, ...) holds a code of its value set; one typed walk over the JSON, the table in required_codes.json.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from hub.core.errors import PayloadRejected

TABLE = Path(__file__).with_name("required_codes.json")
ANY_RESOURCE = "*"


class CodeNotInValueSet(PayloadRejected):
    status = 422
    title = "Code not in value set"
    slug = "code-not-in-value-set"
    fhir_code = "code-invalid"


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, Any]]:
    return json.loads(TABLE.read_text())


def _path(trail: list[str | int]) -> str:
    return str(trail[0]) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in trail[1:])


def _refuse(trail: list[str | int], element: str, value: Any, codes: list[str]) -> CodeNotInValueSet:
    where = _path(trail)
    allowed = " | ".join(codes)
    return CodeNotInValueSet(
        f"{where}: {value!r} is not a code of the required value set of {element} ({allowed})", location=where
    )


def _concept(value: Any, binding: dict[str, Any], trail: list[str | int], element: str) -> None:
    codings = value.get("coding") if isinstance(value, dict) else None
    codings = [c for c in codings or [] if isinstance(c, dict)]
    ours = [c for c in codings if c.get("system") == binding["system"]]
    for index, coding in enumerate(codings):
        if coding in ours and coding.get("code") not in binding["codes"]:
            raise _refuse([*trail, "coding", index, "code"], element, coding.get("code"), binding["codes"])
    if not ours:
        shown = [f"{c.get('system')}|{c.get('code')}" for c in codings] or value
        raise CodeNotInValueSet(
            f"{_path(trail)}: {element} is bound to {binding['valueSet']} (required) and needs a coding of "
            f"{binding['system']}; got {shown!r}",
            location=_path(trail),
        )


def _walk(value: dict[str, Any], type_name: str, trail: list[str | int], spec_of: dict[str, dict[str, Any]]) -> None:
    spec = spec_of.get(type_name)
    if spec is None:
        return
    codes, types, concepts = spec["codes"], spec["types"], spec.get("concepts")
    for key, child in value.items():
        bound = codes.get(key)
        if bound is not None:
            if isinstance(child, list):
                for index, item in enumerate(child):
                    if isinstance(item, str) and item not in bound:
                        raise _refuse([*trail, key, index], f"{type_name}.{key}", item, bound)
            elif isinstance(child, str) and child not in bound:
                raise _refuse([*trail, key], f"{type_name}.{key}", child, bound)
            continue
        if concepts is not None and key in concepts:
            items = child if isinstance(child, list) else [child]
            for index, item in enumerate(items):
                _concept(item, concepts[key], [*trail, key] + ([index] if child is items else []), f"{type_name}.{key}")
        sub = types.get(key)
        if sub is None:
            continue
        walked: list[Any] | tuple[Any] = child if isinstance(child, list) else (child,)
        for index, item in enumerate(walked):
            if not isinstance(item, dict):
                continue
            trail.append(key)
            if child is walked:
                trail.append(index)
            name = item.get("resourceType") if sub == ANY_RESOURCE else sub
            if isinstance(name, str):
                _walk(item, name, trail, spec_of)
            if child is walked:
                trail.pop()
            trail.pop()


def check_codes(data: dict[str, Any]) -> None:
    """Raise CodeNotInValueSet for the first element of `data` (a resource, Bundles included) bound `required` in
    R4 whose value is not a code of its value set."""
    resource_type = data.get("resourceType")
    if isinstance(resource_type, str):
        _walk(data, resource_type, [resource_type], table())
