"""The one case view: a case as one viewer may see it, built once per read from a Visibility. It filters entries,
goals, measures, participants, consents and identifiers, and carries the current entry version ids for the audit.
"""

from __future__ import annotations

import uuid
from functools import cached_property
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access.policy import Visibility
from hub.canonical.vocab import Sector
from hub.cases import repository as cases
from hub.cases.models import Case, Entry, Evaluation, Goal, Measure, Participant
from hub.children.models import Child
from hub.consent.models import Consent
from hub.organizations.models import Organization

T = TypeVar("T", bound="_HasSystem")


class _HasSystem(Protocol):
    system: str


def shown_consents(session: Session, *, consents: list[Consent], visibility: Visibility) -> list[Consent]:
    """The consents the viewer may learn of (none that tells of a secret service it does not see)."""
    named = {o for c in consents for o in c.organization_ids or []}
    sectors = {}
    if named:
        ids = [uuid.UUID(o) for o in named]
        sectors = {str(i): Sector(s) for i, s in session.execute(select(Organization.id, Organization.sector).where(Organization.id.in_(ids)))}
    return [c for c in consents if visibility.shows_consent(c, sectors)]


def shown_participants(session: Session, *, case: Case, visibility: Visibility) -> list[Participant]:
    """The case's participants the viewer may learn of (a child welfare or social service only if it sees that)."""
    if not case.participants:
        return []
    ids = {p.organization_id for p in case.participants}
    sectors = dict(session.execute(select(Organization.id, Organization.sector).where(Organization.id.in_(ids))).all())
    return [p for p in case.participants if visibility.shows_organization(p.organization_id, Sector(sectors[p.organization_id]))]


def shown_identifiers(identifiers: list[T], visibility: Visibility) -> list[T]:
    """The child's identifiers the viewer may be shown (none that tells of a service it may not know of)."""
    return [i for i in identifiers if visibility.shows_identifier(i.system)]


class CaseView:
    """What one viewer sees of one case. Each part is read once, when first asked for (a REST read never reads the
    consents; an export does)."""

    def __init__(self, session: Session, *, case: Case, visibility: Visibility, child: Child | None = None):
        self.session, self.case, self.visibility, self._child = session, case, visibility, child

    @cached_property
    def child(self) -> Child:
        child = self._child or self.session.get(Child, self.case.child_id)
        if child is None:
            raise ValueError(f"child {self.case.child_id} of case {self.case.id} is gone")
        return child

    @cached_property
    def current_entries(self) -> list[Entry]:
        """The newest version of every entry lineage of the case (seen or not), in time order."""
        return cases.current_entries(self.session, self.case.id)

    @cached_property
    def entries(self) -> list[Entry]:
        """The current entry versions the viewer sees (retracted ones too: a timeline shows the retraction)."""
        return [e for e in self.current_entries if self.visibility.sees_entry(e)]

    @cached_property
    def entry_versions(self) -> list[Entry]:
        """Every stored version of the entry lineages the viewer sees (their current version decides), by lineage and
        version: the history a transfer package carries."""
        versions = cases.entry_versions(self.session, self.case.id)
        superseded = {v.previous_id for v in versions if v.previous_id is not None}
        seen = {v.lineage_id for v in versions if v.id not in superseded and self.visibility.sees_entry(v)}
        return [v for v in versions if v.lineage_id in seen]

    @cached_property
    def goals(self) -> list[Goal]:
        return [g for g in cases.goals(self.session, self.case.id) if self.visibility.sees_goal(g)]

    @cached_property
    def measures(self) -> list[Measure]:
        return [m for m in cases.measures(self.session, self.case.id) if self.visibility.sees_measure(m)]

    @cached_property
    def evaluations(self) -> list[Evaluation]:
        """The evaluations of the measures the viewer sees."""
        return cases.evaluations(self.session, [m.id for m in self.measures])

    @cached_property
    def participants(self) -> list[Participant]:
        return shown_participants(self.session, case=self.case, visibility=self.visibility)

    @cached_property
    def consents(self) -> list[Consent]:
        rows = list(self.session.scalars(select(Consent).where(Consent.child_id == self.case.child_id)))
        return shown_consents(self.session, consents=rows, visibility=self.visibility)

    def shown_identifiers(self, identifiers: list[T]) -> list[T]:
        return shown_identifiers(identifiers, self.visibility)

    def entry_version_ids(self, lineage_ids: list[uuid.UUID]) -> list[uuid.UUID]:
        """The ids of the current entry versions behind `lineage_ids` (views and facade ids name lineages; the audit
        trail names the versions that were seen)."""
        current = {e.lineage_id: e.id for e in self.current_entries}
        return [current[lineage] for lineage in lineage_ids if lineage in current]
