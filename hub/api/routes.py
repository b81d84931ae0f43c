"""The app's route templates, read once from its OpenAPI paths: which template a raw path is for (known before routing
runs) and every method its routes allow (the Allow of a 405: Starlette names only the first route that matched).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import compile_path


def _table(app: Any) -> list[tuple[re.Pattern[str], str, frozenset[str]]]:
    table = getattr(app.state, "route_templates", None)
    if table is None:
        paths = app.openapi()["paths"]
        table = [(compile_path(template)[0], template, frozenset(m.upper() for m in ops)) for template, ops in paths.items()]
        app.state.route_templates = table
    return table


def template_of(app: Any, path: str) -> str:
    return next((template for regex, template, _ in _table(app) if regex.match(path)), "unmatched")


def allowed_methods(app: Any, path: str) -> list[str]:
    """The methods of every route whose template matches `path` (HEAD with GET, as Starlette answers it)."""
    methods: set[str] = set()
    for regex, _, allowed in _table(app):
        if regex.match(path):
            methods |= allowed
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
