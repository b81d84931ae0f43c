"""Decides visibility from participation, consent (guardian's, and the young person's from 15/16), recorded legal
bases and the child's age. Confidential categories (health, child welfare, social) are seen only when named.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.registry import namespace_registry
from hub.canonical.vocab import DEFAULT_CATEGORY_FOR_SECTOR, Category, ParentalResponsibility, Sector, Sensitivity
from hub.cases.models import Case, Entry, Goal, Measure
from hub.children.models import Child, Guardian
from hub.consent.models import Consent
from hub.core.ownership import owned_by
from hub.core.settings import Settings
from hub.organizations.models import Organization

CONFIDENTIAL_CATEGORIES = frozenset({Category.health, Category.child_welfare, Category.social})
OPEN_CATEGORIES = frozenset(Category) - CONFIDENTIAL_CATEGORIES
GUARDIAN_RESPONSIBILITIES = frozenset(
    {ParentalResponsibility.felles, ParentalResponsibility.mor, ParentalResponsibility.far, ParentalResponsibility.medmor, ParentalResponsibility.andre}
)
# That child welfare or social services take part is itself confidential: their services are named to a viewer only
# when it sees that category. (Health services are named: the collaborating services know of each other in BTI.)
SECRET_INVOLVEMENT = frozenset({Category.child_welfare, Category.social})
# The sectors whose taking part is secret, with the category a viewer must see to learn of it. (A municipality's or
# another service's participation is not: the coordinator is often the municipality.)
SECRET_SECTORS: dict[Sector, Category] = {Sector.child_welfare: Category.child_welfare, Sector.nav: Category.social, Sector.social: Category.social}


@dataclass
class Visibility:
    """What one viewer may see of one child's case."""

    permit: bool
    reason: str
    categories: frozenset[Category] = frozenset()
    named: frozenset[Category] | None = None  # categories named explicitly (needed for confidential entries)
    own_organization_id: uuid.UUID | None = None
    own_category: Category | None = None  # the viewer's own sector's category: a service knows its own kind
    basis_ids: list[uuid.UUID] = field(default_factory=list)  # consents / legal bases relied on

    def pushed_by_me(self, source_system: str | None) -> bool:
        """Records an organisation pushed through ingest are its own, whoever the payload names as author."""
        return owned_by(source_system, self.own_organization_id)

    def sees_entry(self, entry: Entry) -> bool:
        return self.pushed_by_me(entry.source_system) or self._sees(entry.category, entry.sensitivity, entry.author_organization_id)

    def sees_measure(self, measure: Measure) -> bool:
        if self.own_organization_id is not None and measure.responsible_organization_id == self.own_organization_id:
            return True
        return self.pushed_by_me(measure.source_system) or self._sees(measure.category, measure.sensitivity, None)

    def sees_goal(self, goal: Goal) -> bool:
        return goal.category is None or goal.category in self.categories or self.pushed_by_me(goal.source_system)

    def sees_category(self, category: Category) -> bool:
        """Whether the viewer sees this category at all (a confidential one only when named)."""
        if category == self.own_category:
            return True
        if category in CONFIDENTIAL_CATEGORIES and self.named is not None:
            return category in self.named
        return category in self.categories

    def shows_consent(self, consent: Consent, organization_sectors: dict[str, Sector]) -> bool:
        """A consent naming a secret category, a secret sector or an organisation of one tells of that service's
        involvement: shown only to who sees that category. `organization_sectors`: the sector of each named org id."""
        if any(Category(c) in SECRET_INVOLVEMENT and not self.sees_category(Category(c)) for c in consent.categories or []):
            return False
        if not all(self.shows_sector(Sector(s)) for s in consent.sectors or []):
            return False
        return all(
            self.shows_organization(uuid.UUID(o), organization_sectors[o]) for o in consent.organization_ids or [] if o in organization_sectors
        )

    def shows_sector(self, sector: Sector) -> bool:
        return sector not in SECRET_SECTORS or self.sees_category(SECRET_SECTORS[sector])

    def shows_organization(self, organization_id: uuid.UUID, sector: Sector) -> bool:
        """Whether the viewer may learn that this organisation takes part (its own always)."""
        if organization_id == self.own_organization_id:
            return True
        return self.shows_sector(sector)

    def shows_identifier(self, system: str) -> bool:
        """An identifier of a namespace only a secret service assigns (its declared category: child welfare's
        journal numbers, a local authority's child id) tells of that service's involvement."""
        category = namespace_registry().category_of(system)
        if category is None or category not in SECRET_INVOLVEMENT:
            return True
        return self.sees_category(category)

    def _sees(self, category: Category, sensitivity: Sensitivity, author: uuid.UUID | None) -> bool:
        if self.own_organization_id is not None and author == self.own_organization_id:
            return True
        if sensitivity == Sensitivity.confidential and self.named is not None:
            return category in self.named
        return category in self.categories


def transferred(reason: str, basis_ids: list[uuid.UUID]) -> Visibility:
    """What a transfer package carries of a case: all of it. The municipality that takes the case over holds it under
    the transfer's basis (hub.transfer.basis); what each of its services then sees there, its own door decides."""
    return Visibility(permit=True, reason=reason, categories=frozenset(Category), basis_ids=list(basis_ids))


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def in_force(consent: Consent, now: datetime) -> bool:
    if consent.status != "active" or consent.revoked_at is not None:
        return False
    if consent.valid_from is not None and now < consent.valid_from:
        return False
    return consent.valid_to is None or now < consent.valid_to


def _covers_org(consent: Consent, organization: Organization) -> bool:
    """A consent covers the organisations it names and every organisation of a sector it names: exactly what it says
    (an adapter must never turn a named organisation into its sector)."""
    return str(organization.id) in (consent.organization_ids or []) or organization.sector.value in (consent.sectors or [])


def _categories(consent: Consent) -> frozenset[Category]:
    named = frozenset(Category(c) for c in consent.categories or [] if c in Category.__members__)
    return named or OPEN_CATEGORIES  # confidential categories only when named


def consents_of(session: Session, child_id: uuid.UUID) -> list[Consent]:
    return list(session.scalars(select(Consent).where(Consent.child_id == child_id)))


def _union(rows: list[Consent], *, named_only: bool = False) -> frozenset[Category]:
    pick = _named if named_only else _categories
    return frozenset().union(*(pick(c) for c in rows)) if rows else frozenset()


def _named(consent: Consent) -> frozenset[Category]:
    return frozenset(Category(c) for c in consent.categories or [] if c in Category.__members__)


def covered_categories(
    session: Session, *, child: Child, organization: Organization, settings: Settings, now: datetime | None = None
) -> tuple[frozenset[Category], frozenset[Category], list[uuid.UUID], str]:
    """The categories the organisation may see by consent or legal basis, those named explicitly, the rows relied
    on, and why."""
    now = now or datetime.now(UTC)
    rows = [c for c in consents_of(session, child.id) if in_force(c, now) and _covers_org(c, organization)]
    legal = [c for c in rows if c.basis == "legal"]
    by_guardian = [c for c in rows if c.basis == "consent" and c.given_by == "guardian"]
    by_child = [c for c in rows if c.basis == "consent" and c.given_by == "child"]
    age = age_on(child.birth_date, now.date())
    if age is not None and age >= settings.young_person_consent_age:
        # from 15 (or 16) the young person's own consent is needed as well
        by_consent = _union(by_guardian) & _union(by_child)
        named = _union(by_guardian, named_only=True) & _union(by_child, named_only=True)
        why = "consent of guardian and young person" if by_consent else f"no joint consent (young person is {age})"
    else:
        by_consent = _union(by_guardian) | _union(by_child)
        named = _union(by_guardian, named_only=True) | _union(by_child, named_only=True)
        why = "consent" if by_consent else "no consent in force"
    if legal:
        why = "legal basis " + ", ".join(c.legal_reference or "recorded" for c in legal) + f"; {why}"
    relied = [c.id for c in legal + by_guardian + by_child]
    return _union(legal) | by_consent, _union(legal, named_only=True) | named, relied, why


def organization_visibility(
    session: Session, *, case: Case, organization: Organization, settings: Settings, now: datetime | None = None
) -> Visibility:
    """A participant sees the case; within it, its own entries and what consent or legal basis covers."""
    if not any(p.organization_id == organization.id for p in case.participants):
        return Visibility(permit=False, reason="the organisation is not a participant in this case")
    child = session.get(Child, case.child_id)
    if child is None:
        return Visibility(permit=False, reason="the case's child is not in the hub")
    categories, named, relied, why = covered_categories(session, child=child, organization=organization, settings=settings, now=now)
    return Visibility(
        permit=True,
        reason=f"participant; categories by {why}",
        categories=categories,
        named=named,
        own_organization_id=organization.id,
        own_category=DEFAULT_CATEGORY_FOR_SECTOR[organization.sector],
        basis_ids=relied,
    )


def child_visibility(session: Session, *, child: Child, organization: Organization, settings: Settings) -> Visibility:
    """What a participating organisation may see of the child's own record (identifiers): as in its cases."""
    categories, named, relied, why = covered_categories(session, child=child, organization=organization, settings=settings)
    return Visibility(
        permit=True, reason=f"participant; categories by {why}", categories=categories, named=named,
        own_organization_id=organization.id, own_category=DEFAULT_CATEGORY_FOR_SECTOR[organization.sector], basis_ids=relied,
    )


def may_be_found_by(session: Session, *, child: Child, organization: Organization, settings: Settings, system: str) -> bool:
    """Whether a lookup by an identifier of `system` may find the child for the organisation: only by one it would be
    shown (finding a child by a child welfare journal number tells that child welfare is involved)."""
    return child_visibility(session, child=child, organization=organization, settings=settings).shows_identifier(system)


def handover_visibility(
    session: Session, *, child: Child, organization: Organization, settings: Settings, now: datetime | None = None
) -> Visibility:
    """A receiving organisation (not yet a participant) sees only what consent or legal basis covers."""
    categories, named, relied, why = covered_categories(session, child=child, organization=organization, settings=settings, now=now)
    if not categories:
        return Visibility(permit=False, reason=f"no consent or legal basis covers this organisation ({why})")
    return Visibility(
        permit=True, reason=f"handover under {why}", categories=categories, named=named, basis_ids=relied,
        own_category=DEFAULT_CATEGORY_FOR_SECTOR[organization.sector],
    )


def guardians_of(session: Session, *, national_id: str) -> list[Guardian]:
    return list(session.scalars(select(Guardian).where(Guardian.national_id == national_id)))


def may_act_as_guardian(guardian: Guardian) -> bool:
    return guardian.parental_responsibility in GUARDIAN_RESPONSIBILITIES and guardian.may_see_log


def guardian_visibility(
    session: Session, *, child: Child, settings: Settings, now: datetime | None = None
) -> Visibility:
    """Guardians see their child's log except child-welfare and social-services entries (those services talk to them
    directly, and whether they take part is theirs to tell) and, from 16, health entries unless the young person has
    let them."""
    now = now or datetime.now(UTC)
    categories = set(Category) - SECRET_INVOLVEMENT
    reason = "guardian with parental responsibility"
    age = age_on(child.birth_date, now.date())
    if age is not None and age >= settings.guardian_health_cutoff_age:
        allowed = [
            c for c in consents_of(session, child.id)
            if in_force(c, now) and c.given_by == "child" and c.covers_guardians and Category.health.value in (c.categories or [])
        ]
        if not allowed:
            categories.discard(Category.health)
            reason += f"; health hidden (young person is {age} and has not consented)"
    return Visibility(permit=True, reason=reason, categories=frozenset(categories))


def self_visibility(session: Session, *, child: Child, settings: Settings) -> Visibility:
    """A young person reading their own log sees all but child-welfare and social-services entries (as guardians)."""
    return Visibility(permit=True, reason="the young person themself", categories=frozenset(set(Category) - SECRET_INVOLVEMENT))
