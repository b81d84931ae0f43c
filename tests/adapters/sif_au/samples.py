"""Helpers for the sif-au tests: read the real SIF AU examples and the 3.4.8 XSD from shared data.

`combined_document` nests real objects in a StudentPersonal's related-objects extension, rewired to one student.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from hub.core.safe_xml import load_schema, parse_xml
from tests.shared_data import require_shared

NS = "http://www.sifassociation.org/datamodel/au/3.4"
STUDENT = "7C834EA9-EDA1-2090-347F-83297E1C290C"
CONTACT = "7C834EA9-EDA1-2090-347F-83297E1C290F"
_OTHER_STUDENTS = ("D3E34B35-9D75-101A-8C3D-00AA001A1652", "DEE34B35-9D75-101A-8C3D-00AA001A1652")


def example(name: str) -> bytes:
    return require_shared("sif-au", "examples", f"{name}.xml").read_bytes()


@lru_cache(maxsize=1)
def _schema_at(path: str) -> etree.XMLSchema:
    return load_schema(path)


def xsd() -> etree.XMLSchema:
    return _schema_at(str(require_shared("sif-au", "xsd", "SIF_AU_3.4.8_SIF_Message.xsd")))


def assert_valid_sif(document: bytes) -> None:
    schema = xsd()
    ok = schema.validate(parse_xml(document))
    assert ok, [str(e) for e in schema.error_log][:5]


def rewired(name: str) -> etree._Element:
    data = example(name)
    for other in _OTHER_STUDENTS:
        data = data.replace(other.encode(), STUDENT.encode())
    data = data.replace(b"6472B261-0947-583A-463D-BB345291B001", CONTACT.encode())
    return parse_xml(data)


def combined_document(*names: str, root: str = "StudentPersonal__1") -> bytes:
    top = rewired(root)
    holder = top.find(f"{{{NS}}}SIF_ExtendedElements")
    if holder is None:
        holder = etree.SubElement(top, f"{{{NS}}}SIF_ExtendedElements")
    ext = etree.SubElement(holder, f"{{{NS}}}SIF_ExtendedElement", Name="urn:stafett:sif-au:related-objects")
    for name in names:
        obj = rewired(name)
        etree.SubElement(ext, f"{{{NS}}}{etree.QName(obj).localname}s").append(obj)
    return etree.tostring(top, xml_declaration=True, encoding="UTF-8")
