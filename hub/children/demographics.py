"""The one writer of a child's demographics: every source's version kept with its provenance (child_demographics), and
the survivorship rule that chooses what Child's own columns show (authoritative source, the child's services, newest).
"""

# The rule. A version ranks authoritative (the national registry: a source in HUB_AUTHORITATIVE_SOURCES), service (its
# organisation takes part in one of the child's cases; the hub's own versions, such as an accepted transfer's, rank so
# too) or stranger. Field by field the hub shows the value of the best-ranked, newest version that has one; a field no
# eligible version gives keeps its value. While the child has services a stranger's version is not eligible at all: a
# push from an organisation with no part in the child's cases never changes what others see (its version is kept, and
# the caller puts the push on the review list). A child nobody takes part in yet shows the newest versions of anyone.

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.canonical.records import ChildRecord
from hub.canonical.vocab import SourceStanding
from hub.cases.models import Case, Participant
from hub.children.models import Child, DemographicVersion
from hub.db.base import utcnow
from hub.identity.keys import fodselsnummer_given, refresh_keys
from hub.identity.resolver import normalise_name
from hub.organizations.models import Organization

_CHUNK = 500
# Columns a version holds a value for or not; `unborn` (always stated) and `extra` (merged by key) are apart.
_FIELDS = ("names", "birth_date", "sex", "preferred_language", "languages", "address", "kommunenummer", "deceased_at",
           "expected_birth_date")
_RANK = {SourceStanding.authoritative: 3, SourceStanding.service: 2, SourceStanding.stranger: 1}


@dataclass(frozen=True)
class DemographicSource:
    """Who tells the hub a child's demographics, and in which payload."""

    organization: Organization | None  # None: the hub itself (an accepted transfer, an operator's load)
    source_system: str
    source_format: str
    raw_checksum: str | None = None
    mapping_version: str | None = None
    authoritative: bool = False


def services_of(session: Session, child_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    """The organisations taking part in any case of each child (children nobody takes part in are left out)."""
    ids = sorted(set(child_ids))
    found: dict[uuid.UUID, set[uuid.UUID]] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(Case.child_id, Participant.organization_id)
            .join(Participant, Participant.case_id == Case.id)
            .where(Case.child_id.in_(ids[start : start + _CHUNK]))
        )
        for child_id, organization_id in rows:
            found.setdefault(child_id, set()).add(organization_id)
    return {child_id: frozenset(orgs) for child_id, orgs in found.items()}


def versions_of(session: Session, child_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[DemographicVersion]]:
    """Every stored version of each child, oldest first (one query per 500 children)."""
    ids = sorted(set(child_ids))
    found: dict[uuid.UUID, list[DemographicVersion]] = {child_id: [] for child_id in ids}
    for start in range(0, len(ids), _CHUNK):
        rows = session.scalars(
            select(DemographicVersion)
            .where(DemographicVersion.child_id.in_(ids[start : start + _CHUNK]))
            .order_by(DemographicVersion.received_at, DemographicVersion.id)
        )
        for version in rows:
            found[version.child_id].append(version)
    return found


def standing_of(*, source: DemographicSource, services: frozenset[uuid.UUID]) -> SourceStanding:
    """The source's standing to a child whose cases have `services` taking part (none: nobody knows it yet)."""
    if source.authoritative:
        return SourceStanding.authoritative
    if source.organization is None or not services or source.organization.id in services:
        return SourceStanding.service
    return SourceStanding.stranger


def record_demographics(
    session: Session,
    *,
    child: Child,
    record: ChildRecord,
    source: DemographicSource,
    services: frozenset[uuid.UUID],
    history: list[DemographicVersion] | None = None,
    new_child: bool = False,
    kommunenummer: str | None = None,
) -> DemographicVersion:
    """Keep what `record` says of `child` as `source`'s version, and show what the rule chooses.

    `services`: the organisations taking part in the child's cases; `history`: its stored versions oldest first, if
    the caller loaded them (else they are read here); the new version is appended to it. `new_child`: made by this
    payload, so there is nothing else to weigh. `kommunenummer` when the source gives one apart from the address."""
    version = DemographicVersion(
        id=uuid.uuid4(),
        child_id=child.id,
        source_organization_id=source.organization.id if source.organization else None,
        authoritative=source.authoritative,
        standing=standing_of(source=source, services=services),
        source_system=source.source_system,
        source_format=source.source_format,
        source_record_id=record.source_id,
        raw_checksum=source.raw_checksum,
        mapping_version=source.mapping_version,
        received_at=utcnow(),
        **_values(record, kommunenummer),
    )
    session.add(version)
    if new_child:
        _show(child, [version])
        refresh_keys(session, child, new=True)  # filed under what it shows, for the matcher
    elif version.standing == SourceStanding.stranger:
        if history is not None:
            history.append(version)  # kept, and never eligible while the child has services: nothing to choose
    else:
        if history is None:
            with session.no_autoflush:
                history = versions_of(session, [child.id])[child.id]
        history.append(version)
        _show(child, eligible(history, services=services))
        refresh_keys(session, child)
        fodselsnummer_given(session, child=child, by="a record that carries it")
    return version


def eligible(versions: list[DemographicVersion], *, services: frozenset[uuid.UUID]) -> list[DemographicVersion]:
    """The versions the hub may show, best first: by rank (authoritative, service, stranger), then newest. While the
    child has services, strangers' versions are not among them."""
    def rank(version: DemographicVersion) -> int:
        if version.authoritative:
            return 3
        if version.source_organization_id is None or version.source_organization_id in services:
            return 2
        return 1

    ordered = sorted(enumerate(versions), key=lambda item: (rank(item[1]), item[1].received_at, item[0]), reverse=True)
    return [v for _, v in ordered if not services or rank(v) > 1]


def _values(record: ChildRecord, kommunenummer: str | None) -> dict[str, Any]:
    address = record.address.model_dump(mode="json", exclude_none=True) if record.address else None
    return {
        "names": [n.model_dump(mode="json", exclude_none=True) for n in record.names],
        "birth_date": record.birth_date,
        "sex": record.sex,
        "preferred_language": record.preferred_language,
        "languages": list(record.languages),
        "address": address,
        "kommunenummer": kommunenummer or (record.address.kommunenummer if record.address else None),
        "deceased_at": record.deceased_at,
        "unborn": record.unborn,
        "expected_birth_date": record.expected_birth_date,
        "extra": dict(record.extra),
    }


def _show(child: Child, best_first: list[DemographicVersion]) -> None:
    """Child's columns from the versions, best first: per field the first that has a value; no value keeps the old."""
    if not best_first:
        return
    for column in _FIELDS:
        value = next((v for v in (getattr(version, column) for version in best_first) if v), None)
        if value is not None:
            setattr(child, column, value)
    child.name_key = normalise_name(child.names)
    child.unborn = best_first[0].unborn
    merged: dict[str, Any] = {}
    for version in reversed(best_first):  # the best is merged last, so its keys win
        merged.update(version.extra or {})
    if merged:
        child.extra = {**(child.extra or {}), **merged}


def reshow(session: Session, *, child: Child) -> None:
    """Choose again what `child` shows from all its stored versions (after a merge or an unmerge moved some)."""
    with session.no_autoflush:
        history = versions_of(session, [child.id])[child.id]
        services = services_of(session, [child.id]).get(child.id, frozenset())
    _show(child, eligible(history, services=services))
