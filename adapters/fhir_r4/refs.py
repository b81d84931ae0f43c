"""Reference resolution inside one payload: fullUrl, urn:uuid:, absolute and relative references, O(1) each.

Also rewrites resolvable references in a resource copy to the target's source id, so stored payloads are stable.
"""

from __future__ import annotations

import re
from typing import Any

from adapters.fhir_r4.reader import Item
from hub.core.errors import PayloadRejected

_RELATIVE = re.compile(r"^(?P<type>[A-Z][A-Za-z]+)/(?P<id>[A-Za-z0-9\-.]{1,64})(/_history/[A-Za-z0-9\-.]{1,64})?$")
_ABSOLUTE = re.compile(
    r"^(?P<base>https?://.+/)(?P<type>[A-Z][A-Za-z]+)/(?P<id>[A-Za-z0-9\-.]{1,64})(/_history/[A-Za-z0-9\-.]{1,64})?$"
)


def _base_of(full_url: str | None) -> str | None:
    if not full_url:
        return None
    match = _ABSOLUTE.match(full_url)
    return match.group("base") if match else None


class References:
    """Index of a payload's resources by fullUrl and by type/id."""

    def __init__(self, items: list[Item]):
        self.by_url: dict[str, Item] = {}
        self.by_type_id: dict[str, list[Item]] = {}
        self.versioned: set[str] = set()  # fullUrls that occur more than once (different meta.versionId)
        self.ambiguous: list[tuple[str, str]] = []  # (path, reference) matched by several entries: left unresolved
        for item in items:
            if item.full_url:
                if item.full_url in self.by_url:
                    self.versioned.add(item.full_url)
                self.by_url[item.full_url] = item
            rid = item.resource.get("id")
            if rid:
                self.by_type_id.setdefault(f"{item.type}/{rid}", []).append(item)

    def resolve(self, reference: str, *, origin: Item, where: str, expected_type: str | None = None) -> Item | None:
        """The item a literal reference points at (None when it points outside the payload), type-checked."""
        target = self._find(reference, origin=origin, where=where)
        if target is not None:
            match = _RELATIVE.match(reference) or _ABSOLUTE.match(reference)
            named = match.group("type") if match else expected_type
            if named and named != target.type:
                raise PayloadRejected(f"{where}: reference {reference!r} names a {named} but resolves to a {target.type}")
        return target

    def _find(self, reference: str, *, origin: Item, where: str) -> Item | None:
        if not reference or reference.startswith("#"):
            return None
        if reference in self.versioned:
            raise PayloadRejected(f"{where}: reference {reference!r} matches several versions in the Bundle")
        hit = self.by_url.get(reference)
        if hit is not None:
            return hit
        if reference.startswith(("urn:uuid:", "urn:oid:")):
            if origin.index is None:
                return None  # a single resource may point at things the sender holds
            raise PayloadRejected(f"{where}: reference {reference!r} does not resolve to any entry in the Bundle")
        absolute = _ABSOLUTE.match(reference)
        if absolute:
            return self.by_url.get(absolute.group("base") + absolute.group("type") + "/" + absolute.group("id"))
        relative = _RELATIVE.match(reference)
        if not relative:
            return None  # conditional ("Patient?identifier=…") or other server-side reference
        key = f"{relative.group('type')}/{relative.group('id')}"
        base = _base_of(origin.full_url)
        if base is not None and base + key in self.by_url:
            if base + key in self.versioned and "/_history/" not in reference:
                raise PayloadRejected(f"{where}: reference {reference!r} matches several versions in the Bundle")
            return self.by_url[base + key]
        candidates = self.by_type_id.get(key, [])
        namesake = self.by_url.get(f"urn:uuid:{relative.group('id')}")
        if not candidates and namesake is not None and namesake.type != relative.group("type"):
            raise PayloadRejected(
                f"{where}: reference {reference!r} names a {relative.group('type')} but the entry "
                f"urn:uuid:{relative.group('id')} is a {namesake.type}"
            )
        if len(candidates) > 1:
            self.ambiguous.append((where, reference))
            return None
        return candidates[0] if candidates else None


Location = tuple[str | int, ...]  # keys and list indexes from a resource down to one of its elements


def find_references(resource: dict[str, Any]) -> list[tuple[Location, dict[str, Any]]]:
    """Every (location, Reference dict) inside a resource's JSON, not descending into contained resources."""
    found: list[tuple[Location, dict[str, Any]]] = []
    _collect_references(resource, [], found)
    return found


def _collect_references(value: Any, trail: list[str | int], found: list[tuple[Location, dict[str, Any]]]) -> None:
    if value.__class__ is dict:
        if value.get("reference").__class__ is str:
            found.append((tuple(trail), value))
        for key, child in value.items():
            if (child.__class__ is dict or child.__class__ is list) and key != "contained":
                trail.append(key)
                _collect_references(child, trail, found)
                trail.pop()
    else:  # a list
        for i, child in enumerate(value):
            if child.__class__ is dict or child.__class__ is list:
                trail.append(i)
                _collect_references(child, trail, found)
                trail.pop()


def with_references(resource: dict[str, Any], rewrites: list[tuple[Location, str]]) -> dict[str, Any]:
    """A copy of `resource` whose Reference at each location reads the given value.

    Only the containers on the way to a rewritten reference are copied; untouched parts are shared with `resource`
    (callers treat stored FHIR JSON as read-only), which keeps large bundles cheap.
    """
    top = dict(resource)
    copies: dict[Location, Any] = {(): top}
    for location, reference in rewrites:
        node: Any = top
        for depth in range(1, len(location) + 1):
            prefix = location[:depth]
            copy = copies.get(prefix)
            if copy is None:
                original = node[location[depth - 1]]
                copy = dict(original) if isinstance(original, dict) else list(original)
                node[location[depth - 1]] = copy
                copies[prefix] = copy
            node = copy
        node["reference"] = reference
    return top
