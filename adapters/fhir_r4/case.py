"""EpisodeOfCare -> CaseFact; CareTeam -> CaseFact participants (folded into the episode that names the team).

Only organisations become participants (Participant.org_ref); other members are reported as not mapped.
"""

from __future__ import annotations

from typing import Any

from adapters.fhir_r4.common import when
from adapters.fhir_r4.context import Context
from adapters.fhir_r4.reader import Item
from hub.canonical import CaseFact, CaseStatus, Participant

BTI_LEVEL_EXT = "https://stafett.no/fhir/StructureDefinition/bti-level"
MUNICIPALITY_EXT = "https://stafett.no/fhir/StructureDefinition/case-municipality"
_EPISODE_STATUS = {"finished": CaseStatus.closed, "cancelled": CaseStatus.closed,
                   "entered-in-error": CaseStatus.closed}


def _participants(ctx: Context, item: Item, members: list[tuple[dict[str, Any] | None, str]]) -> list[Participant]:
    result = []
    for ref, role in members:
        target = ctx.target(item, ref) if ref else None
        if target is not None and target.source_id in ctx.org_ids:
            result.append(Participant(org_ref=target.source_id, role=role))
    return result


def map_care_team(ctx: Context, item: Item, child_ref: str) -> None:
    res = item.resource
    members = []
    for index, participant in enumerate(res.get("participant") or []):
        role = next((t for t in (participant.get("role") or []) if t), None)
        role_text = (role or {}).get("text") or next(
            (c.get("display") or c.get("code") for c in (role or {}).get("coding") or []), None) or "member"
        member = participant.get("member") or {}
        target = ctx.target(item, member)
        if target is not None and target.source_id in ctx.org_ids:
            members.append((member, role_text))
        elif participant.get("onBehalfOf"):
            members.append((participant["onBehalfOf"], role_text))
        else:
            ctx.not_mapped(f"{item.source_id}.participant[{index}]", "care team member is not an organisation in the payload")
    for ref in res.get("managingOrganization") or []:
        members.append((ref, "managing organisation"))
    if item.source_id in ctx.episode_teams:
        ctx.team_members[item.source_id] = _participants(ctx, item, members)
        return  # folded into the EpisodeOfCare that names this team
    period = res.get("period") or {}
    ctx.batch.case_facts.append(
        CaseFact(
            source_id=item.source_id,
            child_ref=child_ref,
            status=CaseStatus.closed if res.get("status") in ("inactive", "entered-in-error") else CaseStatus.open,
            opened_at=when(period.get("start"), path=f"{item.source_id}.period.start"),
            closed_at=when(period.get("end"), path=f"{item.source_id}.period.end"),
            participants=_participants(ctx, item, members),
        )
    )
    ctx.mapped_ids.add(item.source_id)


def map_episode(ctx: Context, item: Item, child_ref: str) -> None:
    res = item.resource
    members: list[tuple[dict[str, Any] | None, str]] = [(res.get("managingOrganization"), "managing organisation")]
    period = res.get("period") or {}
    participants = _participants(ctx, item, members)
    for ref in res.get("team") or []:
        team = ctx.target(item, ref)
        if team is not None and team.source_id in ctx.episode_teams:
            participants += ctx.team_members.get(team.source_id, [])
    extensions = {e.get("url"): e for e in res.get("extension") or []}
    fact = CaseFact(
        source_id=item.source_id,
        child_ref=child_ref,
        municipality=(extensions.get(MUNICIPALITY_EXT) or {}).get("valueString"),
        bti_level=(extensions.get(BTI_LEVEL_EXT) or {}).get("valueInteger"),
        status=_EPISODE_STATUS.get(res.get("status", ""), CaseStatus.open),
        opened_at=when(period.get("start"), path=f"{item.source_id}.period.start"),
        closed_at=when(period.get("end"), path=f"{item.source_id}.period.end"),
        participants=participants,
    )
    ctx.batch.case_facts.append(fact)
    ctx.mapped_ids.add(item.source_id)
    if res.get("managingOrganization") and not participants:
        ctx.not_mapped(f"{item.source_id}.managingOrganization", "managing organisation is not in the payload")
    for key in ("diagnosis", "referralRequest", "type", "statusHistory", "account"):
        if res.get(key):
            ctx.not_mapped(f"{item.source_id}.{key}", f"EpisodeOfCare.{key} has no canonical field")
