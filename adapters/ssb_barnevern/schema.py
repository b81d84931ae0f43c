"""Detects the SSB barnevern XSD version of a payload and validates it against that XSD.

Structural errors reject the payload naming the element; code values the XSD does not know are only warnings.
The XSDs are read from the shared data folder (ssb-barnevern/xsd), compiled once per process with load_schema.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from lxml import etree

from hub.core.errors import PayloadRejected
from hub.core.external_schemas import external_schema_path
from hub.core.safe_xml import load_schema

V1_2 = "1.2"
V4_0_1 = "4.0.1"
_XSD_FILES = {V1_2: "Barnevern_v1.2.xsd", V4_0_1: "Barnevern_v4.0.1.xsd"}
XSD_SUBDIR = Path("ssb-barnevern") / "xsd"

# A code value (Kode/Plantype/Innvilget) outside the XSD's enumeration, or a code attribute an older XSD
# does not declare yet (file09: Krav/Konklusjon/@Kode, added to the code lists in 2023), is data for the code
# lists to judge (unknown code -> warning), not a broken document.
_CODE_ATTRIBUTES = ("Kode", "Plantype", "Innvilget")
# Any error about the value of a code attribute (enumeration, list type, not declared) matches; a missing
# required code ("Element 'Melder': The attribute 'Kode' is required") does not, so it still rejects.
_TOLERATED = re.compile(rf"^Element '[^']+', attribute '(?:{'|'.join(_CODE_ATTRIBUTES)})': ")


def detect_version(root: etree._Element) -> str:
    """v1.2 carries the child's identity as attributes of Sak; v4.0.1 in Sak/Personalia."""
    sak = root.find("Sak")
    if sak is None or sak.get("Fodselsnummer") is not None:
        return V1_2
    return V4_0_1


def xsd_path(version: str) -> Path:
    """The SSB XSDs are others' files: read from the external schema folder (HUB_EXTERNAL_SCHEMAS), never copied."""
    return external_schema_path(XSD_SUBDIR / _XSD_FILES[version])


@cache
def _schema(version: str) -> etree.XMLSchema:
    return load_schema(xsd_path(version))


def validate(root: etree._Element, version: str) -> list[tuple[str, str]]:
    """Validate against the version's XSD; return tolerated code deviations as (path, message) pairs.

    Raises PayloadRejected with a readable message for the first structural error.
    """
    schema = _schema(version)
    if schema.validate(root.getroottree()):
        return []
    tolerated: dict[tuple[str, int], str] = {}
    for error in schema.error_log:
        if _TOLERATED.search(error.message):
            tolerated.setdefault((error.path, error.line), f"line {error.line}: {error.message.strip()}")
            continue
        raise PayloadRejected(
            f"not a valid SSB barnevern v{version} document: {readable(error)}",
            location=error.path,
        )
    return [(path, message) for (path, _), message in tolerated.items()]


def readable(error: etree._LogEntry) -> str:
    """Turn an lxml schema error into a sentence that names the element and the problem."""
    message = error.message.strip()
    where = f"line {error.line}, {error.path}"
    expected = re.search(r"Expected is(?: one of)? \( ([^)]*) \)", message)
    found = re.match(r"Element '([^']+)': This element is not expected\.", message)
    if found and expected:
        names = expected.group(1).strip()
        return (
            f"required element {names} is missing before {found.group(1)} ({where}; "
            f"found {found.group(1)} where {names} is expected)"
        )
    if "Missing child element(s)" in message and expected:
        return f"required element {expected.group(1).strip()} is missing ({where})"
    return f"{message} ({where})"
