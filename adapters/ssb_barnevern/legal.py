"""Maps Lovhjemmel / JmfrLovhjemmel (the legal basis of a decision or measure) to plain payload dicts.

E.g. <Lov>BVL</Lov><Kapittel>4</Kapittel><Paragraf>12</Paragraf><Ledd>1</Ledd> -> {"law": "BVL", ..., "text": "BVL § 4-12 (1)"}.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from adapters.ssb_barnevern.context import MappingContext

_PARTS = ("Lov", "Kapittel", "Paragraf", "Ledd", "Bokstav", "Punktum")


def _one(node: etree._Element, ctx: MappingContext, path: str) -> dict[str, Any]:
    texts = {part: [(c.text or "").strip() for c in node.findall(part)] for part in _PARTS}
    law = texts["Lov"][0] if texts["Lov"] else ""
    chapter = texts["Kapittel"][0] if texts["Kapittel"] else ""
    section = texts["Paragraf"][0] if texts["Paragraf"] else ""
    text = f"{law} § {chapter}-{section}"
    if texts["Ledd"]:
        text += " " + " ".join(f"({x})" for x in texts["Ledd"])
    if texts["Bokstav"]:
        text += " " + " ".join(texts["Bokstav"])
    if texts["Punktum"]:
        text += " " + " ".join(f"pkt. {x}" for x in texts["Punktum"])
    ctx.report_leftovers(node, path, attributes=set(), children=set(_PARTS))
    return {"law": law, "chapter": chapter, "section": section, "subsections": texts["Ledd"],
            "letters": texts["Bokstav"], "sentences": texts["Punktum"], "text": text}


def legal_basis(element: etree._Element, ctx: MappingContext, path: str) -> dict[str, Any]:
    """{"legal_basis": …, "compared_legal_basis": [...]} for an element with Lovhjemmel/JmfrLovhjemmel."""
    main = element.find("Lovhjemmel")
    return {
        "legal_basis": _one(main, ctx, f"{path}/Lovhjemmel") if main is not None else None,
        "compared_legal_basis": [_one(n, ctx, f"{path}/JmfrLovhjemmel") for n in element.findall("JmfrLovhjemmel")],
    }
