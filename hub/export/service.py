"""Renders a visible case view with a format's adapter; a format without a renderer is a clear 415.

Returns the bytes and the media type to answer with.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from adapters.base import Renderer
from adapters.registry import get_adapter
from hub.access import reader
from hub.auth.principal import Principal
from hub.canonical.records import ParsedBatch
from hub.core.errors import UnsupportedMediaType
from hub.core.settings import Settings
from hub.export.case_view import build_case_view, shown_entry_versions


def render(view: ParsedBatch, *, format_id: str, media_type: str | None = None) -> tuple[bytes, str]:
    adapter = get_adapter(format_id)
    if not isinstance(adapter, Renderer):
        raise UnsupportedMediaType(f"format {format_id} can be pushed to the hub but not exported")
    chosen = media_type if media_type in adapter.media_types else adapter.media_types[0]
    return adapter.render(view, media_type=chosen), chosen


def export(
    session: Session, *, principal: Principal, case_id: uuid.UUID, format_id: str, settings: Settings, media_type: str | None = None
) -> tuple[bytes, str]:
    """A case as the caller may see it, rendered in `format_id`; the read door opens it and audits what was shown."""
    opened = reader.case_for_org(session, principal=principal, case_id=case_id, settings=settings, action="case.export")
    batch = build_case_view(opened.view)
    body, chosen = render(batch, format_id=format_id, media_type=media_type)
    opened.seen(entry_ids=shown_entry_versions(opened.view, batch), reason=f"{format_id}; {opened.visibility.reason}")
    return body, chosen
