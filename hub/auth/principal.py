"""The authenticated caller of a request: a system client acting for an organisation, or a guardian/young person.

Created by hub.auth.deps, read by hub.access (what may be seen) and hub.audit (who did it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from hub.organizations.models import Organization

SCOPES = ("ingest", "case.read", "case.write", "handover.read", "transfer", "admin")


@dataclass
class Principal:
    kind: Literal["client", "person", "hub"]
    token_id: str
    scopes: frozenset[str] = field(default_factory=frozenset)
    client_id: str | None = None
    organization: Organization | None = None
    national_id: str | None = None  # persons only (the `pid` claim); never logged
    hub_name: str | None = None  # a peer hub (federation)

    def label(self) -> str:
        if self.kind == "client":
            return f"client:{self.client_id}"
        if self.kind == "hub":
            return f"hub:{self.hub_name}"
        return "person"
