"""The FHIR adapter's public surface for the hub's FHIR facade (hub/fhir): what it serves, how the adapter names a
hub row's resource, rendering, decoding and source ids. The facade uses nothing else of this package.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from adapters.base import FhirFacade
from adapters.fhir_r4.clinical import ENTRY_TYPES
from adapters.fhir_r4.mapper import FORMAT_ID
from adapters.fhir_r4.reader import decode, source_id_for
from adapters.fhir_r4.render import Ids, render_bundle
from adapters.fhir_r4.render_records import organization_resource
from hub.canonical import OrganizationRecord, ParsedBatch


class FhirFacadeSurface:
    """Exactly what the facade needs of the fhir-r4 adapter (adapters.base.FhirFacade)."""

    format: ClassVar[str] = FORMAT_ID
    # The resource types entries render as (Communication is the fallback of any entry kind).
    entry_resource_types: ClassVar[tuple[str, ...]] = tuple(dict.fromkeys((*ENTRY_TYPES, "Communication")))

    def resource_id(self, hub_id: str) -> str:
        """The id render() gives the resource of a hub row (in a case view its source id is the row's UUID)."""
        return Ids.derived_id(hub_id)

    def render(self, view: ParsedBatch) -> dict[str, Any]:
        """The case view as a collection Bundle (JSON object)."""
        return json.loads(render_bundle(view))  # our own rendering, not untrusted input

    def organization(self, record: OrganizationRecord) -> dict[str, Any]:
        return organization_resource(record)

    def decode(self, payload: bytes, *, media_type: str | None) -> dict[str, Any]:
        """A FHIR payload (JSON or XML) as a JSON object, as parse() reads it."""
        return decode(payload, media_type=media_type)

    def source_id(self, resource: dict[str, Any], full_url: str | None) -> str:
        """The source id parse() gives the record of this resource."""
        return source_id_for(resource, full_url)


FACADE: FhirFacade = FhirFacadeSurface()  # typed so the checker holds the surface to the protocol
