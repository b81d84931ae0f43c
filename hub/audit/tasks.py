"""Scheduled job of the audit domain: append the chain's signed head to the anchor file (HUB_AUDIT_ANCHOR_FILE) every
HUB_AUDIT_ANCHOR_SECONDS and at a clean stop, when the chain has grown since the file's last line. Safe in several workers.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from hub.audit import anchors
from hub.core.settings import Settings
from hub.db.engine import session_scope
from hub.worker.jobs import Job

log = logging.getLogger("hub.worker")


def anchor_chain(engine: Engine, settings: Settings) -> anchors.Anchor | None:
    """The anchor written now, or None (no anchor file configured, an empty chain, a head not moved, a head in doubt)."""
    path = settings.audit_anchor_file
    if path is None:
        return None
    with session_scope(engine, write=False) as session:
        try:
            anchor = anchors.sign_head(session, settings=settings)
        except anchors.AnchorRefused:
            log.error("audit chain not anchored: its head row and last event disagree (run stafett audit verify)")
            return None
    if anchor is None or anchors.last_in_file(path) == (anchor.seq, anchor.head):
        return None
    anchors.append(path, anchor)
    log.info("audit chain anchored", extra={"seq": anchor.seq, "kid": anchor.kid})
    return anchor


JOBS = [
    Job("audit-anchor", anchor_chain, every=lambda settings: settings.audit_anchor_seconds, at_start=True, at_stop=True,
        enabled=lambda settings: settings.audit_anchor_file is not None),
]
