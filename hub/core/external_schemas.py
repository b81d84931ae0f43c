"""Where the official schemas of external formats (SIF AU, SSB, CIN XSDs; KS JSON Schemas) are read from at run time.

They are other people's files and are not copied into the project: HUB_EXTERNAL_SCHEMAS, else the shared data folder.
"""

from __future__ import annotations

from pathlib import Path

from hub.core.errors import HubError
from hub.core.settings import PROJECT_ROOT, get_settings


class SchemaUnavailable(HubError):
    """The hub is not installed with the official schema a format needs: a deployment fault, not bad input."""

    status = 503
    title = "Schema not installed"
    slug = "schema-unavailable"
    fhir_code = "exception"


def external_schema_root() -> Path:
    settings = get_settings()
    return Path(settings.external_schemas or settings.shared_data or PROJECT_ROOT.parent / "shared" / "data")


def external_schema_path(*parts: str | Path) -> Path:
    """The path of an official schema file or folder, or SchemaUnavailable naming what is missing."""
    path = external_schema_root().joinpath(*parts)
    if not path.exists():
        raise SchemaUnavailable(
            f"the official schema {Path(*parts)} is not installed at {external_schema_root()}; "
            "set HUB_EXTERNAL_SCHEMAS to the folder that holds the external formats' schemas"
        )
    return path
