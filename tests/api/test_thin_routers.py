"""Routers are thin: no router module (hub/*/endpoints.py) imports a model or a repository module or SQLAlchemy, and
none writes an audit record itself (the services and the read door do). Parsed with ast, so it needs no import-linter.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HUB = Path(__file__).resolve().parents[2] / "hub"
ROUTERS = sorted(HUB.glob("*/endpoints.py"))


def _imported(tree: ast.AST, module: str) -> list[str]:
    """Every module the file imports (`from x import y` also as x.y: it may name a submodule)."""
    found = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.append(base)
            found += [f"{base}.{a.name}" for a in node.names]
    return found


def _forbidden(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "sqlalchemy" or (parts[0] == "hub" and ("models" in parts[1:] or "repository" in parts[1:]))


def _audit_calls(tree: ast.AST) -> list[int]:
    """Lines calling record or record_for_children on the audit service (whatever it is imported as)."""
    aliases = {"hub.audit.service"}
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "hub.audit":
            names |= {a.asname or a.name for a in node.names if a.name == "service"}
        elif isinstance(node, ast.ImportFrom) and node.module in aliases:
            names |= {"<direct>:" + (a.asname or a.name) for a in node.names}
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("record", "record_for_children"):
            if isinstance(func.value, ast.Name) and func.value.id in names | {"audit"}:
                lines.append(node.lineno)
        elif isinstance(func, ast.Name) and f"<direct>:{func.id}" in names:
            lines.append(node.lineno)
    return lines


def check(source: str, module: str) -> list[str]:
    tree = ast.parse(source)
    problems = [f"imports {n}" for n in dict.fromkeys(_imported(tree, module)) if _forbidden(n)]
    problems += [f"writes an audit record (line {n})" for n in _audit_calls(tree)]
    return problems


def test_there_are_routers_to_check():
    assert len(ROUTERS) >= 10, ROUTERS


@pytest.mark.parametrize("path", ROUTERS, ids=lambda p: p.parent.name)
def test_a_router_imports_no_model_repository_or_sqlalchemy_and_writes_no_audit(path):
    module = f"hub.{path.parent.name}.endpoints"
    assert check(path.read_text(), module) == []


@pytest.mark.parametrize("source, expected", [
    ("from hub.cases.models import Case", "imports hub.cases.models"),
    ("from hub.cases import repository", "imports hub.cases.repository"),
    ("import hub.children.models", "imports hub.children.models"),
    ("from sqlalchemy import select", "imports sqlalchemy"),
    ("from .models import Case", "imports hub.cases.models"),
    ("from hub.audit import service as audit\naudit.record(s, principal=None, action='x')", "writes an audit record (line 2)"),
    ("from hub.audit import service as trail\ntrail.record_for_children(s)", "writes an audit record (line 2)"),
    ("from hub.audit.service import record\nrecord(s)", "writes an audit record (line 2)"),
])
def test_the_check_finds_what_it_forbids(source, expected):
    assert expected in check(source, "hub.cases.endpoints")
