"""The rule for moving a case to another hub: a consent in force for the child whose purpose is "transfer", or a
recorded legal basis (basis "legal") in force for the child. Built on hub.access.policy's notion of "in force".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from hub.access.policy import consents_of, in_force
from hub.children.models import Child
from hub.consent.models import Consent

TRANSFER_PURPOSE = "transfer"


@dataclass
class TransferBasis:
    permit: bool
    reason: str
    relied_on: list[Consent]


def transfer_basis(session: Session, *, child: Child, now: datetime | None = None) -> TransferBasis:
    now = now or datetime.now(UTC)
    rows = [c for c in consents_of(session, child.id) if in_force(c, now)]
    legal = [c for c in rows if c.basis == "legal"]
    consent = [c for c in rows if c.basis == "consent" and (c.purpose or "").strip().lower() == TRANSFER_PURPOSE]
    if legal:
        return TransferBasis(True, "legal basis " + ", ".join(c.legal_reference or "recorded" for c in legal), legal)
    if consent:
        return TransferBasis(True, "consent with purpose 'transfer'", consent)
    return TransferBasis(
        False,
        "no consent with purpose 'transfer' and no recorded legal basis is in force for this child",
        [],
    )
