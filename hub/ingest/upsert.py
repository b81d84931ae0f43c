"""Turns one parsed batch into hub rows: organisations, children, cases, guardians, entries (versioned), goals,
measures, evaluations and consents, each keyed by (source system, record type, source id) with a content hash.
"""

# A sender writes to a child's case only when it takes part in it (or opens it: the first to know the child). Records
# of a child whose case it takes no part in are held: kept in the raw archive, put on the review list, not written.

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from hub.canonical.records import (
    CaseFact,
    ChildRecord,
    ConsentRecord,
    EntryRecord,
    EvaluationRecord,
    GoalRecord,
    GuardianRecord,
    MeasureRecord,
    NotMapped,
    OrganizationRecord,
    ParsedBatch,
    ReportWarning,
)
from hub.canonical.vocab import CaseStatus
from hub.cases import entries as case_entries
from hub.cases import participants, plan
from hub.cases import repository as case_repository
from hub.cases import service as cases_service
from hub.cases.models import Case, Evaluation, Goal, Measure
from hub.children import demographics
from hub.children import service as children_service
from hub.children.demographics import DemographicSource
from hub.children.models import Child, DemographicVersion, Guardian
from hub.consent import service as consent_service
from hub.consent.models import Consent
from hub.core.errors import InvalidInput
from hub.events import service as events
from hub.identity.held import HeldRecords
from hub.identity.resolver import Claim, Resolution, resolve_children
from hub.ingest.ledger import NewKey, SourceLedger, content_hash
from hub.ingest.models import SourceKey
from hub.ingest.report import IngestReport
from hub.organizations import service as organizations_service
from hub.organizations.models import Organization


class BatchWriter:
    """One run of the pipeline over one batch; holds the source-id → hub-row maps for this payload."""

    def __init__(
        self,
        session: Session,
        *,
        batch: ParsedBatch,
        source_system: str,
        raw_checksum: str,
        municipality: str | None,
        default_municipality: str | None,
        report: IngestReport,
        sender_organization: Organization | None = None,
        authoritative: bool = False,
    ):
        self.session = session
        # None: the hub itself loads the batch (tests, an operator): it takes part everywhere.
        self.sender_organization = sender_organization
        self.authoritative = authoritative
        self.batch = batch
        self.source_system = source_system
        self.raw_checksum = raw_checksum
        self.municipality = municipality
        self.default_municipality = default_municipality
        self.report = report
        self.ledger = SourceLedger(session, source_system=source_system, raw_checksum=raw_checksum)
        self.new_entry_rows: list[dict[str, Any]] = []  # inserted in one statement at the end of the run
        self.new_goal_rows: dict[uuid.UUID, dict[str, Any]] = {}  # likewise: new goals, by id
        self.new_measure_rows: dict[uuid.UUID, dict[str, Any]] = {}  # likewise: new measures without evaluations
        self.events: list[dict[str, Any]] = []  # domain events of the run's cases and consents, in one INSERT at the end
        self.orgs: dict[str, Organization] = {}
        self.children: dict[str, Child] = {}
        self.created_children: set[uuid.UUID] = set()  # made by this run: they have no case yet
        self.services: dict[uuid.UUID, frozenset[uuid.UUID]] = {}  # who takes part in the known children's cases
        self.outsiders: set[uuid.UUID] = set()  # known children others take part in the cases of, the sender in none
        self.strangers: set[uuid.UUID] = set()  # the outsiders' children, unless the sender is an authoritative source
        self.held: set[uuid.UUID] = set()  # children whose case records are held (outsiders, or not in the open case)
        self.held_records = HeldRecords(session, organization_id=sender_organization.id if sender_organization else None,
                                        raw_checksum=raw_checksum, source_format=batch.format)
        self.child_reviews: dict[uuid.UUID, list[uuid.UUID]] = {}  # possible-duplicate reviews, reported if listed
        self.cases: dict[uuid.UUID, Case] = {}
        self.guardians: dict[str, Guardian] = {}
        self.goals: dict[str, uuid.UUID] = {}  # goal source id -> the goal's id
        self.new_entries: dict[str, tuple[dict[str, Any], EntryRecord]] = {}
        self.fact_municipality: dict[str, str] = {
            fact.child_ref: fact.municipality for fact in batch.case_facts if fact.municipality
        }

    # --- bookkeeping -----------------------------------------------------------------------------------------

    def provenance(self, source_id: str) -> dict[str, str | None]:
        return {
            "source_system": self.source_system,
            "source_format": self.batch.format,
            "source_record_id": source_id,
            "raw_checksum": self.raw_checksum,
            "mapping_version": self.batch.mapping_version,
        }

    def preload_keys(self) -> None:
        self.ledger.preload(
            {r.source_id for part in self._record_lists() for r in part}
            | {
                e.source_id or f"{m.source_id}#evaluation-{index}"
                for m in self.batch.measures
                for index, e in enumerate(m.evaluations)
            }
        )

    def _record_lists(self) -> list[list[Any]]:
        b = self.batch
        return [b.organizations, b.children, b.case_facts, b.guardians, b.entries, b.goals, b.measures, b.consents]

    def outcome(self, record_type: str, source_id: str, digest: str) -> tuple[SourceKey | NewKey | None, str]:
        return self.ledger.outcome(record_type, source_id, digest)

    def remember(
        self, record_type: str, source_id: str, digest: str, target_id: uuid.UUID, case_id: uuid.UUID | None = None
    ) -> None:
        self.ledger.remember(record_type, source_id, digest, target_id, case_id)

    def warn(self, code: str, message: str, path: str | None = None) -> None:
        self.report.warnings.append(ReportWarning(code=code, message=message, path=path))

    # --- the run ---------------------------------------------------------------------------------------------

    def run(self) -> None:
        self.preload_keys()
        for org in self.batch.organizations:
            self.organization(org)
        self.resolve_children()
        self.session.flush()
        for fact in self.batch.case_facts:
            self.case_fact(fact)
        for guardian in self.batch.guardians:
            self.guardian(guardian)
        for goal in self.batch.goals:
            self.goal(goal)
        self.session.flush()
        for entry in self.batch.entries:
            self.entry(entry)
        self.link_related()
        for measure in self.batch.measures:
            self.measure(measure)
        for consent in self.batch.consents:
            self.consent(consent)
        if self.batch.is_full_extract:
            self.retract_missing_entries()
        self.held_records.finish(self.outsiders)
        self.session.flush()
        self.insert_new_rows()
        self.list_children()

    def insert_new_rows(self) -> None:
        """New goals, measures, entries and source keys in one INSERT each (after the flush that wrote their cases)."""
        plan.write_new(self.session, Goal, list(self.new_goal_rows.values()))
        plan.write_new(self.session, Measure, list(self.new_measure_rows.values()))
        case_entries.write_entry_versions(self.session, self.new_entry_rows, origin="ingest")
        self.new_goal_rows, self.new_measure_rows, self.new_entry_rows = {}, {}, []
        events.record_many(self.session, self.events)
        self.events = []
        self.ledger.write()

    # --- organisations ---------------------------------------------------------------------------------------

    def organization(self, rec: OrganizationRecord) -> None:
        """Linked to the registry's organisation or added to it; a payload never renames or moves a known one."""
        digest = content_hash(rec)
        key, outcome = self.outcome("organization", rec.source_id, digest)
        org = self.session.get(Organization, key.target_id) if key else None
        if org is None:
            org, created, differs = organizations_service.apply_record(self.session, rec)
            if not created:
                outcome = "unchanged"  # linked to the registry's organisation; nothing of it changes
        else:
            differs = organizations_service.differences(org, rec)
            if outcome == "updated":
                outcome = "unchanged"  # a payload's later version of it changes nothing in the registry either
        if differs:
            self.warn("organisation-registry-kept", f"organisation {rec.source_id}: the payload's {' and '.join(differs)} "
                      "differ from the hub's registry, which is kept", f"organisation {rec.source_id}")
        self.orgs[rec.source_id] = org
        self.report.count(outcome)
        self.remember("organization", rec.source_id, digest, org.id)

    def org_for(self, ref: str | None, path: str) -> Organization | None:
        if ref is None:
            return None
        org = self.orgs.get(ref)
        if org is None:
            self.warn("unknown-organization-ref", f"organisation reference {ref!r} is not in the payload", path)
        return org

    # --- children and cases ----------------------------------------------------------------------------------

    def resolve_children(self) -> None:
        """Every child record of the batch resolved at once (shared identifiers, source keys, the matcher), then counted.

        A child the hub knew, whose cases others take part in and the sender in none, is an outsider's: its case records
        are held; and unless the sender is an authoritative source (whose demographics rank first), it is a stranger's
        claim: it links no identifier, and its demographics, guardians and consents are kept but not shown."""
        records = self.batch.children
        digests = [content_hash(rec) for rec in records]
        outcomes = [self.outcome("child", rec.source_id, digest) for rec, digest in zip(records, digests)]
        claims = [Claim(rec, key.target_id if key else None) for rec, (key, _) in zip(records, outcomes)]
        municipality = self.municipality or self.batch.municipality or (self.sender_organization.kommunenummer if self.sender_organization else None)
        resolutions = resolve_children(self.session, claims, municipality=municipality)
        self.created_children.update(r.child.id for r in resolutions if r.created)
        known = {r.child.id for r in resolutions} - self.created_children
        with self.session.no_autoflush:  # the new children are written once, with their demographics
            self.services = demographics.services_of(self.session, known) if known else {}
        self.outsiders = {r.child.id for r in resolutions if self.is_outsider(r.child)}
        self.strangers = set() if self.authoritative else set(self.outsiders)
        for resolution in resolutions:
            if resolution.child.id in self.strangers:
                resolution.unlink()
        self.held |= self.outsiders
        shown = {r.child.id for r, (_, outcome) in zip(resolutions, outcomes)
                 if r.child.id in known and r.child.id not in self.strangers and outcome != "unchanged"}
        with self.session.no_autoflush:
            history = demographics.versions_of(self.session, shown) if shown else {}
        versions = [
            self.demographics(rec, resolution, outcome, history)
            for rec, resolution, (_, outcome) in zip(records, resolutions, outcomes)
        ]
        for rec, digest, resolution, version in zip(records, digests, resolutions, versions):
            self.child(rec, digest, resolution, version)

    def is_outsider(self, child: Child) -> bool:
        """Whether the sender takes part in none of the cases of a child the hub knew, while others do."""
        if self.sender_organization is None or child.id in self.created_children:
            return False
        services = self.services.get(child.id, frozenset())
        return bool(services) and self.sender_organization.id not in services

    def demographics(
        self, rec: ChildRecord, resolution: Resolution, outcome: str, history: dict[uuid.UUID, list[DemographicVersion]]
    ) -> DemographicVersion | None:
        """The record's demographics as the sender's version (none for an unchanged re-send), shown as the rule says."""
        child = resolution.child
        new_child = child.id in self.created_children
        if outcome == "unchanged" and not new_child:
            return None
        source = DemographicSource(
            organization=self.sender_organization, source_system=self.source_system, source_format=self.batch.format,
            raw_checksum=self.raw_checksum, mapping_version=self.batch.mapping_version, authoritative=self.authoritative,
        )
        return demographics.record_demographics(
            self.session, child=child, record=rec, source=source, services=self.services.get(child.id, frozenset()),
            history=history.get(child.id), new_child=new_child,
        )

    def child(
        self, rec: ChildRecord, digest: str, resolution: Resolution, version: DemographicVersion | None,
    ) -> None:
        key, outcome = self.outcome("child", rec.source_id, digest)
        child = resolution.child
        stranger = child.id in self.strangers
        if not stranger:  # a stranger learns nothing of the children the hub holds
            for message in resolution.warnings:
                self.warn("identity-conflict", message, f"child {rec.source_id}")
        if resolution.created:
            outcome = "created"
            self.created_children.add(child.id)
            if self.sender_organization is not None:  # the sender brought the child: it may open its own case for it
                child.registered_by_organization_id = self.sender_organization.id
        elif key is None and not stranger:
            outcome = "updated"  # (a stranger's first record of a known child counts as created, as for a new one)
        if stranger and version is not None:
            self.held_records.demographics_kept(child.id, version)
        for review in resolution.reviews:
            self.child_reviews.setdefault(child.id, []).append(review.id)
        self.children[rec.source_id] = child
        self.report.about_child(child.id)
        self.report.count(outcome)
        self.remember("child", rec.source_id, digest, child.id)

    def child_for(self, ref: str, path: str) -> Child | None:
        child = self.children.get(ref)
        if child is None:
            self.report.not_mapped.append(
                _not_mapped(path, f"refers to child {ref!r}, which the payload does not contain")
            )
        return child

    def municipality_for(self, child_ref: str, child: Child) -> str:
        chosen = (
            self.municipality
            or self.fact_municipality.get(child_ref)
            or self.batch.municipality
            or (self.sender_organization.kommunenummer if self.sender_organization else None)
            or self.default_municipality
        )
        if not chosen:
            raise InvalidInput(
                "the hub cannot tell which municipality this payload belongs to: pass ?municipality=<kommunenummer>",
                location="municipality",
            )
        return chosen

    def case_for(self, child_ref: str, child: Child) -> Case | None:
        """The case the sender's records of this child go to: its open case in the municipality if the sender takes part
        in it, else a new one (never for a stranger). None when the records are held: the caller holds each one."""
        case = self.cases.get(child.id)
        if case is None:
            municipality = self.municipality_for(child_ref, child)  # asked of every child alike: no oracle
            if child.id in self.held:
                return None
            case = None
            if child.id not in self.created_children:
                with self.session.no_autoflush:  # pending rows of other children cannot change this answer
                    case = case_repository.open_case_for(self.session, child.id, municipality)
            if case is not None and not self.takes_part(case):
                self.held.add(child.id)  # pushing does not make the sender a participant of someone else's case
                return None
            if case is None:
                case = Case(id=uuid.uuid4(), child_id=child.id, municipality=municipality, bti_level=0)
                self.session.add(case)  # flushed with the rest of the batch
                self.events.append(cases_service.case_opened_row(case, origin="ingest"))
                self.report.touch(self.report.cases_opened, case.id)
            self.cases[child.id] = case
            self.report.touch(self.report.cases, case.id)
            self.participate(case, self.sender_organization, "source")
        return case

    def takes_part(self, case: Case) -> bool:
        """The sender may write to this case: the hub itself, a participant, or anyone while nobody takes part."""
        return participants.may_write(case, self.sender_organization.id if self.sender_organization else None)

    def hold(self, child: Child, source_id: str) -> None:
        """A record of a child whose case the sender does not take part in: not written (its payload is archived), counted
        and put on the child's review row."""
        self.report.recorded_for_review += 1
        self.report.held_source_ids.add(source_id)
        self.held_records.hold(child.id)

    def list_children(self) -> None:
        """The report names the children (and their reviews) the sender takes part in a case of; the rest are counted."""
        sender = self.sender_organization
        for child_id in self.report.touched_children:
            listed = (
                sender is None
                or child_id in self.cases
                or sender.id in self.services.get(child_id, frozenset())
            )
            if listed:
                self.report.touch(self.report.children, child_id)
                for review_id in self.child_reviews.get(child_id, []):
                    self.report.touch(self.report.identity_reviews, review_id)
            else:
                self.report.children_not_listed += 1

    def participate(self, case: Case, org: Organization | None, role: str | None = None) -> None:
        """Add `org` with `role`; without a role (a measure's responsible organisation), only if it takes no part yet."""
        if org is None:
            return
        if role is None:
            participants.join_if_absent(case, org.id, org.sector.value)
        else:
            participants.join(case, org.id, role)

    def case_fact(self, rec: CaseFact) -> None:
        child = self.child_for(rec.child_ref, f"case {rec.source_id}")
        if child is None:
            return
        digest = content_hash(rec)
        _key, outcome = self.outcome("case_fact", rec.source_id, digest)
        case = self.case_for(rec.child_ref, child)
        if case is None:
            self.hold(child, rec.source_id)
            return
        if outcome != "unchanged":
            for participant in rec.participants:
                self.participate(case, self.org_for(participant.org_ref, f"case {rec.source_id}"), participant.role)
            if rec.bti_level is not None and case.status == CaseStatus.open:
                cases_service.set_level(self.session, case=case, level=rec.bti_level, origin="ingest")
        self.report.count(outcome)
        self.remember("case_fact", rec.source_id, digest, case.id, case.id)

    # --- guardians -------------------------------------------------------------------------------------------

    def guardian(self, rec: GuardianRecord) -> None:
        child = self.child_for(rec.child_ref, f"guardian {rec.source_id}")
        if child is None:
            return
        if child.id in self.strangers:  # a guardian (who may come to see the log) only from the child's services
            self.hold(child, rec.source_id)
            return
        digest = content_hash(rec)
        key, outcome = self.outcome("guardian", rec.source_id, digest)
        guardian = self.session.get(Guardian, key.target_id) if key else None
        if guardian is None or outcome != "unchanged":  # (matched by national id, or made, when the key's row is gone)
            guardian, created = children_service.apply_guardian_record(
                child=child, guardian=guardian, record=rec, provenance=self.provenance(rec.source_id))
            if created:
                outcome = "created"
            elif outcome == "created" or (key is not None and outcome == "unchanged"):
                outcome = "updated"
        self.session.flush()
        self.guardians[rec.source_id] = guardian
        self.report.count(outcome)
        self.remember("guardian", rec.source_id, digest, guardian.id)

    def guardian_id(self, ref: str | None) -> uuid.UUID | None:
        if ref is None:
            return None
        guardian = self.guardians.get(ref)
        if guardian is None:
            return self.ledger.target("guardian", ref)
        return guardian.id

    # --- entries ---------------------------------------------------------------------------------------------

    def entry(self, rec: EntryRecord) -> None:
        child = self.child_for(rec.child_ref, f"entry {rec.source_id}")
        if child is None:
            return
        if rec.retracted and rec.retracts == "measure":
            self.retract_measure(rec.source_id)  # only the sender's own measures: its keys are its own
            return
        digest = content_hash(rec)
        key, outcome = self.outcome("entry", rec.source_id, digest)
        case = self.case_for(rec.child_ref, child)
        if case is None:
            self.hold(child, rec.source_id)
            return
        # An author named in the payload is not made a participant: only the sender, the case facts' participants
        # and a measure's responsible organisation get a part in (and so access to) the case.
        author = self.org_for(rec.author_org_ref, f"entry {rec.source_id}")
        if outcome == "unchanged":
            self.report.count(outcome)
            return
        previous = case_repository.latest_in_lineage(self.session, key.target_id) if key else None
        if previous is None and rec.retracted:
            self.warn("retraction-of-unknown-record", f"entry {rec.source_id} is retracted but the hub never had it")
            self.report.count("unchanged")
            return
        if previous is not None and previous.retracted and rec.retracted:
            self.report.count("unchanged")
            self.remember("entry", rec.source_id, digest, previous.lineage_id, previous.case_id)
            return
        values = case_entries.source_values(rec, author_id=author.id if author else None) | self.provenance(rec.source_id)
        row = case_entries.source_version_row(previous, case_id=case.id, values=values)
        self.new_entry_rows.append(row)
        self.new_entries[rec.source_id] = (row, rec)
        self.report.count(outcome)
        self.remember("entry", rec.source_id, digest, row["lineage_id"], row["case_id"])

    def link_related(self) -> None:
        for entry, rec in self.new_entries.values():
            related = []
            for ref in rec.related_refs:
                key = self.ledger.get("entry", ref)
                if key is None:
                    self.warn("unknown-related-entry", f"entry {rec.source_id} links to unknown entry {ref!r}")
                else:
                    related.append(str(key.target_id))
            entry["related"] = related

    def retract_measure(self, source_id: str) -> None:
        key = self.ledger.get("measure", source_id)
        measure = self.session.get(Measure, key.target_id) if key else None
        if key is None or measure is None:
            self.warn("retraction-of-unknown-record", f"measure {source_id} is retracted but the hub never had it")
            self.report.count("unchanged")
            return
        if not plan.retract_measure(measure):
            self.report.count("unchanged")
            return
        self.ledger.retracted(key)
        self.report.count("updated")

    def retract_missing_entries(self) -> None:
        """A full extract lists everything the source still has for these cases: retract what it no longer lists."""
        listed = {("entry", e.source_id) for e in self.batch.entries} | {("measure", m.source_id) for m in self.batch.measures}
        case_ids = [case.id for case in self.cases.values()]
        if not case_ids:
            return
        for key in self.ledger.of_cases(("entry", "measure"), case_ids):
            if (key.record_type, key.source_id) in listed:
                continue
            if key.record_type == "measure":
                self.retract_measure(key.source_id)
                continue
            latest = case_repository.latest_in_lineage(self.session, key.target_id)
            if latest is None or latest.retracted:
                continue
            self.new_entry_rows.append(case_entries.next_version_row(
                latest, reason="no longer in the source's full extract", retracted=True, raw_checksum=self.raw_checksum
            ))
            self.ledger.retracted(key)  # listing it again later restores it as a new version
            self.report.count("updated")

    # --- goals, measures, evaluations, consents --------------------------------------------------------------

    def goal(self, rec: GoalRecord) -> None:
        child = self.child_for(rec.child_ref, f"goal {rec.source_id}")
        if child is None:
            return
        digest = content_hash(rec)
        key, outcome = self.outcome("goal", rec.source_id, digest)
        case = self.case_for(rec.child_ref, child)
        if case is None:
            self.hold(child, rec.source_id)
            return
        values = plan.goal_values(rec, self.provenance(rec.source_id))
        if key is not None and key.target_id in self.new_goal_rows:  # the payload lists the goal twice
            row = self.new_goal_rows[key.target_id]
            row.update(values)
            self.report.count("unchanged" if outcome == "unchanged" else "updated")
            return
        goal = self.session.get(Goal, key.target_id) if key else None
        if goal is None:
            row = plan.new_row(case.id, values)
            self.new_goal_rows[row["id"]] = row
            goal_id, case_id, outcome = row["id"], case.id, "created"
        else:
            if outcome != "unchanged":
                plan.update(goal, values)
            goal_id, case_id = goal.id, goal.case_id
        self.goals[rec.source_id] = goal_id
        self.report.count(outcome)
        self.remember("goal", rec.source_id, digest, goal_id, case_id)

    def goal_id(self, ref: str) -> str | None:
        target = self.goals.get(ref) or self.ledger.target("goal", ref)
        return str(target) if target else None

    def measure(self, rec: MeasureRecord) -> None:
        child = self.child_for(rec.child_ref, f"measure {rec.source_id}")
        if child is None:
            return
        digest = content_hash(rec.model_copy(update={"evaluations": []}))
        key, outcome = self.outcome("measure", rec.source_id, digest)
        case = self.case_for(rec.child_ref, child)
        if case is None:
            self.hold(child, rec.source_id)
            return
        responsible = self.org_for(rec.responsible_org_ref, f"measure {rec.source_id}")
        values = plan.measure_values(
            rec, responsible_id=responsible.id if responsible else None,
            goal_ids=[g for g in (self.goal_id(ref) for ref in rec.goal_refs) if g], provenance=self.provenance(rec.source_id),
        )
        if key is not None and key.target_id in self.new_measure_rows and not rec.evaluations:  # listed twice
            self.new_measure_rows[key.target_id].update(values)
            self.report.count("unchanged" if outcome == "unchanged" else "updated")
            return
        measure = self.session.get(Measure, key.target_id) if key else None
        if measure is None and not rec.evaluations:
            # a new measure without evaluations: a row for the run's INSERT (an ORM object costs ~10x as much)
            row = plan.new_row(case.id, values)
            self.new_measure_rows[row["id"]] = row
            self.participate(case, responsible)
            self.report.count("created")
            self.remember("measure", rec.source_id, digest, row["id"], row["case_id"])
            return
        if measure is None:
            measure = Measure(id=uuid.uuid4(), case_id=case.id, description=rec.description, category=rec.category)
            self.session.add(measure)
            outcome = "created"
        if outcome != "unchanged":
            plan.update(measure, values)
            self.participate(case, responsible)
        self.report.count(outcome)
        self.remember("measure", rec.source_id, digest, measure.id, measure.case_id)
        for index, evaluation in enumerate(rec.evaluations):
            self.evaluation(measure, evaluation, evaluation.source_id or f"{rec.source_id}#evaluation-{index}")

    def evaluation(self, measure: Measure, rec: EvaluationRecord, source_id: str) -> None:
        digest = content_hash(rec)
        key, outcome = self.outcome("evaluation", source_id, digest)
        evaluation = self.session.get(Evaluation, key.target_id) if key else None
        if evaluation is None:
            evaluation = plan.new_evaluation(measure, source_id=source_id)
            outcome = "created"
        if outcome != "unchanged":
            author = self.org_for(rec.author_org_ref, f"evaluation {source_id}")
            plan.update(evaluation, plan.evaluation_values(rec, author_id=author.id if author else None))
        self.report.count(outcome)
        self.remember("evaluation", source_id, digest, evaluation.id, measure.case_id)

    def consent(self, rec: ConsentRecord) -> None:
        child = self.child_for(rec.child_ref, f"consent {rec.source_id}")
        if child is None:
            return
        if child.id in self.strangers:  # a consent is a basis to see the case: only from the child's services
            self.hold(child, rec.source_id)
            return
        digest = content_hash(rec)
        key, outcome = self.outcome("consent", rec.source_id, digest)
        consent = self.session.get(Consent, key.target_id) if key else None
        if consent is None or outcome != "unchanged":
            consent, event = consent_service.apply_source_record(
                self.session, child=child, consent=consent, record=rec, guardian_id=self.guardian_id(rec.guardian_ref),
                organization_ids=[org.id for org in (self.org_for(ref, f"consent {rec.source_id}") for ref in rec.org_refs) if org],
                provenance=self.provenance(rec.source_id),
                recorded_by=self.sender_organization.id if self.sender_organization else None,
            )
            data = event["data"]
            outcome = "created" if isinstance(data, dict) and data.get("change") == "recorded" else outcome
            self.events.append(event)
        self.report.count(outcome)
        self.remember("consent", rec.source_id, digest, consent.id)


def _not_mapped(path: str, reason: str) -> NotMapped:
    return NotMapped(path=path, reason=reason)
