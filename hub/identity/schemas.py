"""API shapes for the identity review list.

One row per suspected duplicate: the new child, the candidate, why.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    child_id: uuid.UUID
    candidate_child_id: uuid.UUID
    reason: str
    status: str
    created_at: datetime
