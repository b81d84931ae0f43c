"""The outbox's table belongs to hub/outbox: no other module of the hub imports its repository, queries OutboxItem or
names the table; and hub/outbox knows no domain (it imports only core, db, the worker's contract and itself)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.cli.helpers import ROOT

HUB = ROOT / "hub"
OUTBOX = HUB / "outbox"
MIGRATIONS = HUB / "db" / "migrations"


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _queries_outbox_items(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("select", "update", "delete", "insert")
        and any(isinstance(arg, ast.Name) and arg.id == "OutboxItem" for arg in node.args)
        for node in ast.walk(tree)
    )


def test_no_module_outside_hub_outbox_touches_the_outbox_table():
    offenders = []
    for path in _modules(HUB):
        if OUTBOX in path.parents or MIGRATIONS in path.parents:
            continue
        text = path.read_text()
        tree = ast.parse(text)
        if "hub.outbox.repository" in _imported(tree) or _queries_outbox_items(tree) or "outbox_item" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_hub_outbox_knows_no_domain():
    allowed = ("hub.core", "hub.db", "hub.outbox", "hub.worker.jobs")
    for path in _modules(OUTBOX):
        hub_imports = {name for name in _imported(ast.parse(path.read_text())) if name.startswith("hub.") and name != "hub.worker"}
        assert all(name.startswith(allowed) for name in hub_imports), (path.name, hub_imports)
