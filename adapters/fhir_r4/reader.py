"""Reads a FHIR R4 payload (JSON or XML, Bundle or single resource) into validated resource items.

Validation runs once, with fhir.resources R4B, on the whole payload; mapping then works on the plain dicts.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from adapters.fhir_r4 import validation
from adapters.fhir_r4.xml_reader import xml_to_json
from hub.core.errors import PayloadRejected, UnsupportedMediaType
from hub.core.safe_json import load_json

ID_PATTERN = re.compile(r"[A-Za-z0-9\-.]{1,64}")
HASH_NAMESPACE = uuid.UUID("6f0b3b6e-6d8a-4a53-9d3c-2d1f0f7d5a11")
_XML_TYPES = ("application/fhir+xml", "application/xml", "text/xml")
_JSON_TYPES = ("application/fhir+json", "application/json", "text/json")


@dataclass
class Item:
    """One resource of the payload with its bundle context."""

    resource: dict[str, Any]
    full_url: str | None
    source_id: str
    index: int | None  # Bundle.entry index, None for a single resource
    method: str | None = None  # Bundle.entry.request.method
    extra: dict[str, Any] = field(default_factory=dict)
    type: str = field(init=False)  # the resourceType, read on every mapping step

    def __post_init__(self) -> None:
        self.type = self.resource["resourceType"]

    @property
    def path(self) -> str:
        return self.source_id if self.index is None else f"Bundle.entry[{self.index}] ({self.source_id})"


@dataclass
class Payload:
    root: dict[str, Any]
    items: list[Item]
    bundle_type: str | None


def is_xml(payload: bytes, *, media_type: str | None) -> bool:
    """Whether the payload is FHIR XML (by media type, else by first character) rather than JSON."""
    if not isinstance(payload, (bytes, bytearray)):
        raise PayloadRejected("FHIR payload must be bytes")
    base_type = (media_type or "").split(";")[0].strip().lower()
    if base_type and base_type not in _XML_TYPES + _JSON_TYPES:
        raise UnsupportedMediaType(f"media type {base_type!r} is not FHIR JSON or XML")
    return base_type in _XML_TYPES or (not base_type and payload.lstrip()[:1] == b"<")


def decode(payload: bytes, *, media_type: str | None) -> dict[str, Any]:
    """JSON or XML into a FHIR JSON object."""
    return _decode(payload, xml=is_xml(payload, media_type=media_type))


def _decode(payload: bytes, *, xml: bool) -> dict[str, Any]:
    raw = bytes(payload) if isinstance(payload, bytearray) else payload
    data = xml_to_json(raw) if xml else load_json(raw)
    if not isinstance(data, dict):
        raise PayloadRejected("a FHIR JSON payload must be an object with a resourceType")
    return data


def content_hash_id(resource: dict[str, Any]) -> str:
    text = json.dumps(resource, sort_keys=True, separators=(",", ":"), default=str)
    return f"urn:uuid:{uuid.uuid5(HASH_NAMESPACE, hashlib.sha256(text.encode()).hexdigest())}"


def source_id_for(resource: dict[str, Any], full_url: str | None) -> str:
    """'<ResourceType>/<id>' when the resource has an id, else its fullUrl, else a content hash."""
    if resource.get("id"):
        return f"{resource['resourceType']}/{resource['id']}"
    return full_url or content_hash_id(resource)


def _bundle_items(bundle: dict[str, Any]) -> list[Item]:
    items: list[Item] = []
    seen_urls: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    history = bundle.get("type") == "history"
    for index, entry in enumerate(bundle.get("entry") or []):
        full_url = entry.get("fullUrl")
        resource = entry.get("resource")
        version = ((resource or {}).get("meta") or {}).get("versionId")
        if full_url:
            # bdl-7: fullUrl is unique unless the entries carry different meta.versionId (or it is a history).
            key = f"{full_url}|{version or ''}"
            if (key in seen_urls or (not version and full_url in seen_urls)) and not history:
                first = seen_urls.get(key, seen_urls.get(full_url))
                raise PayloadRejected(f"Bundle.entry[{index}].fullUrl {full_url!r} duplicates Bundle.entry[{first}]")
            seen_urls[key] = seen_urls.setdefault(full_url, index)
        method = (entry.get("request") or {}).get("method")
        if resource is None:
            request = entry.get("request") or {}
            label = f"Bundle.entry[{index}]" + (f" {method} {request.get('url')}" if method else "")
            items.append(Item({"resourceType": "(none)"}, full_url, label, index, method))
            continue
        source_id = source_id_for(resource, full_url)
        if source_id in seen_ids:
            # Same type/id from another server (different fullUrl), or a history entry: the fullUrl/version
            # tells them apart; the very same resource twice is refused.
            if history or version:
                source_id = f"{source_id}/_history/{version or index}"
            elif full_url and full_url.startswith(("http://", "https://")) and full_url not in seen_ids:
                source_id = full_url
            if source_id in seen_ids:
                raise PayloadRejected(
                    f"Bundle.entry[{index}]: resource {source_id} appears twice (also Bundle.entry[{seen_ids[source_id]}])"
                )
        seen_ids[source_id] = index
        items.append(Item(resource, full_url, source_id, index, method))
    return items


def _structure(data: dict[str, Any]) -> Payload:
    """The payload's items with their Bundle context."""
    if data["resourceType"] == "Bundle":
        return Payload(data, _bundle_items(data), data.get("type"))
    return Payload(data, [Item(data, None, source_id_for(data, None), None)], None)


def read(payload: bytes, *, media_type: str | None = None) -> Payload:
    """Decode and validate (in this thread) a payload."""
    data = decode(payload, media_type=media_type)
    validation.validate(data)
    return _structure(data)


def read_validating_aside(payload: bytes, *, media_type: str | None, workers: int) -> tuple[Payload, validation.Verdict]:
    """read(), with validation in a worker process: the caller must wait() on the verdict before it keeps anything
    made from the payload. JSON goes to the worker before this thread decodes it; a fault found by the hub's loader
    comes first, any later one defers to the validator's, which names it better."""
    if is_xml(payload, media_type=media_type):
        data = _decode(payload, xml=True)
        verdict = validation.start(data, workers=workers)
    else:
        verdict = validation.start_on_text(bytes(payload), workers=workers)
        try:
            data = _decode(payload, xml=False)
        except BaseException:
            verdict.abandon()
            raise
        verdict.for_data(data)
    with verdict.overrules_faults():
        return _structure(data), verdict
