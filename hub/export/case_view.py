"""Builds the canonical view of a case from the database, filtered by a Visibility: the child, guardians, the
organisations involved, the case fact, visible current entries (with versions and provenance), goals, measures,
evaluations and consents. Source ids are the hub's own ids, so exports are stable.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from hub.access.views import CaseView
from hub.canonical.records import (
    CaseFact,
    ChildRecord,
    Code,
    ConsentRecord,
    ContactPoint,
    EntryRecord,
    EvaluationRecord,
    GoalRecord,
    GuardianRecord,
    HumanName,
    Identifier,
    MeasureRecord,
    OrganizationRecord,
    ParsedBatch,
    Participant,
    PostalAddress,
    Provenance,
)
from hub.canonical.vocab import ORGNR_SYSTEM, ConsentGiver, Sector
from hub.cases.models import Entry, Measure
from hub.children.models import Child, Guardian
from hub.consent.models import Consent
from hub.organizations.models import Organization

EXPORT_MAPPING_VERSION = "stafett-export/1"


def _names(rows: list) -> list[HumanName]:
    return [HumanName.model_validate(n) for n in rows or []]


def _organization(org: Organization) -> OrganizationRecord:
    identifiers = [Identifier(system=ORGNR_SYSTEM, value=org.orgnr)] if org.orgnr else []
    identifiers += [Identifier(system=i.system, value=i.value) for i in org.identifiers]
    return OrganizationRecord(source_id=str(org.id), name=org.name, sector=Sector(org.sector), identifiers=identifiers, kommunenummer=org.kommunenummer)


def child_record(child: Child) -> ChildRecord:
    return ChildRecord(
        source_id=str(child.id),
        identifiers=[Identifier(system=i.system, value=i.value) for i in child.identifiers],
        names=_names(child.names),
        birth_date=child.birth_date,
        sex=child.sex,
        preferred_language=child.preferred_language,
        languages=list(child.languages or []),
        address=PostalAddress.model_validate(child.address) if child.address else None,
        deceased_at=child.deceased_at,
        unborn=child.unborn,
        expected_birth_date=child.expected_birth_date,
        extra=dict(child.extra or {}),
    )


def _guardian(guardian: Guardian, child_ref: str) -> GuardianRecord:
    return GuardianRecord(
        source_id=str(guardian.id),
        child_ref=child_ref,
        identifiers=[Identifier.model_validate(i) for i in guardian.identifiers or []],
        names=_names(guardian.names),
        relation=guardian.relation,
        parental_responsibility=guardian.parental_responsibility,
        may_see_log=guardian.may_see_log,
        contact=[ContactPoint.model_validate(c) for c in guardian.contact or []],
        address=PostalAddress.model_validate(guardian.address) if guardian.address else None,
        extra=dict(guardian.extra or {}),
    )


def _entry(entry: Entry, child_ref: str) -> EntryRecord:
    return EntryRecord(
        source_id=str(entry.lineage_id),
        child_ref=child_ref,
        kind=entry.kind,
        category=entry.category,
        sensitivity=entry.sensitivity,
        occurred_at=entry.occurred_at,
        text=entry.text,
        codes=[Code.model_validate(c) for c in entry.codes or []],
        payload=dict(entry.payload or {}),
        author_kind=entry.author_kind,
        author_org_ref=str(entry.author_organization_id) if entry.author_organization_id else None,
        author_name=entry.author_name,
        related_refs=[str(r) for r in entry.related or []],
        retracted=entry.retracted,
        version=entry.version,
        provenance=Provenance(
            source_system=entry.source_system,
            format=entry.source_format,
            source_record_id=entry.source_record_id,
            raw_checksum=entry.raw_checksum,
            mapping_version=entry.mapping_version,
            recorded_at=entry.recorded_at,
        ),
    )


def _measure(measure: Measure, child_ref: str) -> MeasureRecord:
    return MeasureRecord(
        source_id=str(measure.id),
        child_ref=child_ref,
        description=measure.description,
        category=measure.category,
        sensitivity=measure.sensitivity,
        responsible_org_ref=str(measure.responsible_organization_id) if measure.responsible_organization_id else None,
        responsible_home=measure.responsible_home,
        status=measure.status,
        start=measure.start_date,
        end=measure.end_date,
        evaluation_due=measure.evaluation_due,
        goal_refs=[str(g) for g in measure.goal_ids or []],
        codes=[Code.model_validate(c) for c in measure.codes or []],
        payload=dict(measure.payload or {}),
        evaluations=[
            EvaluationRecord(
                source_id=str(e.id),
                evaluated_at=e.evaluated_at,
                outcome=e.outcome,
                text=e.text,
                author_org_ref=str(e.author_organization_id) if e.author_organization_id else None,
            )
            for e in measure.evaluations
        ],
    )


def _consent(consent: Consent, child_ref: str, known_orgs: set[str]) -> ConsentRecord:
    return ConsentRecord(
        source_id=str(consent.id),
        child_ref=child_ref,
        given_by=ConsentGiver(consent.given_by),
        guardian_ref=str(consent.guardian_id) if consent.guardian_id else None,
        org_refs=[o for o in consent.organization_ids or [] if o in known_orgs],
        sectors=[Sector(s) for s in consent.sectors or []],
        categories=list(consent.categories or []),
        purpose=consent.purpose,
        valid_from=consent.valid_from,
        valid_to=consent.valid_to,
        document_ref=consent.document_ref,
        revoked_at=consent.revoked_at,
        status=consent.status,
    )


def build_case_view(view: CaseView, *, include_retracted: bool = False, include_consents: bool = True) -> ParsedBatch:
    """The case view in canonical records (retracted entries and measures left out unless asked for)."""
    session, case = view.session, view.case
    child = view.child
    child_ref = str(child.id)
    entries = [e for e in view.entries if include_retracted or not e.retracted]
    measures = [m for m in view.measures if include_retracted or not m.retracted]
    goals = view.goals
    participants = view.participants
    org_ids = {p.organization_id for p in participants}
    org_ids |= {e.author_organization_id for e in entries if e.author_organization_id}
    org_ids |= {m.responsible_organization_id for m in measures if m.responsible_organization_id}
    org_ids |= {ev.author_organization_id for m in measures for ev in m.evaluations if ev.author_organization_id}
    orgs = list(session.scalars(select(Organization).where(Organization.id.in_(org_ids)))) if org_ids else []
    known = {str(o.id) for o in orgs}
    consents = view.consents if include_consents else []
    child_view = child_record(child)
    child_view.identifiers = view.shown_identifiers(child_view.identifiers)
    return ParsedBatch(
        format="stafett-case",
        mapping_version=EXPORT_MAPPING_VERSION,
        source_system="stafett-hub",
        municipality=case.municipality,
        organizations=[_organization(o) for o in orgs],
        children=[child_view],
        guardians=[_guardian(g, child_ref) for g in child.guardians],
        case_facts=[
            CaseFact(
                source_id=str(case.id),
                child_ref=child_ref,
                municipality=case.municipality,
                bti_level=case.bti_level,
                status=case.status,
                opened_at=case.opened_at,
                closed_at=case.closed_at,
                participants=[Participant(org_ref=str(p.organization_id), role=p.role) for p in participants],
            )
        ],
        entries=[_entry(e, child_ref) for e in entries],
        goals=[
            GoalRecord(source_id=str(g.id), child_ref=child_ref, description=g.description, category=g.category, status=g.status, target_date=g.target_date, codes=[Code.model_validate(c) for c in g.codes or []])
            for g in goals
        ],
        measures=[_measure(m, child_ref) for m in measures],
        consents=[_consent(c, child_ref, known) for c in consents],
    )


def shown_entry_versions(view: CaseView, batch: ParsedBatch) -> list[uuid.UUID]:
    """The entry versions a canonical rendering of the view shows (for the audit record of the read)."""
    return view.entry_version_ids([uuid.UUID(e.source_id) for e in batch.entries])
