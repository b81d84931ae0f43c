"""XML helpers for kindergarten-v1: qualified names, text access and the lazily compiled project XSD.

Parsing goes through hub.core.safe_xml; validation errors become PayloadRejected naming the line and element.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from adapters.kindergarten.constants import NS, SCHEMA_PATH
from hub.core.errors import PayloadRejected
from hub.core.safe_xml import load_schema


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def text(element: etree._Element | None, name: str) -> str | None:
    if element is None:
        return None
    node = element.find(q(name))
    if node is None or node.text is None:
        return None
    return node.text.strip() or None


def texts(element: etree._Element, name: str) -> list[str]:
    return [n.text.strip() for n in element.findall(q(name)) if n.text and n.text.strip()]


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return load_schema(SCHEMA_PATH)


def validate(root: etree._Element) -> None:
    checker = schema()
    if not checker.validate(root):
        error = checker.error_log.last_error
        first = checker.error_log[0] if len(checker.error_log) else error
        raise PayloadRejected(f"kindergarten-v1 report does not match schemas/kindergarten-v1.xsd "
                              f"(line {first.line}): {first.message}")
