"""CarePlan -> MeasureRecord (the plan) plus one MeasureRecord per activity; Goal -> GoalRecord.

Evaluations travel in the hub's own extension (EVALUATION_EXT) so an export re-imports with them.
"""

from __future__ import annotations

from typing import Any

from adapters.fhir_r4.common import codes_of, concept_text, day, sensitivity_of, when
from adapters.fhir_r4.context import Context
from adapters.fhir_r4.reader import Item
from hub.canonical import Category, EvaluationRecord, GoalRecord, GoalStatus, MeasureRecord, MeasureStatus

EVALUATION_EXT = "https://stafett.no/fhir/StructureDefinition/measure-evaluation"
_PLAN_STATUS = {"draft": MeasureStatus.planned, "completed": MeasureStatus.completed,
                "revoked": MeasureStatus.stopped, "entered-in-error": MeasureStatus.stopped}
_ACTIVITY_STATUS = {"not-started": MeasureStatus.planned, "scheduled": MeasureStatus.planned,
                    "completed": MeasureStatus.completed, "cancelled": MeasureStatus.stopped,
                    "stopped": MeasureStatus.stopped, "entered-in-error": MeasureStatus.stopped}
GOAL_STATUS = {"proposed": GoalStatus.proposed, "planned": GoalStatus.proposed, "completed": GoalStatus.achieved,
               "cancelled": GoalStatus.cancelled, "entered-in-error": GoalStatus.cancelled,
               "rejected": GoalStatus.cancelled}
_GOAL_KEYS = {"lifecycleStatus", "achievementStatus", "description", "subject", "target"}


def evaluations_of(holder: dict[str, Any], *, path: str) -> list[EvaluationRecord]:
    result = []
    for ext in holder.get("extension") or []:
        if ext.get("url") != EVALUATION_EXT:
            continue
        parts = {p.get("url"): p for p in ext.get("extension") or []}
        result.append(
            EvaluationRecord(
                evaluated_at=when((parts.get("evaluatedAt") or {}).get("valueDateTime"), path=path),
                outcome=(parts.get("outcome") or {}).get("valueString"),
                text=(parts.get("text") or {}).get("valueString"),
            )
        )
    return result


def _goal_refs(ctx: Context, item: Item, refs: list[dict[str, Any]] | None) -> list[str]:
    result = []
    for ref in refs or []:
        target = ctx.target(item, ref)
        if target is not None and target.type == "Goal":
            result.append(target.source_id)
    return result


def _org_ref(ctx: Context, item: Item, refs: list[dict[str, Any]] | dict | None) -> str | None:
    for ref in refs if isinstance(refs, list) else [refs]:
        target = ctx.target(item, ref) if isinstance(ref, dict) else None
        if target is not None and target.source_id in ctx.org_ids:
            return target.source_id
    return None


def map_care_plan(ctx: Context, item: Item, child_ref: str) -> None:
    res = item.resource
    stored = ctx.stored_json(item)
    activities = stored.pop("activity", None) or []
    category = (res.get("category") or [None])[0]
    description = res.get("title") or res.get("description") or concept_text(category) or "Care plan"
    sensitivity = sensitivity_of(res)
    period = res.get("period") or {}
    ctx.batch.measures.append(
        MeasureRecord(
            source_id=item.source_id,
            child_ref=child_ref,
            description=description,
            category=Category.health,
            sensitivity=sensitivity,
            responsible_org_ref=_org_ref(ctx, item, res.get("author")),
            status=_PLAN_STATUS.get(res.get("status", ""), MeasureStatus.active),
            start=day(period.get("start")),
            end=day(period.get("end")),
            goal_refs=_goal_refs(ctx, item, res.get("goal")),
            codes=[c for concept in res.get("category") or [] for c in codes_of(concept)],
            payload={"resourceType": "CarePlan", "status": res.get("status"), "fhir": stored, "careplan": item.source_id},
            evaluations=evaluations_of(res, path=item.source_id),
        )
    )
    for index, (raw, activity) in enumerate(zip(res.get("activity") or [], activities)):
        detail = raw.get("detail") or {}
        reference = raw.get("reference") or {}
        scheduled = detail.get("scheduledPeriod") or {}
        ctx.batch.measures.append(
            MeasureRecord(
                source_id=f"{item.source_id}#activity[{index}]",
                child_ref=child_ref,
                description=detail.get("description") or concept_text(detail.get("code"))
                or reference.get("display") or f"{description}: activity {index + 1}",
                category=Category.health,
                sensitivity=sensitivity,
                responsible_org_ref=_org_ref(ctx, item, detail.get("performer")),
                status=_ACTIVITY_STATUS.get(detail.get("status", ""), MeasureStatus.active),
                start=day(scheduled.get("start")),
                end=day(scheduled.get("end")),
                goal_refs=_goal_refs(ctx, item, detail.get("goal")),
                codes=codes_of(detail.get("code")),
                payload={"careplan": item.source_id, "activity_index": index, "fhir_activity": activity},
                evaluations=evaluations_of(raw, path=f"{item.source_id}.activity[{index}]"),
            )
        )
    ctx.mapped_ids.add(item.source_id)


def map_goal(ctx: Context, item: Item, child_ref: str) -> None:
    res = item.resource
    status = GOAL_STATUS.get(res.get("lifecycleStatus", ""), GoalStatus.active)
    achievement = (res.get("achievementStatus") or {}).get("coding") or []
    if any(c.get("code") == "achieved" for c in achievement):
        status = GoalStatus.achieved
    target = (res.get("target") or [{}])[0]
    ctx.batch.goals.append(
        GoalRecord(
            source_id=item.source_id,
            child_ref=child_ref,
            description=concept_text(res.get("description")) or "(goal without description)",
            category=Category.health,
            status=status,
            target_date=day(target.get("dueDate")),
            codes=codes_of(res.get("description")),
        )
    )
    ctx.mapped_ids.add(item.source_id)
    ctx.unhandled_keys(item, _GOAL_KEYS)
    targets = res.get("target") or []
    if len(targets) > 1 or any(k != "dueDate" for k in target):
        ctx.not_mapped(f"{item.source_id}.target", "goal targets other than the first due date have no canonical field")
