"""The rule for moving a case to another hub: a consent in force for the child whose purpose is "transfer", or a
recorded legal basis (basis "legal") in force for the child that another organisation recorded. Built on
hub.access.policy's notion of "in force".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from hub.access.policy import consents_of, in_force
from hub.children.models import Child
from hub.consent.models import Consent
from hub.consent.service import recorded_by
from hub.organizations.models import Organization

TRANSFER_PURPOSE = "transfer"


@dataclass
class TransferBasis:
    permit: bool
    reason: str
    relied_on: list[Consent]


def transfer_basis(
    session: Session, *, child: Child, organization: Organization | None = None, now: datetime | None = None
) -> TransferBasis:
    """`organization`: who starts the transfer (None: the operator). Nobody moves a case on a legal basis it recorded
    itself."""
    now = now or datetime.now(UTC)
    rows = [c for c in consents_of(session, child.id) if in_force(c, now)]
    legal = [c for c in rows if c.basis == "legal" and (organization is None or recorded_by(c) != organization.id)]
    consent = [c for c in rows if c.basis == "consent" and (c.purpose or "").strip().lower() == TRANSFER_PURPOSE]
    if legal:
        return TransferBasis(True, "legal basis " + ", ".join(c.legal_reference or "recorded" for c in legal), legal)
    if consent:
        return TransferBasis(True, "consent with purpose 'transfer'", consent)
    return TransferBasis(
        False,
        "no consent with purpose 'transfer' and no recorded legal basis (one that another organisation than the one "
        "moving the case recorded) is in force for this child",
        [],
    )
