"""Merge and unmerge of two children with nothing lost: a merge moves the cases (with their entries), identifiers,
guardians, consents, demographics versions and source keys to the survivor and records what moved and both children
as they were (child_merge); an unmerge moves them back, with what arrived since from the merged child's sources.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.cases.models import Case
from hub.children import demographics
from hub.children.models import Child, DemographicVersion
from hub.consent.models import Consent
from hub.core.errors import Conflict
from hub.identity.keys import refresh_keys
from hub.identity.models import ChildMerge, IdentityReview
from hub.ingest.models import SourceKey

# The columns of a child the hub shows (its canonical content), kept as they were before a merge.
_SHOWN = ("names", "birth_date", "sex", "preferred_language", "languages", "address", "kommunenummer", "name_key",
          "deceased_at", "unborn", "expected_birth_date", "extra", "registered_by_organization_id")
_DATES: dict[str, Callable[[str], Any]] = {"birth_date": date.fromisoformat, "expected_birth_date": date.fromisoformat, "deceased_at": datetime.fromisoformat,
          "registered_by_organization_id": uuid.UUID}
_ROWS: tuple[tuple[str, Any], ...] = (("case", Case), ("consent", Consent), ("child_demographics", DemographicVersion))


def _snapshot(child: Child) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, date | datetime) else str(value) if isinstance(value, uuid.UUID) else value

    return {column: plain(getattr(child, column)) for column in _SHOWN}


def _restore(child: Child, snapshot: dict[str, Any]) -> None:
    for column in _SHOWN:
        value = snapshot.get(column)
        if value is not None and column in _DATES:
            value = _DATES[column](value)
        setattr(child, column, value)


def merge_children(session: Session, *, survivor: Child, merged: Child, by: str, review: IdentityReview | None) -> ChildMerge:
    """Move everything of `merged` to `survivor`; the survivor shows what the demographics rule chooses from both."""
    if survivor.id == merged.id:
        raise Conflict("a child cannot be merged into itself")
    record = ChildMerge(id=uuid.uuid4(), survivor_id=survivor.id, merged_id=merged.id,
                        review_id=review.id if review else None, merged_by=by, merged_at=datetime.now(UTC),
                        before={"survivor": _snapshot(survivor), "merged": _snapshot(merged)})
    moved: dict[str, list[str]] = {}
    for name, model in _ROWS:
        rows = list(session.scalars(select(model).where(model.child_id == merged.id)))
        for row in rows:
            row.child_id = survivor.id
        moved[name] = [str(row.id) for row in rows]
    moved["child_identifier"] = [str(i.id) for i in merged.identifiers]
    for ident in list(merged.identifiers):
        ident.child = survivor
    moved["guardian"] = [str(g.id) for g in merged.guardians]
    for guardian in list(merged.guardians):
        guardian.child = survivor
    keys = list(session.scalars(select(SourceKey).where(SourceKey.record_type == "child", SourceKey.target_id == merged.id)))
    for key in keys:
        key.target_id = survivor.id
    moved["source_key"] = [str(k.id) for k in keys]
    record.moved = moved
    merged.merged_into_id = survivor.id
    session.add(record)
    session.flush()
    _reshow(session, survivor)
    refresh_keys(session, merged)  # its demographics stay, but a merged child is no candidate: it has no versions left
    return record


def _reshow(session: Session, child: Child) -> None:
    demographics.reshow(session, child=child)
    refresh_keys(session, child)


def unmerge_child(session: Session, *, child_id: uuid.UUID, by: str) -> ChildMerge:
    """Undo the newest merge of `child_id` (survivor or merged): the moved rows go back, and so do the demographics
    versions and child source keys that arrived since from the merged child's source systems; both children show
    what they showed before the merge (re-chosen where a version arrived since)."""
    record = session.scalar(
        select(ChildMerge).where((ChildMerge.survivor_id == child_id) | (ChildMerge.merged_id == child_id),
                                 ChildMerge.undone_at.is_(None)).order_by(ChildMerge.merged_at.desc()).limit(1)
    )
    if record is None:
        raise Conflict(f"child {child_id} has no merge to undo")
    survivor, merged = session.get(Child, record.survivor_id), session.get(Child, record.merged_id)
    assert survivor is not None and merged is not None
    moved = record.moved
    for name, model in _ROWS:
        ids = [uuid.UUID(i) for i in moved.get(name, [])]
        for row in session.scalars(select(model).where(model.id.in_(ids))) if ids else []:
            row.child_id = merged.id
    for ident in [i for i in survivor.identifiers if str(i.id) in set(moved.get("child_identifier", []))]:
        ident.child = merged
    for guardian in [g for g in survivor.guardians if str(g.id) in set(moved.get("guardian", []))]:
        guardian.child = merged
    key_ids = [uuid.UUID(i) for i in moved.get("source_key", [])]
    moved_keys = list(session.scalars(select(SourceKey).where(SourceKey.id.in_(key_ids)))) if key_ids else []
    for key in moved_keys:
        key.target_id = merged.id
    # what came since: the merged child's source systems' child keys and demographics versions go back to it
    systems = {key.source_system for key in moved_keys}
    arrived = _arrived_since(session, survivor.id, systems, record.merged_at) if systems else []
    for row in arrived:
        if isinstance(row, SourceKey):
            row.target_id = merged.id
        else:
            row.child_id = merged.id
    merged.merged_into_id = None
    record.undone_by, record.undone_at = by, datetime.now(UTC)
    session.flush()
    _restore(survivor, record.before["survivor"])
    _restore(merged, record.before["merged"])
    if any(isinstance(row, DemographicVersion) for row in arrived):
        demographics.reshow(session, child=merged)
    refresh_keys(session, survivor)
    refresh_keys(session, merged)
    session.flush()
    return record


def _arrived_since(session: Session, survivor_id: uuid.UUID, systems: set[str], since: datetime) -> list[Any]:
    survivor_systems = set(session.scalars(
        select(SourceKey.source_system).where(SourceKey.record_type == "child", SourceKey.target_id == survivor_id,
                                              SourceKey.source_system.not_in(sorted(systems)))
    ))
    theirs = sorted(systems - survivor_systems)
    if not theirs:
        return []
    keys = list(session.scalars(select(SourceKey).where(
        SourceKey.record_type == "child", SourceKey.target_id == survivor_id, SourceKey.source_system.in_(theirs))))
    versions = list(session.scalars(select(DemographicVersion).where(
        DemographicVersion.child_id == survivor_id, DemographicVersion.source_system.in_(theirs),
        DemographicVersion.received_at > since)))
    return [*keys, *versions]

