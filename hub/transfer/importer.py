"""Writes an accepted package into the destination hub: organisations (matched by organisasjonsnummer or identifier),
the child (matched through hub.identity.resolver, never duplicated), guardians, the case with every entry version
under new ids and the same lineage structure, goals, measures, evaluations, consents and raw source records.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.archive.models import SourceRecord
from hub.canonical.records import ChildRecord
from hub.cases import participants, plan
from hub.cases import repository as cases
from hub.cases import service as cases_service
from hub.cases.entries import write_entry_versions
from hub.cases.models import Case, CoordinatorAssignment, Entry, Evaluation, Goal, Measure
from hub.children import service as children_service
from hub.children.demographics import DemographicSource, record_demographics, services_of
from hub.children.models import Child, Guardian
from hub.consent import service as consent_service
from hub.consent.models import Consent
from hub.core.ownership import owner_key
from hub.identity.resolver import resolve_child
from hub.organizations import service as organizations
from hub.organizations.models import Organization, OrganizationIdentifier
from hub.transfer import fingerprint
from hub.transfer.rows import column_values, from_row, to_row, values_to_row
from hub.transfer.seal import PackageRejected


class Importer:
    """One acceptance: maps the origin's ids to this hub's rows while writing them."""

    def __init__(self, session: Session, *, claims: dict[str, Any], received_from: str):
        self.session = session
        self.claims = claims
        self.received_from = received_from
        self.ids: dict[str, uuid.UUID] = {}  # origin id (str) -> this hub's id
        self.orgs: dict[uuid.UUID, Organization] = {}
        self.written: dict[str, list[Any]] = {"entries": [], "goals": [], "measures": [], "evaluations": [], "coordinators": []}

    def new(self, old: str) -> uuid.UUID:
        self.ids[old] = uuid.uuid4()
        return self.ids[old]

    def ref(self, old: str | None) -> uuid.UUID | None:
        return self.ids.get(old) if old else None

    def run(self, *, municipality: str) -> Case:
        for org in self.claims["organizations"]:
            self.organization(org)
        child = self.child()
        self.guardians(child)
        case = self.case(child, municipality)
        for row in self.claims["coordinators"]:
            assignment = from_row(CoordinatorAssignment, row, exclude=("id",), id=self.new(row["id"]), case_id=case.id,
                                  organization_id=self.ref(row.get("organization_id")))
            case.coordinators.append(assignment)
            self.written["coordinators"].append(assignment)
        self.session.flush()
        self.entries(case)
        self.goals_and_measures(case)
        self.consents(child)
        self.source_records()
        self.session.flush()
        self.verify(case)
        return case

    # --- people and organisations ---------------------------------------------------------------------------

    def organization(self, row: dict[str, Any]) -> None:
        found, _ = organizations.match_or_create(
            self.session, orgnr=row.get("orgnr"), identifiers=[(i["system"], i["value"]) for i in row.get("identifiers", [])],
            fallback=lambda: self.session.get(Organization, uuid.UUID(row["id"])),
            new=lambda: from_row(Organization, row, identifiers=[OrganizationIdentifier(system=i["system"], value=i["value"]) for i in row.get("identifiers", [])]),
        )
        self.ids[row["id"]] = found.id
        self.orgs[found.id] = found

    def child(self) -> Child:
        """The package's child, matched or made; its demographics are the origin hub's version (the hub's own standing:
        the destination's coordinator accepted the case), weighed by the same rule as every other source's."""
        record = ChildRecord.model_validate({k: v for k, v in self.claims["child"].items() if k != "row"})
        resolution = resolve_child(self.session, record=record, known_child_id=None)
        child = resolution.child
        row = self.claims["child"].get("row", {})
        source = DemographicSource(
            organization=None, source_system=owner_key("transfer", self.received_from)[:200], source_format="transfer",
            raw_checksum=self.claims.get("content_sha256"),
        )
        record_demographics(
            self.session, child=child, record=record, source=source,
            services=services_of(self.session, [child.id]).get(child.id, frozenset()),
            new_child=resolution.created, kommunenummer=row.get("kommunenummer"),
        )
        self.ids[self.claims["child"]["row"]["id"]] = child.id
        self.session.flush()
        return child

    def guardians(self, child: Child) -> None:
        for row in self.claims["guardians"]:
            national_id = row.get("national_id") or children_service.national_id_of(row.get("identifiers") or [])
            existing = children_service.guardian_by_national_id(child, national_id)
            if existing is None:
                existing = from_row(Guardian, row, exclude=("id",), id=uuid.uuid4(), child_id=child.id)
                child.guardians.append(existing)
            self.ids[row["id"]] = existing.id
        self.session.flush()

    # --- the case ------------------------------------------------------------------------------------------

    def case(self, child: Child, municipality: str) -> Case:
        row = self.claims["case"]
        case = cases.open_case_for(self.session, child.id, municipality)
        if case is None:
            case = Case(id=uuid.uuid4(), child_id=child.id, municipality=municipality, bti_level=row["bti_level"])
            case.opened_at = datetime.fromisoformat(row["opened_at"])
            self.session.add(case)
            self.session.flush()
            cases_service.case_opened(self.session, case=case, origin="transfer")
        case.received_from = self.received_from
        self.ids[row["id"]] = case.id
        for p in self.claims["participants"]:
            organization_id = self.ref(p["organization_id"])
            if organization_id:
                participants.join(case, organization_id, p["role"])
        self.session.flush()
        return case

    def entries(self, case: Case) -> None:
        rows = sorted(self.claims["entries"], key=lambda r: (r["lineage_id"], r["version"]))
        for row in rows:
            if row["lineage_id"] not in self.ids:
                self.new(row["lineage_id"])
            self.new(row["id"])
        self.written["entries"] = write_entry_versions(self.session, [
            column_values(
                Entry, row, exclude=("id",),
                id=self.ids[row["id"]], case_id=case.id, lineage_id=self.ids[row["lineage_id"]],
                previous_id=self.ref(row.get("previous_id")),
                author_organization_id=self.ref(row.get("author_organization_id")),
                author_guardian_id=self.ref(row.get("author_guardian_id")),
                related=[str(self.ids.get(r, r)) for r in row.get("related") or []],
            )
            for row in rows
        ], origin="transfer")

    def goals_and_measures(self, case: Case) -> None:
        """The plan's rows under new ids, written by the plan's writer in one INSERT per kind."""
        goals = [column_values(Goal, row, exclude=("id",), id=self.new(row["id"]), case_id=case.id) for row in self.claims["goals"]]
        measures = [
            column_values(
                Measure, row, exclude=("id",), id=self.new(row["id"]), case_id=case.id,
                responsible_organization_id=self.ref(row.get("responsible_organization_id")),
                goal_ids=[str(self.ids.get(g, g)) for g in row.get("goal_ids") or []],
                due_noticed_on=None,  # this hub announces a due evaluation to its own services again
            )
            for row in self.claims["measures"]
        ]
        evaluations = [
            column_values(
                Evaluation, row, exclude=("id",), id=self.new(row["id"]), measure_id=self.ids[row["measure_id"]],
                author_organization_id=self.ref(row.get("author_organization_id")),
                author_guardian_id=self.ref(row.get("author_guardian_id")),
            )
            for row in self.claims["evaluations"]
        ]
        plan.write_new(self.session, Goal, goals)
        plan.write_new(self.session, Measure, measures)
        plan.write_new(self.session, Evaluation, evaluations)
        self.written["goals"], self.written["measures"], self.written["evaluations"] = goals, measures, evaluations

    def consents(self, child: Child) -> None:
        for row in self.claims["consents"]:
            consent = from_row(
                Consent, row, exclude=("id",), id=uuid.uuid4(), child_id=child.id,
                guardian_id=self.ref(row.get("guardian_id")),
                organization_ids=[str(self.ids[o]) for o in row.get("organization_ids") or [] if o in self.ids],
            )
            self.session.add(consent)
            self.session.flush()
            consent_service.consent_changed(self.session, consent=consent, change="received")

    def source_records(self) -> None:
        for row in self.claims["source_records"]:
            if self.session.get(SourceRecord, row["sha256"]) is None:
                self.session.add(from_row(SourceRecord, row))

    # --- integrity -----------------------------------------------------------------------------------------

    def verify(self, case: Case) -> None:
        """What was written must have the checksum the origin signed; otherwise nothing is kept."""
        orgs = [to_row(o) for o in self.orgs.values()]
        child = self.session.get(Child, case.child_id)
        if child is None:
            raise PackageRejected("the imported case has no child; nothing was kept")
        got = fingerprint.checksum(
            case=self.claims["case"],
            entries=[values_to_row(e) for e in self.written["entries"]],
            goals=[values_to_row(g) for g in self.written["goals"]],
            measures=[values_to_row(m) for m in self.written["measures"]],
            evaluations=[values_to_row(e) for e in self.written["evaluations"]],
            coordinators=[to_row(c) for c in self.written["coordinators"]],
            organizations=orgs,
            guardians=[to_row(g) for g in child.guardians],
        )
        if got != self.claims["content_sha256"]:
            raise PackageRejected("the imported case does not match the content checksum the origin signed; nothing was kept")
