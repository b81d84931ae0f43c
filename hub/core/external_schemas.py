"""Where the official schemas of external formats (SSB, CIN XSDs; KS JSON Schemas) are read from at run time.

HUB_EXTERNAL_SCHEMAS if set; else those `stafett schemas install` put under HUB_DATA_DIR; else the shared data folder.
"""

from __future__ import annotations

from pathlib import Path

from hub.core.errors import HubError
from hub.core.settings import PROJECT_ROOT, Settings, get_settings

INSTALLED_SUBDIR = "external-schemas"
INSTALL_COMMAND = "stafett schemas install <folder>"


class SchemaUnavailable(HubError):
    """The hub is not installed with the official schema a format needs: a deployment fault, not bad input."""

    status = 503
    title = "Schema not installed"
    slug = "schema-unavailable"
    fhir_code = "exception"


def installed_root(settings: Settings | None = None) -> Path:
    """The folder `stafett schemas install` copies into: <HUB_DATA_DIR>/external-schemas."""
    return (settings or get_settings()).data_dir / INSTALLED_SUBDIR


def shared_root(settings: Settings | None = None) -> Path:
    """The developer fallback: the shared data folder beside the project (or HUB_SHARED_DATA)."""
    settings = settings or get_settings()
    return Path(settings.shared_data or PROJECT_ROOT.parent / "shared" / "data")


def schema_roots(settings: Settings | None = None) -> list[tuple[str, Path]]:
    """The folders looked in, in order, each with the name an operator knows it by."""
    settings = settings or get_settings()
    if settings.external_schemas:
        return [("HUB_EXTERNAL_SCHEMAS", Path(settings.external_schemas))]
    return [("installed folder", installed_root(settings)), ("shared data folder", shared_root(settings))]


def find_schema(relative: str | Path, settings: Settings | None = None) -> tuple[str, Path] | None:
    """(root name, path) of the first root that holds `relative`, or None."""
    for name, root in schema_roots(settings):
        path = root / relative
        if path.exists():
            return name, path
    return None


def external_schema_path(*parts: str | Path) -> Path:
    """The path of an official schema file or folder, or SchemaUnavailable naming it and the command that installs it."""
    relative = Path(*parts)
    found = find_schema(relative)
    if found is None:
        raise SchemaUnavailable(
            f"the official schema {relative.as_posix()} is not installed on this hub; "
            f"an operator installs it with `{INSTALL_COMMAND}` (see README, External schemas)"
        )
    return found[1]
