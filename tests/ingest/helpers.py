"""Helpers for pipeline tests: run a canonical batch through the real BatchWriter, count every table's rows, and take
an organisation into a child's case as its coordinator would (a push alone does not make it a participant).
"""

import hashlib
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.canonical import ParsedBatch
from hub.canonical.vocab import CaseStatus
from hub.cases import service as cases
from hub.cases.models import Case
from hub.db.engine import session_scope
from hub.db.models import metadata
from hub.ingest.report import IngestReport
from hub.ingest.upsert import BatchWriter


def write_batch(session: Session, batch: ParsedBatch, *, source_system="test-system", municipality="1106") -> IngestReport:
    checksum = hashlib.sha256(batch.model_dump_json().encode()).hexdigest()
    report = IngestReport(format=batch.format, source_system=source_system, raw_checksum=checksum, archived=True)
    BatchWriter(
        session,
        batch=batch,
        source_system=source_system,
        raw_checksum=checksum,
        municipality=municipality,
        default_municipality=None,
        report=report,
    ).run()
    session.commit()
    return report


# The audit trail records every call by design (a re-send is an access too), and token requests spend assertions.
NOT_CASE_DATA = {"audit_event", "audit_head", "used_assertion"}


def row_counts(engine) -> dict[str, int]:
    """Row count of every table that holds case data."""
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
            if t.name not in NOT_CASE_DATA
        }


def take_into_case(engine, *, organization_id, role: str, case_id=None, child_id=None) -> str:
    """Make the organisation a participant of the case (or of the child's open case), through the cases service, as a
    participant with case.write would by POST /cases/{id}/participants; the case id."""
    with session_scope(engine) as session:
        if case_id is not None:
            case = session.get(Case, uuid.UUID(str(case_id)))
        else:
            case = session.scalar(select(Case).where(Case.child_id == uuid.UUID(str(child_id)), Case.status == CaseStatus.open))
        cases.add_participant(session, case=case, organization_id=uuid.UUID(str(organization_id)), role=role)
        return str(case.id)
