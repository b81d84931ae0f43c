"""Structural FHIR rules fhir.resources does not enforce: ele-1 (no empty values), id length, absolute extension
urls, per-1 (Period start <= end), Bundle fullUrl absolute, narrative XHTML (txt-1 / txt-2, no entities).

One walk over the FHIR JSON; each fault raises PayloadRejected naming the path and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

from hub.core.errors import PayloadRejected
from hub.core.safe_xml import parse_xml

XHTML_NS = "http://www.w3.org/1999/xhtml"
# txt-1: only basic formatting html; never active content.
_FORBIDDEN_TAGS = {"script", "style", "form", "base", "link", "iframe", "object", "applet", "embed", "frame",
                   "frameset", "input", "select", "textarea", "button", "meta"}


def _period(value: dict[str, Any], path: str) -> None:
    start, end = value.get("start"), value.get("end")
    if isinstance(start, str) and isinstance(end, str) and len(start) >= 10 and len(end) >= 10:
        from adapters.fhir_r4.common import when

        try:
            first, last = when(start, path=path), when(end, path=path)
        except PayloadRejected:
            return
        if first is not None and last is not None and first > last:
            raise PayloadRejected(f"{path}: Period start {start} is after end {end} (rule per-1)")


def narrative_problem(div: str) -> str | None:
    """Why a Narrative.div is not acceptable XHTML, or None."""
    try:
        root = parse_xml(div.encode("utf-8"))
    except PayloadRejected as exc:
        return f"narrative is not well-formed XHTML ({exc.detail})"
    if root.tag != f"{{{XHTML_NS}}}div":
        return "narrative root must be an XHTML <div>"
    has_content = bool("".join(root.itertext()).strip())
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        local = etree.QName(node).localname
        if local in _FORBIDDEN_TAGS:
            return f"narrative contains a <{local}> element (rule txt-1)"
        if any(etree.QName(a).localname.lower().startswith("on") for a in node.attrib):
            return "narrative contains an event-handler attribute (rule txt-1)"
        if local == "img":
            has_content = True
    if not has_content:
        return "narrative has no non-whitespace content (rule txt-2)"
    return None


def element_path(root: str, parts: Iterable[str | int]) -> str:
    """'Bundle.entry[0].resource.code' style path of an element, for messages."""
    return root + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def _render(trail: list[str | int]) -> str:
    return element_path(str(trail[0]), trail[1:])


def _fail(trail: list[str | int], message: str) -> PayloadRejected:
    return PayloadRejected(f"{_render(trail)}{message}")


def _check_object(value: dict[str, Any], trail: list[str | int], in_extension: bool) -> None:
    if not value:
        raise _fail(trail, ": empty object (FHIR elements must have a value or children, rule ele-1)")
    if "resourceType" in value and isinstance(value.get("id"), str) and len(value["id"]) > 64:
        raise _fail(trail, f".id: resource id is {len(value['id'])} characters; at most 64 are allowed")
    for key, child in value.items():
        kind = child.__class__
        if kind is not str and kind is not dict and kind is not list:
            continue  # numbers, booleans and null have nothing to check
        if kind is str:  # most values are strings: checked here, without a call
            if not child:
                raise _fail([*trail, key], ": empty string value (rule ele-1)")
            if key == "system" and "code" in value and ":" not in child:
                raise _fail([*trail, key], f": code system {child!r} must be an absolute URI")
            if key == "div":
                problem = narrative_problem(child)
                if problem:
                    raise _fail([*trail, key], f": {problem}")
            continue
        trail.append(key)
        if key in ("extension", "modifierExtension") and isinstance(child, list):
            for i, ext in enumerate(child):
                url = ext.get("url") if isinstance(ext, dict) else None
                if isinstance(url, str) and not in_extension and ":" not in url:
                    raise _fail([*trail, i], f".url {url!r} must be an absolute URL")
            _check(child, trail, True)
        else:
            if key.endswith("Period") or key in ("period", "validityPeriod"):
                if isinstance(child, dict):
                    _period(child, _render(trail))
            _check(child, trail, in_extension and key != "resource")
        trail.pop()


def _check(value: Any, trail: list[str | int], in_extension: bool) -> None:
    if isinstance(value, dict):
        _check_object(value, trail, in_extension)
    elif isinstance(value, list):
        if not value:
            raise _fail(trail, ": empty array (leave the property out instead)")
        for i, child in enumerate(value):
            if child is None or child.__class__ in (int, float, bool):
                continue
            trail.append(i)
            _check(child, trail, in_extension)
            trail.pop()
    elif value == "":
        raise _fail(trail, ": empty string value (rule ele-1)")


def check(value: Any, path: str, *, in_extension: bool = False) -> None:
    """Walk `value` (FHIR JSON) and raise PayloadRejected naming the path and the rule of the first fault."""
    _check(value, [path], in_extension)


_RESTFUL = re.compile(r"^https?://.+/(?P<type>[A-Z][A-Za-z]+)/(?P<id>[A-Za-z0-9\-.]{1,64})$")


def check_bundle_urls(bundle: dict[str, Any]) -> None:
    """fullUrls are absolute and agree with the resource's type and id; Bundle.link 'self' occurs once."""
    relations = [link.get("relation") for link in bundle.get("link") or []]
    if relations.count("self") > 1:
        raise PayloadRejected("Bundle.link: the relation 'self' may occur only once")
    for index, entry in enumerate(bundle.get("entry") or []):
        url = entry.get("fullUrl")
        if not isinstance(url, str):
            continue
        if ":" not in url:
            raise PayloadRejected(f"Bundle.entry[{index}].fullUrl {url!r} must be an absolute URL")
        restful = _RESTFUL.match(url)
        resource = entry.get("resource") or {}
        if restful and resource and restful.group("type") == resource.get("resourceType"):
            if resource.get("id") != restful.group("id"):
                raise PayloadRejected(
                    f"Bundle.entry[{index}].fullUrl {url!r} is a RESTful URL but the resource id is "
                    f"{resource.get('id')!r}"
                )


def check_payload(data: dict[str, Any]) -> None:
    check(data, data.get("resourceType") or "resource")
    if data.get("resourceType") == "Bundle":
        check_bundle_urls(data)
