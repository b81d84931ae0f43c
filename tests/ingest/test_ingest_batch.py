"""A canonical batch handed in whole (hub.ingest.service.ingest_batch, the bulk load's door): written by the pipeline's
own writer, its JSON archived as the raw record; a re-send changes nothing and a changed entry becomes its next version.
"""

import hashlib

from sqlalchemy import func, select

from hub.archive.models import SourceRecord
from hub.canonical import ChildRecord, EntryRecord, HumanName, Identifier, ParsedBatch
from hub.canonical.vocab import FNR_SYSTEM, Category, EntryKind
from hub.cases.models import Entry
from hub.ingest.models import SourceKey
from hub.ingest.service import ingest_batch
from tests.transfer.scenario import fnr


def _batch(text: str) -> ParsedBatch:
    return ParsedBatch(
        format="bulk-test", mapping_version="bulk/1", source_system="fagsystem", municipality="1106",
        children=[ChildRecord(source_id="c1", identifiers=[Identifier(system=FNR_SYSTEM, value=NATIONAL_ID)],
                              names=[HumanName(given=["Emma"], family="Hansen")])],
        entries=[EntryRecord(source_id="e1", child_ref="c1", kind=EntryKind.note, category=Category.education, text=text)],
    )


NATIONAL_ID = fnr(day=3)


def test_a_batch_is_written_archived_and_versioned_by_the_pipelines_writer(session, settings):
    first = ingest_batch(session, settings=settings, batch=_batch("notat"))
    session.commit()
    assert (first.created, first.archived) == (2, True)  # the child and its entry (its case is counted apart)
    stored = session.get(SourceRecord, first.raw_checksum)
    assert stored.format == "bulk-test" and hashlib.sha256(stored.payload).hexdigest() == first.raw_checksum
    assert ParsedBatch.model_validate_json(stored.payload) == _batch("notat")
    assert session.scalar(select(func.count()).select_from(SourceKey)) >= 2  # keyed as any payload's records

    again = ingest_batch(session, settings=settings, batch=_batch("notat"))
    session.commit()
    assert (again.created, again.updated, again.archived) == (0, 0, False)

    corrected = ingest_batch(session, settings=settings, batch=_batch("notat (rettet)"))
    session.commit()
    assert corrected.updated == 1
    versions = session.execute(select(Entry.version, Entry.text, Entry.previous_id).order_by(Entry.version)).all()
    assert [(v, t) for v, t, _ in versions] == [(1, "notat"), (2, "notat (rettet)")] and versions[1][2] is not None
