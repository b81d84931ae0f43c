"""The one hardened XML parser factory: no DTDs, no entities, no network, no huge trees, capped size and time.

Every XML adapter parses untrusted input through `parse_xml`; schemas the project ships load through `load_schema`.
"""

from __future__ import annotations

import time
from pathlib import Path

from lxml import etree

from hub.core.errors import PayloadRejected, PayloadTooLarge

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_SECONDS = 5.0
_CHUNK = 64 * 1024


def hardened_parser(*, remove_comments: bool = True) -> etree.XMLParser:
    """A parser that never resolves entities, never loads a DTD and never touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=remove_comments,
        remove_pis=True,
        collect_ids=False,
    )


def parse_xml(
    payload: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> etree._Element:
    """Parse untrusted XML; refuse any DOCTYPE (and so every entity trick) with PayloadRejected."""
    if not isinstance(payload, (bytes, bytearray)):
        raise PayloadRejected("XML payload must be bytes")
    if len(payload) > max_bytes:
        raise PayloadTooLarge(f"XML payload is {len(payload)} bytes; the limit is {max_bytes}")
    if not payload.strip():
        raise PayloadRejected("XML payload is empty")
    parser = hardened_parser()
    started = time.monotonic()
    try:
        for offset in range(0, len(payload), _CHUNK):
            parser.feed(bytes(payload[offset : offset + _CHUNK]))
            if time.monotonic() - started > max_seconds:
                raise PayloadRejected(f"XML parsing took longer than {max_seconds} s; refused")
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise PayloadRejected(f"XML refused: {exc.msg}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise PayloadRejected("XML with a DOCTYPE declaration is refused (DTDs and entities are not accepted)")
    for node in root.iter(etree.Entity):
        raise PayloadRejected(f"XML entity reference {node.text!r} is refused")
    return root


class _NoNetworkResolver(etree.Resolver):
    """Resolve schema includes only from the schema's own folder; refuse anything else."""

    def __init__(self, base: Path):
        super().__init__()
        self.base = base.resolve()

    def resolve(self, system_url, public_id, context):  # lxml's signature, untyped there
        if "://" in system_url and not system_url.startswith("file://"):
            raise PayloadRejected(f"schema import from the network is refused: {system_url}")
        path = Path(system_url.removeprefix("file://"))
        if not path.is_absolute():
            path = self.base / path
        path = path.resolve()
        if self.base not in path.parents and path.parent != self.base:
            raise PayloadRejected(f"schema import outside the schema folder is refused: {system_url}")
        return self.resolve_filename(str(path), context)


def load_schema(path: str | Path) -> etree.XMLSchema:
    """Compile a trusted XSD from disk, with includes limited to its own folder and no network."""
    path = Path(path)
    parser = hardened_parser()
    parser.resolvers.add(_NoNetworkResolver(path.parent))
    doc = etree.parse(str(path), parser)
    return etree.XMLSchema(doc)
