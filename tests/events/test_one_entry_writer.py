"""Entries come to be in one function: outside hub/cases/entries.py no code in hub/ constructs an Entry, inserts into
its table (Core or ORM) or builds one from a row, so every entry version gets its domain event."""

from __future__ import annotations

import ast
from pathlib import Path

HUB = Path(__file__).resolve().parents[2] / "hub"
WRITER = HUB / "cases" / "entries.py"


def _is_entry(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "Entry") or (isinstance(node, ast.Attribute) and node.attr == "Entry")


def entry_writes(source: str) -> list[int]:
    """Lines that make an entry row: Entry(...), from_row(Entry, ...), insert(Entry...) / Entry.__table__."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _is_entry(node.func):
            lines.append(node.lineno)
        elif isinstance(node, ast.Call) and node.args and _is_entry(node.args[0]) and (
            getattr(node.func, "id", None) in ("from_row", "insert") or getattr(node.func, "attr", None) in ("from_row", "insert")
        ):
            lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr == "__table__" and _is_entry(node.value):
            lines.append(node.lineno)
    return lines


def test_the_check_finds_every_way_of_writing_an_entry():
    assert entry_writes("session.add(Entry(case_id=c))") == [1]
    assert entry_writes("x = models.Entry(id=1)") == [1]
    assert entry_writes("session.execute(insert(Entry.__table__), rows)") == [1]
    assert entry_writes("session.execute(insert(Entry).values(a=1))") == [1]
    assert entry_writes("e = from_row(Entry, row, id=1)") == [1]
    assert entry_writes("select(Entry).where(Entry.id == 1)") == []  # reading is not writing


def test_only_the_entry_writer_writes_entries():
    offenders = {
        f"{path.relative_to(HUB.parent)}:{line}"
        for path in HUB.rglob("*.py") if path != WRITER
        for line in entry_writes(path.read_text())
    }
    assert offenders == set(), f"entries written outside hub.cases.entries.write_entry_versions: {sorted(offenders)}"
    assert entry_writes(WRITER.read_text()), "the writer itself inserts the rows"
