"""CIN census XSDs (2022, 2024): finds them in the shared data, compiles them once, validates, reads code labels.

The XSDs are others' files (../shared/data/uk-childrens-social-care/cin_census), compiled with load_schema.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from hub.core.errors import PayloadRejected
from hub.core.external_schemas import external_schema_path
from hub.core.safe_xml import load_schema, parse_xml

SCHEMA_SUBDIR = Path("uk-childrens-social-care") / "cin_census"
SCHEMA_FILES = {"2022": "CIN_schema_2022.xsd", "2024": "CIN_schema_2024.xsd"}
_XS = "{http://www.w3.org/2001/XMLSchema}"


def schema_path(version: str) -> Path:
    return external_schema_path(SCHEMA_SUBDIR / SCHEMA_FILES[version])


@cache
def compiled(version: str) -> etree.XMLSchema:
    return load_schema(schema_path(version))


@cache
def code_labels(version: str) -> dict[str, dict[str, str]]:
    """{simpleType name: {code: documentation}} from the XSD's enumerations (e.g. 'ethnicitytype' → WBRI)."""
    root = parse_xml(schema_path(version).read_bytes())
    labels: dict[str, dict[str, str]] = {}
    for simple in root.iter(f"{_XS}simpleType"):
        name = simple.get("name")
        if not name:
            continue
        for enum in simple.iter(f"{_XS}enumeration"):
            doc = enum.find(f"{_XS}annotation/{_XS}documentation")
            text = (doc.text or "").strip() if doc is not None else ""
            if text:
                labels.setdefault(name, {})[enum.get("value")] = text
    return labels


def detect_version(root: etree._Element) -> str:
    """'2024' for collection years from 2024 (and when the header gives no year), else '2022'.

    The 2024 XSD only adds codes (referral source 5D, closure reason RC9), so it is the safe default.
    """
    year = (root.findtext("Header/CollectionDetails/Year") or "").strip()
    return "2022" if year.isdigit() and int(year) < 2024 else "2024"


def validate(root: etree._Element, version: str) -> None:
    """Raise PayloadRejected naming the first schema error (line, element path, message)."""
    schema = compiled(version)
    if schema.validate(root):
        return
    error = next(iter(schema.error_log))
    raise PayloadRejected(
        f"not a valid CIN census ({version} XSD): line {error.line}, {error.path}: {error.message}",
        location=error.path,
    )
