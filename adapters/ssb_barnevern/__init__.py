"""SSB barnevern XML (Statistics Norway child welfare extracts, XSD v1.2 and v4.0.1) -> canonical records.

Exposes the module-level `adapter` registered as entry point `ssb-barnevern`.

Source ids: every record's source_id is "<element name>/<SSB Id attribute>" (e.g. "Melding/bb6b82ea-…",
"Tiltak/be6dff10-…"), because the same UUID may appear on records of different types (test01_file04 reuses one
Id for Sak, Undersokelse and Vedtak). The SSB Ids are stable across total and changes extracts, so a record that
is re-sent with changed content keeps its source_id. The case is "Sak/<Id>", the child "Sak/<Id>/barn", the child
welfare service "Avgiver/<organisasjonsnummer>". batch.source_system is "<Leverandor>/<Navn>" of Fagsystem.

Extracts and deltas: Barnevern/@Id -> batch.extract_id, Barnevern/@ForrigeId -> batch.previous_extract_id.
Payload and file name do not say whether an extract is total or changes, so the caller says it with a media-type
parameter: "application/xml; extract=total" (is_full_extract=True) or "extract=changes". Without the parameter an
extract with no ForrigeId (the first of a chain) is full and any other is a delta.

How a delta expresses deletion, and what the ingest pipeline must do:
  - A changes extract lists only records that are new or changed; a record it does not list is unchanged.
  - Deletion is explicit: <Slettet Id=".." Type="Melding|Undersokelse|Plan|Tiltak|Vedtak|…" SluttDato=".."/>
    (v1.2 and v4) or ErSlettet="true" on the record itself (v4 only). Both become an EntryRecord with
    retracted=True and the source_id of the deleted record ("<Type>/<Id>"); for a deleted Tiltak that source_id
    is a MeasureRecord's, so the pipeline must retract the measure with that source_id (MeasureRecord has no
    retracted flag). Slettet of a Relasjon/Status/Personalia has no canonical record: reported in not_mapped
    and warnings.
  - A total extract lists the whole Sak: the pipeline retracts every entry/measure of that (source_system, Sak)
    case that the total no longer lists. Scope is the one Sak in the payload, never the whole source system.
  - Relasjon: the link lives on its "Fra" record (related_refs + payload["relations"]); a Relasjon whose Fra
    record is not in the payload is reported in not_mapped (a delta must re-send the Fra record to link it).
"""

from adapters.ssb_barnevern.adapter import SsbBarnevernAdapter

adapter = SsbBarnevernAdapter()

__all__ = ["SsbBarnevernAdapter", "adapter"]
