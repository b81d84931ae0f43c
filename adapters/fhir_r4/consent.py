"""Consent -> ConsentRecord (status, period, purpose, performer -> guardian_ref, organisations).

Consent provisions beyond the period and purpose have no canonical home and are reported as not mapped.
"""

from __future__ import annotations

from typing import Any

from adapters.fhir_r4.common import when
from adapters.fhir_r4.context import Context
from adapters.fhir_r4.reader import Item
from hub.canonical import Category, ConsentRecord, Sector
from hub.canonical.vocab import ConsentGiver

CATEGORY_SYSTEM = "https://stafett.no/fhir/CodeSystem/category"
SECTOR_SYSTEM = "https://stafett.no/fhir/CodeSystem/sector"
REVOKED_EXT = "https://stafett.no/fhir/StructureDefinition/consent-revoked-at"
_CONSENT_KEYS = {"status", "patient", "performer", "organization", "provision", "sourceReference",
                 "sourceAttachment", "category", "scope", "extension"}


def _purpose(provision: dict[str, Any]) -> str | None:
    for coding in provision.get("purpose") or []:
        if coding.get("display") or coding.get("code"):
            return coding.get("display") or coding.get("code")
    return None


def map_consent(ctx: Context, item: Item, child_ref: str) -> None:
    res = item.resource
    guardian_ref = None
    given_by = ConsentGiver.guardian
    org_refs: list[str] = []
    for ref in res.get("performer") or []:
        target = ctx.target(item, ref)
        if target is None:
            continue
        if target.source_id in ctx.guardian_ids and guardian_ref is None:
            guardian_ref = target.source_id
        elif target.source_id == child_ref:
            given_by = ConsentGiver.child
        elif target.source_id in ctx.org_ids:
            org_refs.append(target.source_id)
    for ref in res.get("organization") or []:
        target = ctx.target(item, ref)
        if target is not None and target.source_id in ctx.org_ids and target.source_id not in org_refs:
            org_refs.append(target.source_id)
    provision = res.get("provision") or {}
    period = provision.get("period") or {}
    codings = [c for concept in res.get("category") or [] for c in concept.get("coding") or []]
    categories = [Category(c["code"]) for c in codings
                  if c.get("system") == CATEGORY_SYSTEM and c.get("code") in Category.__members__]
    sectors = [Sector(c["code"]) for c in codings
               if c.get("system") == SECTOR_SYSTEM and c.get("code") in Sector.__members__]
    revoked = next((e.get("valueDateTime") for e in res.get("extension") or [] if e.get("url") == REVOKED_EXT), None)
    source = res.get("sourceReference") or {}
    attachment = res.get("sourceAttachment") or {}
    document_ref = ctx.target_id(item, source) or source.get("reference") or attachment.get("url") or attachment.get("title")
    ctx.batch.consents.append(
        ConsentRecord(
            source_id=item.source_id,
            child_ref=child_ref,
            given_by=given_by,
            guardian_ref=guardian_ref,
            org_refs=org_refs,
            sectors=sectors,
            categories=categories,
            purpose=_purpose(provision),
            valid_from=when(period.get("start"), path=f"{item.source_id}.provision.period.start"),
            valid_to=when(period.get("end"), path=f"{item.source_id}.provision.period.end"),
            document_ref=document_ref,
            revoked_at=when(revoked, path=f"{item.source_id}.extension"),
            status=res.get("status") or "active",
        )
    )
    ctx.mapped_ids.add(item.source_id)
    ctx.unhandled_keys(item, _CONSENT_KEYS)
    detail = {k for k in provision if k not in ("period", "purpose")}
    if detail:
        ctx.not_mapped(f"{item.source_id}.provision", f"provision rules ({', '.join(sorted(detail))}) have no canonical field")
    if res.get("policy") or res.get("policyRule"):
        ctx.not_mapped(f"{item.source_id}.policy", "consent policy references have no canonical field")
