"""The ingest pipeline: check the format and media type, archive the raw bytes (sha256, stored once), parse with
the adapter, write the batch, return the report; an Idempotency-Key replays the first answer. A bulk load hands in
canonical batches (ingest_batch) that the same writer takes.
"""

from __future__ import annotations

import hashlib
import logging
from functools import partial
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from adapters.base import Adapter, ValidatesAside
from adapters.registry import get_adapter
from hub.archive.models import SourceRecord
from hub.audit import service as audit
from hub.auth.principal import Principal
from hub.canonical import ParsedBatch
from hub.core.errors import Conflict, PayloadRejected, PayloadTooLarge, UnsupportedMediaType
from hub.core.ownership import owner_key
from hub.core.settings import Settings
from hub.core.validation import check_kommunenummer
from hub.ingest.models import IngestReceipt
from hub.ingest.report import IngestReport
from hub.ingest.upsert import BatchWriter
from hub.ops import metrics
from hub.organizations.models import Organization

log = logging.getLogger("hub.ingest")


def _base_media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def check_media_type(adapter: Adapter, content_type: str | None) -> None:
    base = _base_media_type(content_type)
    if base is not None and base not in adapter.media_types:
        raise UnsupportedMediaType(
            f"format {adapter.format} takes {', '.join(adapter.media_types)}; got Content-Type {base}"
        )


def archive(session: Session, *, payload: bytes, checksum: str, format_id: str, media_type: str | None, sender: str | None) -> bool:
    """Store the raw bytes once; True when they were new."""
    if session.scalar(select(SourceRecord.sha256).where(SourceRecord.sha256 == checksum)) is not None:
        return False  # (asked by key alone: the stored payload can be megabytes)
    # Core, not the ORM: the row is written at once and no object holding the payload stays in the session.
    session.execute(
        insert(cast(Table, SourceRecord.__table__)).values(
            sha256=checksum, format=format_id, media_type=media_type, sender=sender, size=len(payload), payload=payload
        )
    )
    return True


def ingest_payload(
    session: Session,
    *,
    settings: Settings,
    format_id: str,
    payload: bytes,
    content_type: str | None = None,
    sender: str | None = None,
    sender_organization: Organization | None = None,
    municipality: str | None = None,
    idempotency_key: str | None = None,
) -> IngestReport:
    adapter = get_adapter(format_id)
    check_media_type(adapter, content_type)
    if len(payload) > settings.max_payload_bytes:
        raise PayloadTooLarge(f"payload is {len(payload)} bytes; the limit is {settings.max_payload_bytes}")
    if not payload:
        raise PayloadRejected("the payload is empty")
    if municipality is not None:
        try:
            check_kommunenummer(municipality)
        except ValueError as exc:
            raise PayloadRejected(str(exc), location="municipality") from None
    checksum = hashlib.sha256(payload).hexdigest()
    receipt_sender = sender or "anonymous"
    if idempotency_key:
        earlier = session.scalar(
            select(IngestReceipt).where(
                IngestReceipt.sender == receipt_sender, IngestReceipt.idempotency_key == idempotency_key
            )
        )
        if earlier is not None:
            if earlier.raw_checksum != checksum:
                raise Conflict("Idempotency-Key was already used with a different payload")
            return IngestReport.model_validate({**earlier.report, "replayed": True})

    write = partial(_write, session, settings=settings, format_id=format_id, payload=payload, checksum=checksum,
                    content_type=content_type, sender=sender, sender_organization=sender_organization,
                    municipality=municipality)
    workers = settings.validation_workers
    if workers > 0 and isinstance(adapter, ValidatesAside):
        batch, verdict = adapter.parse_validating_aside(payload, media_type=content_type, workers=workers)
        with verdict.overrules_faults():
            report = write(batch)
        verdict.wait()  # nothing commits before the payload proved valid
    else:
        report = write(adapter.parse(payload, media_type=content_type))
    if idempotency_key:
        session.add(
            IngestReceipt(
                sender=receipt_sender,
                idempotency_key=idempotency_key,
                raw_checksum=checksum,
                format=format_id,
                report=report.model_dump(mode="json"),
            )
        )
    log.info(
        "ingested",
        extra={
            "format": format_id, "sha256": checksum,
            "records_created": report.created, "records_updated": report.updated, "records_unchanged": report.unchanged,
        },
    )
    metrics.count_ingest(format_id, created=report.created, updated=report.updated, unchanged=report.unchanged)
    return report


def ingest_batch(
    session: Session,
    *,
    settings: Settings,
    batch: ParsedBatch,
    sender: str | None = None,
    sender_organization: Organization | None = None,
    municipality: str | None = None,
) -> IngestReport:
    """A batch already in canonical form (a bulk load, e.g. a synthetic municipality): written by the same BatchWriter
    as a parsed payload, its canonical JSON archived as the raw record (format `batch.format`, no adapter)."""
    payload = batch.model_dump_json().encode()
    report = _write(session, batch, settings=settings, format_id=batch.format, payload=payload,
                    checksum=hashlib.sha256(payload).hexdigest(), content_type="application/json", sender=sender,
                    sender_organization=sender_organization, municipality=municipality)
    metrics.count_ingest(batch.format, created=report.created, updated=report.updated, unchanged=report.unchanged)
    return report


def _write(
    session: Session,
    batch: ParsedBatch,
    *,
    settings: Settings,
    format_id: str,
    payload: bytes,
    checksum: str,
    content_type: str | None,
    sender: str | None,
    sender_organization: Organization | None,
    municipality: str | None,
) -> IngestReport:
    """Archive the raw bytes and write the parsed batch; the report of what changed."""
    # Keys are scoped to the sending organisation, so one sender can never overwrite another's records.
    scope = str(sender_organization.id) if sender_organization else "unauthenticated"
    source_system = owner_key(scope, batch.source_system or format_id)
    report = IngestReport(
        format=format_id,
        format_version=batch.format_version,
        source_system=source_system,
        raw_checksum=checksum,
        archived=archive(
            session, payload=payload, checksum=checksum, format_id=format_id, media_type=_base_media_type(content_type), sender=sender
        ),
        not_mapped=list(batch.not_mapped),
        warnings=list(batch.warnings),
    )
    BatchWriter(
        session,
        batch=batch,
        source_system=source_system,
        raw_checksum=checksum,
        municipality=municipality,
        default_municipality=settings.municipality,
        report=report,
        sender_organization=sender_organization,
        authoritative=sender_organization is not None and settings.is_authoritative(sender_organization.orgnr),
    ).run()
    return report


def ingest_for(
    session: Session,
    *,
    settings: Settings,
    principal: Principal,
    format_id: str,
    payload: bytes,
    content_type: str | None,
    municipality: str | None = None,
    idempotency_key: str | None = None,
) -> IngestReport:
    """A system's push through the API: ingested in its organisation's name, audited for every child it touched."""
    report = ingest_payload(
        session, settings=settings, format_id=format_id, payload=payload, content_type=content_type, sender=principal.client_id,
        sender_organization=principal.organization, municipality=municipality, idempotency_key=idempotency_key,
    )
    audit.record_for_children(session, principal=principal, action="ingest", child_ids=report.touched_children,
                              reason=f"{format_id} {report.raw_checksum[:12]}")
    return report
