"""What the hub must know of fhir-r4: no namespace of its own (it passes the source's identifier systems through;
the national ones are the hub's), no open extra keys, no retraction."""

from __future__ import annotations

from hub.canonical.declarations import AdapterDeclaration

DECLARATION = AdapterDeclaration(
    foreign_systems="a FHIR resource carries its source's own identifier systems, which the adapter passes through",
)
