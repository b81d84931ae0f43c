"""The one writer of a case's plan: goals, measures (tiltak) and their evaluations, whether a source system's record
(an ingest), the origin hub's rows (a transfer import) or a person (the REST API) brings them.
"""

# New rows go in as rows, in one INSERT per kind (an ORM object costs ~10x per row in a bulk ingest); a change of an
# existing goal, measure or evaluation is made on its ORM object, so its row version (the ETag) is checked and bumped.

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from hub.canonical.records import EvaluationRecord, GoalRecord, MeasureRecord
from hub.canonical.vocab import AuthorKind
from hub.cases.models import Evaluation, Goal, Measure
from hub.db.base import utcnow

Provenance = dict[str, str | None]


def _codes(items: Iterable[Any]) -> list[dict[str, Any]]:
    return [item.model_dump(mode="json", exclude_none=True) for item in items]


# --- goals -----------------------------------------------------------------------------------------------------


def goal_values(rec: GoalRecord, provenance: Provenance) -> dict[str, Any]:
    """What a goal's row holds from a source's record, the same for a new row and an updated one."""
    return {"description": rec.description, "category": rec.category, "status": rec.status,
            "target_date": rec.target_date, "codes": _codes(rec.codes), **provenance}


def new_row(case_id: uuid.UUID, values: dict[str, Any]) -> dict[str, Any]:
    """A new goal's or measure's row: its values under a new id, in `case_id`."""
    now = utcnow()
    return {"id": uuid.uuid4(), "case_id": case_id, "created_at": now, "updated_at": now, "row_version": 1, **values}


def write_new(session: Session, model: type[Goal | Measure | Evaluation], rows: list[dict[str, Any]]) -> None:
    """New goals, measures or evaluations as rows, in one INSERT (what they belong to is flushed first)."""
    if rows:
        session.flush()
        session.execute(insert(cast(Table, model.__table__)), rows)


def update(row: Goal | Measure | Evaluation, values: dict[str, Any]) -> None:
    """A source's later version of a goal, measure or evaluation: its columns set on the stored object."""
    for column, value in values.items():
        setattr(row, column, value)


# --- measures --------------------------------------------------------------------------------------------------


def measure_values(
    rec: MeasureRecord, *, responsible_id: uuid.UUID | None, goal_ids: list[str], provenance: Provenance
) -> dict[str, Any]:
    """What a measure's row holds from a source's record, the same for a new row and an updated one."""
    return {
        "description": rec.description,
        "category": rec.category,
        "sensitivity": rec.sensitivity,
        "responsible_organization_id": responsible_id,
        "responsible_home": rec.responsible_home,
        "status": rec.status,
        "start_date": rec.start,
        "end_date": rec.end,
        "evaluation_due": rec.evaluation_due,
        "goal_ids": goal_ids,
        "codes": _codes(rec.codes),
        "payload": rec.payload,
        "retracted": False,
        **provenance,
    }


def retract_measure(measure: Measure) -> bool:
    """A measure its source withdrew: kept, flagged retracted. False when it already was."""
    if measure.retracted:
        return False
    measure.retracted = True
    return True


# --- evaluations -----------------------------------------------------------------------------------------------


def evaluation_values(rec: EvaluationRecord, *, author_id: uuid.UUID | None) -> dict[str, Any]:
    """What an evaluation holds from a source's record (an evaluation without a date keeps the one it has)."""
    values: dict[str, Any] = {"outcome": rec.outcome, "text": rec.text, "author_organization_id": author_id,
                              "author_kind": AuthorKind.organization if author_id else AuthorKind.system}
    if rec.evaluated_at is not None:
        values["evaluated_at"] = rec.evaluated_at
    return values


def new_evaluation(measure: Measure, *, source_id: str) -> Evaluation:
    evaluation = Evaluation(id=uuid.uuid4(), source_record_id=source_id)
    measure.evaluations.append(evaluation)
    return evaluation
