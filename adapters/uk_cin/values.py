"""Reads CIN census element values (xs:date, yes/no) into Python values, refusing ones Python cannot hold.

Shared by the mapping and the business-rule checks so both read a date the same way.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from hub.core.errors import PayloadRejected


def xs_date(parent: etree._Element, tag: str) -> date | None:
    """An xs:date child (or the element itself for tag '.'); a timezone suffix, which xs:date allows, is dropped."""
    text = parent.text if tag == "." else parent.findtext(tag)
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        node = parent if tag == "." else parent.find(tag)
        path = node.getroottree().getpath(node)
        raise PayloadRejected(f"{path}: date {text.strip()!r} is outside the supported range", location=path) from None


def yes_no(value: str | None) -> bool | None:
    """The XSD's yesnotype: true/TRUE/1 or false/FALSE/0."""
    return None if value is None else value.strip().lower() in {"true", "1"}
