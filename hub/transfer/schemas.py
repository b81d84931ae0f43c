"""API shapes for transfers: create (case, destination kommunenummer, reason), decisions, and the read model with
the preview a receiving coordinator sees before accepting and the state of its delivery.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.core.validation import check_kommunenummer

TransferStatus = Literal["pending", "accepted", "rejected", "revoked", "failed"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TransferCreate(_In):
    case_id: uuid.UUID
    destination_municipality: str
    reason: str = Field(min_length=1, max_length=2000)

    _kommune = field_validator("destination_municipality")(classmethod(lambda cls, v: check_kommunenummer(v)))


class TransferDecision(_In):
    reason: str | None = Field(default=None, max_length=2000)


class TransferRejection(_In):
    reason: str = Field(min_length=1, max_length=2000)


class DeliveryRead(BaseModel):
    kind: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None


class TransferRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    transfer_id: uuid.UUID
    direction: Literal["outgoing", "incoming"]
    status: TransferStatus
    origin_hub: str
    peer_url: str
    origin_municipality: str
    destination_municipality: str
    case_id: uuid.UUID | None
    reason: str | None
    decision_reason: str | None
    failure: str | None
    preview: dict[str, Any]
    content_sha256: str | None
    package_size: int
    deliveries: int
    remote_case: str | None
    revocation_requested_at: datetime | None
    created_at: datetime
    decided_at: datetime | None
    delivery: list[DeliveryRead] = Field(default_factory=list)
