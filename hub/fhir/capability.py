"""The facade's CapabilityStatement (FHIR 4.0.1), built and validated with fhir.resources.R4B; its resource list
comes from hub.fhir.ids so it cannot drift from what the routes serve.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from hub.fhir.ids import READABLE_TYPES

_DATE = "2026-11-23"


def _resource(resource_type: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "type": resource_type,
        "interaction": [{"code": "read"}],
        "versioning": "versioned" if resource_type not in ("Patient", "Organization", "EpisodeOfCare") else "no-version",
        "readHistory": False,
        "conditionalCreate": resource_type in ("Patient", "Organization"),
    }
    if resource_type == "Patient":
        resource["interaction"].append({"code": "search-type"})
        resource["searchParam"] = [
            {"name": "identifier", "type": "token", "documentation": "system|value, e.g. a fødselsnummer"}
        ]
        resource["operation"] = [
            {"name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"}
        ]
    return resource


@lru_cache(maxsize=4)
def capability_statement(base_url: str, software_version: str) -> dict[str, Any]:
    data = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": _DATE,
        "publisher": "Stafett hub",
        "kind": "instance",
        "software": {"name": "Stafett hub", "version": software_version},
        "implementation": {"description": "Stafett hub FHIR facade", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["json", "application/fhir+json", "xml", "application/fhir+xml"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Transaction and batch Bundles are ingested through the hub's one pipeline (JSON or XML in); "
                    "answers are FHIR JSON only (a request accepting only XML gets 406). Ids are the hub's own: "
                    "Patient = child, EpisodeOfCare = case, entry-derived resources = entry lineage (versionId = "
                    "entry version). Reads are filtered by participation and consent, and audited."
                ),
                "security": {
                    "cors": False,
                    "service": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                             "code": "OAuth"}]}],
                    "description": "OAuth 2 client credentials with private_key_jwt at /oauth/token; scopes ingest "
                                   "(POST /fhir) and case.read (reads). /fhir/metadata is public.",
                },
                "resource": [_resource(t) for t in READABLE_TYPES],
                "interaction": [{"code": "transaction"}, {"code": "batch"}],
            }
        ],
    }
    return CapabilityStatement.model_validate(data).model_dump(mode="json", exclude_none=True)
