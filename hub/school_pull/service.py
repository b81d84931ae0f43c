"""The handover pull: the read door (hub.access.reader.case_for_receiver) chooses the child's case and decides
what the receiving organisation may see and audits every attempt; here the view is trimmed and rendered.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from adapters.base import Renderer
from adapters.registry import get_adapter
from hub.access import reader
from hub.auth.principal import Principal
from hub.core.errors import UnsupportedMediaType
from hub.core.settings import Settings
from hub.export import service as export
from hub.export.case_view import build_case_view, shown_entry_versions
from hub.school_pull import redact

ACTION = reader.HANDOVER


@dataclass
class Package:
    body: bytes
    media_type: str
    case_id: uuid.UUID
    entry_ids: list[uuid.UUID] = field(default_factory=list)


def _renderer(format_id: str) -> None:
    if not isinstance(get_adapter(format_id), Renderer):
        raise UnsupportedMediaType(f"format {format_id} can be pushed to the hub but not handed over")


def pull(
    session: Session,
    *,
    principal: Principal,
    identifier: str,
    format_id: str,
    settings: Settings,
    media_type: str | None = None,
) -> Package:
    reader.require_organization(principal)
    _renderer(format_id)
    opened = reader.case_for_receiver(session, principal=principal, identifier=identifier, settings=settings)
    batch = redact.for_receiver(build_case_view(opened.view), visibility=opened.visibility)
    body, chosen = export.render(batch, format_id=format_id, media_type=media_type)
    entry_ids = shown_entry_versions(opened.view, batch)
    opened.seen(entry_ids=entry_ids, reason=f"{format_id}; {opened.visibility.reason}")
    return Package(body=body, media_type=chosen, case_id=opened.case_required().id, entry_ids=entry_ids)
