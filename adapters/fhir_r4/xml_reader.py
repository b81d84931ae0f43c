"""FHIR R4 XML -> FHIR JSON (dict) conversion, driven by the fhir.resources R4B model field info.

Own converter instead of fhir.resources' XML reader, which mishandles primitive values inside extensions.
"""

from __future__ import annotations

import typing
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from lxml import etree
from pydantic import BaseModel

from hub.core.errors import PayloadRejected
from hub.core.safe_xml import parse_xml

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"


class _Field(typing.NamedTuple):
    is_list: bool
    kind: str  # "complex", "resource", "bool", "int", "decimal", "str", "xhtml"
    model: type | None


def _unwrap(annotation: Any) -> tuple[bool, Any]:
    """(is_list, inner type) of an Optional[List[X]] / X | None annotation."""
    is_list = False
    current = annotation
    for _ in range(4):
        origin = typing.get_origin(current)
        if origin is list:
            is_list = True
            current = typing.get_args(current)[0]
        elif origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
            args = [a for a in typing.get_args(current) if a is not type(None)]
            current = args[0]
        else:
            break
    return is_list, current


def _kind(inner: Any) -> tuple[str, type | None]:
    if hasattr(inner, "get_model_klass"):
        if inner.__name__ == "ResourceType":
            return "resource", None
        return "complex", inner.get_model_klass()
    base = inner
    metadata: tuple = ()
    if typing.get_origin(inner) is typing.Annotated:
        base, *rest = typing.get_args(inner)
        metadata = tuple(rest)
    if any(type(m).__name__ == "Xhtml" for m in metadata):
        return "xhtml", None
    if base is bool:
        return "bool", None
    if base is int:
        return "int", None
    if base in (Decimal, float):
        return "decimal", None
    return "str", None


@cache
def _fields(model: type[BaseModel]) -> dict[str, _Field]:
    table: dict[str, _Field] = {}
    for name, info in model.model_fields.items():
        json_name = info.alias or name
        if json_name.startswith("_") or name == "fhir_comments":
            continue
        is_list, inner = _unwrap(info.annotation)
        kind, sub = _kind(inner)
        table[json_name] = _Field(is_list, kind, sub)
    return table


def _local(tag: Any) -> tuple[str | None, str]:
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def _primitive(raw: str, kind: str, where: str) -> Any:
    if raw == "":
        raise PayloadRejected(f"{where}: empty value attribute (rule ele-1)")
    if kind == "bool":
        if raw not in ("true", "false"):
            raise PayloadRejected(f"{where}: boolean value {raw!r} is not 'true' or 'false'")
        return raw == "true"
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise PayloadRejected(f"{where}: {raw!r} is not an integer") from None
    if kind == "decimal":
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise PayloadRejected(f"{where}: {raw!r} is not a decimal") from None
        if not number.is_finite():
            raise PayloadRejected(f"{where}: {raw!r} is not a finite decimal")
        return int(number) if number == number.to_integral_value() and "." not in raw and "e" not in raw.lower() else float(number)
    return raw


def _resource(element: etree._Element, where: str) -> dict[str, Any]:
    ns, name = _local(element.tag)
    if ns != FHIR_NS:
        raise PayloadRejected(f"{where}: element <{name}> is not in the FHIR namespace {FHIR_NS}")
    try:
        model = get_fhir_model_class(name)
    except (KeyError, ValueError, AttributeError, ImportError):
        raise PayloadRejected(f"{where}: unknown FHIR resource type {name!r}") from None
    result: dict[str, Any] = {"resourceType": name}
    result.update(_complex(element, model, f"{where}{name}"))
    return result


def _contained_resource(element: etree._Element, where: str) -> dict[str, Any]:
    children = [c for c in element if isinstance(c.tag, str)]
    if len(children) != 1:
        raise PayloadRejected(f"{where}: a resource container must hold exactly one resource")
    return _resource(children[0], f"{where}/")


def _complex(element: etree._Element, model: type[BaseModel], where: str) -> dict[str, Any]:
    table = _fields(model)
    result: dict[str, Any] = {}
    for attr, attr_value in element.attrib.items():
        if attr in ("id", "url") and attr in table:
            result[attr] = attr_value
        elif _local(attr)[0] is None and attr not in ("id", "url"):
            raise PayloadRejected(f"{where}: unexpected attribute {attr!r}")
    primitive_lists: dict[str, tuple[list, list]] = {}
    for child in element:
        ns, name = _local(child.tag)
        if not name:
            continue
        path = f"{where}.{name}"
        if ns == XHTML_NS and name == "div" and "div" in table:
            result["div"] = etree.tostring(child, encoding="unicode", with_tail=False)
            continue
        if ns != FHIR_NS:
            raise PayloadRejected(f"{path}: element is not in the FHIR namespace")
        field = table.get(name)
        if field is None:
            raise PayloadRejected(f"{path}: unknown element <{name}> for {model.__name__}")
        if field.kind == "resource":
            value: Any = _contained_resource(child, path)
        elif field.kind == "complex":
            assert field.model is not None  # _fields gives every complex field its model
            value = _complex(child, field.model, path)
        else:
            raw = child.get("value")
            value = None if raw is None else _primitive(raw, field.kind, path)
            ext = _primitive_extension(child, path)
            if value is None and not (ext or {}).get("extension"):
                raise PayloadRejected(f"{path}: element has neither a value nor extensions (rule ele-1)")
            if field.is_list:
                values, exts = primitive_lists.setdefault(name, ([], []))
                values.append(value)
                exts.append(ext)
                continue
            if value is not None:
                result[name] = value
            if ext is not None:
                result[f"_{name}"] = ext
            continue
        if field.is_list:
            result.setdefault(name, []).append(value)
        elif name in result:
            raise PayloadRejected(f"{path}: element <{name}> may occur only once")
        else:
            result[name] = value
    for name, (values, exts) in primitive_lists.items():
        if any(v is not None for v in values):
            result[name] = values
        if any(e is not None for e in exts):
            result[f"_{name}"] = exts
    return result


def _primitive_extension(element: etree._Element, where: str) -> dict[str, Any] | None:
    from fhir.resources.R4B.extension import Extension

    ext: dict[str, Any] = {}
    for attr in element.attrib:
        if attr not in ("value", "id"):
            raise PayloadRejected(f"{where}: unexpected attribute {attr!r} on a primitive element")
    if element.get("id") is not None:
        ext["id"] = element.get("id")
    for child in element:
        ns, name = _local(child.tag)
        if not name:
            continue
        if ns != FHIR_NS or name != "extension":
            raise PayloadRejected(f"{where}: a primitive element may only hold <extension>, not <{name}>")
        ext.setdefault("extension", []).append(_complex(child, Extension, f"{where}.extension"))
    return ext or None


def xml_to_json(payload: bytes) -> dict[str, Any]:
    """Parse untrusted FHIR XML (hardened parser) into the equivalent FHIR JSON object."""
    root = parse_xml(payload)
    return _resource(root, "")
