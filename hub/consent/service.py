"""Rules for consent: record (a guardian's, the young person's, or a legal basis), list, revoke at once.

A revoked or expired consent stops access on the next policy decision; rows are never deleted.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access import reader, views
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical.records import ConsentRecord
from hub.children.models import Child
from hub.consent.models import Consent
from hub.consent.schemas import ConsentCreate
from hub.core.errors import Conflict, InvalidInput, NotFound
from hub.core.ownership import owner_key, owning_organization
from hub.core.settings import Settings
from hub.events import service as events
from hub.events.models import EventKind
from hub.organizations.models import Organization


def record_consent(
    session: Session,
    *,
    child: Child,
    data: ConsentCreate,
    guardian_id: uuid.UUID | None = None,
    recorded_by: Organization | None = None,
) -> Consent:
    """Record a consent or legal basis; `recorded_by` is the organisation that typed it in (kept as its provenance, so
    that nobody relies on a legal basis it recorded itself)."""
    guardian_id = guardian_id or data.guardian_id
    if data.given_by == "guardian" and data.basis == "consent":
        if guardian_id is None or not any(g.id == guardian_id for g in child.guardians):
            raise InvalidInput("a guardian's consent names one of the child's guardians (guardian_id)", location="guardian_id")
    for organization_id in data.organization_ids:
        if session.get(Organization, organization_id) is None:
            raise NotFound(f"organisation {organization_id} not found", location="organization_ids")
    consent = Consent(
        child_id=child.id,
        given_by=data.given_by,
        guardian_id=guardian_id if data.given_by == "guardian" else None,
        organization_ids=[str(o) for o in data.organization_ids],
        sectors=[s.value for s in data.sectors],
        categories=[c.value for c in data.categories],
        purpose=data.purpose,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        document_ref=data.document_ref,
        basis=data.basis,
        legal_reference=data.legal_reference,
        covers_guardians=data.covers_guardians,
        source_system=owner_key(recorded_by.id, "api") if recorded_by else None,
        source_format="api" if recorded_by else None,
    )
    session.add(consent)
    session.flush()
    consent_changed(session, consent=consent, change="recorded", organization_id=recorded_by.id if recorded_by else None)
    return consent


def apply_source_record(
    session: Session, *, child: Child, consent: Consent | None, record: ConsentRecord, guardian_id: uuid.UUID | None,
    organization_ids: list[uuid.UUID], provenance: dict[str, str | None], recorded_by: uuid.UUID | None,
) -> tuple[Consent, dict[str, object]]:
    """Write a source system's record of a consent onto `consent` (None: a new one); the consent and its
    `consent.changed` event row (the caller writes a batch's events in one INSERT)."""
    change = "updated"
    if consent is None:
        consent = Consent(id=uuid.uuid4(), child_id=child.id, given_by=record.given_by)
        session.add(consent)
        change = "recorded"
    consent.given_by = record.given_by
    consent.guardian_id = guardian_id
    consent.organization_ids = [str(o) for o in organization_ids]
    consent.sectors = [s.value for s in record.sectors]
    consent.categories = [c.value for c in record.categories]
    consent.purpose, consent.valid_from, consent.valid_to = record.purpose, record.valid_from, record.valid_to
    consent.document_ref, consent.revoked_at, consent.status = record.document_ref, record.revoked_at, record.status
    for column, value in provenance.items():
        setattr(consent, column, value)
    return consent, consent_changed_row(consent, change=change, organization_id=recorded_by)


def consent_changed(session: Session, *, consent: Consent, change: str, organization_id: uuid.UUID | None = None) -> None:
    """The `consent.changed` event of a consent or legal basis recorded, received, updated or revoked."""
    events.record_many(session, [consent_changed_row(consent, change=change, organization_id=organization_id)])


def consent_changed_row(consent: Consent, *, change: str, organization_id: uuid.UUID | None = None) -> dict[str, object]:
    return events.event_row(EventKind.consent_changed, child_id=consent.child_id, subject_id=consent.id,
                            organization_id=organization_id, data={"change": change, "basis": consent.basis or "consent"})


def recorded_by(consent: Consent) -> uuid.UUID | None:
    """The organisation that recorded a consent or legal basis (through the API or its own ingest), if known."""
    return owning_organization(consent.source_system)


def consents_for(session: Session, *, child: Child) -> list[Consent]:
    return list(session.scalars(select(Consent).where(Consent.child_id == child.id).order_by(Consent.created_at)))


def get_consent(session: Session, *, consent_id: uuid.UUID) -> Consent:
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise NotFound(f"consent {consent_id} not found")
    return consent


def revoke(session: Session, *, consent: Consent) -> Consent:
    if consent.revoked_at is not None:
        raise Conflict(f"consent {consent.id} was already revoked")
    consent.revoked_at = datetime.now(UTC)
    session.flush()
    consent_changed(session, consent=consent, change="revoked")
    return consent


def consents_seen(session: Session, *, principal: Principal, child_id: uuid.UUID, settings: Settings) -> list[Consent]:
    """A participating organisation's list of the child's consents and legal bases: none that tells of a service it
    may not learn takes part (hub.access.views.shown_consents); the read door opens the child and audits the count."""
    opened = reader.child_for_org(session, principal=principal, child_id=child_id, action="consent.list", settings=settings)
    shown = views.shown_consents(session, consents=consents_for(session, child=opened.child), visibility=opened.visibility)
    opened.seen(reason=f"{len(shown)} shown", purpose=None)
    return shown


def record_for_organization(session: Session, *, principal: Principal, child_id: uuid.UUID, data: ConsentCreate) -> Consent:
    """A participating service records a consent (a signed paper one) or a legal basis: the write door decides who may
    record which (hub.access.writes.check_consent_record)."""
    from hub.access import writes  # the write door reads this module's rules of provenance

    child = writes.child_for_write(session, principal=principal, child_id=child_id, action="consent.record")
    writes.check_consent_record(session, principal=principal, child=child, data=data)
    consent = record_consent(session, child=child, data=data, recorded_by=principal.organization)
    audit.record(session, principal=principal, action="consent.record", child_id=child.id, reason=f"{consent.basis} {consent.id}")
    return consent


def revoke_for_organization(session: Session, *, principal: Principal, consent_id: uuid.UUID, settings: Settings,
                            if_match: str | None) -> Consent:
    from hub.access import writes

    consent = writes.consent_for_revoke(
        session, principal=principal, consent_id=consent_id, action="consent.revoke", settings=settings, if_match=if_match
    )
    revoked = revoke(session, consent=consent)
    audit.record(session, principal=principal, action="consent.revoke", child_id=consent.child_id, reason=str(consent.id))
    return revoked
