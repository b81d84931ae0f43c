"""API shapes for the guardian side: a note, a home measure, an evaluation, closing the log, the access log.

Guardians write in category `home`; the hub fills in who wrote it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoteIn(_In):
    text: str = Field(min_length=1, max_length=20_000)
    kind: Literal["note", "highlight"] = "note"
    occurred_at: datetime | None = None


class HomeMeasureIn(_In):
    description: str = Field(min_length=1, max_length=10_000)
    start_date: date | None = None
    end_date: date | None = None
    evaluation_due: date | None = None
    goal_ids: list[uuid.UUID] = Field(default_factory=list)


class HomeEvaluationIn(_In):
    text: str = Field(min_length=1, max_length=10_000)
    outcome: str | None = Field(default=None, pattern="^(continue|adjust|stop|achieved|not_achieved)$")


class CloseIn(_In):
    reason: str = Field(min_length=1, max_length=2000)


class MyChild(BaseModel):
    id: uuid.UUID
    names: list[dict]
    birth_date: date | None
    relation: str  # guardian | self
    case_ids: list[uuid.UUID]


class AccessLogLine(BaseModel):
    when: datetime
    who: str
    organization_id: uuid.UUID | None
    action: str
    purpose: str | None
    outcome: str
    entries: int
