"""Helpers for the FHIR facade tests: a health system caller, pushing FHIR bundles, and small transaction bundles
built from a Patient and Observations (urn:uuid fullUrls, conditional create on the Patient's identifier).
"""

from __future__ import annotations

import json
import uuid

FHIR_JSON = "application/fhir+json"
FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
SCOPES = ("ingest", "case.read")


def health_system(callers, name: str = "Haugesund helsestasjon", **kw):
    return callers.system(name, "health", scopes=SCOPES, **kw)


def post_bundle(caller, bundle: dict | bytes, *, url: str = "/fhir", content_type: str = FHIR_JSON, **kw):
    body = bundle if isinstance(bundle, bytes) else json.dumps(bundle).encode()
    return caller.post(url, content=body, headers={"content-type": content_type, **kw.pop("headers", {})}, **kw)


def patient(fnr: str = "15061512345", family: str = "Nordmann", given: str = "Kari", pid: str = "p1") -> dict:
    return {"resourceType": "Patient", "id": pid, "identifier": [{"system": FNR, "value": fnr}],
            "name": [{"family": family, "given": [given]}], "birthDate": "2015-06-15", "gender": "female"}


def observation(patient_url: str, oid: str = "o1", value: float = 21.5, code: str = "29463-7") -> dict:
    return {"resourceType": "Observation", "id": oid, "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": "Body weight"}]},
            "subject": {"reference": patient_url}, "effectiveDateTime": "2024-03-01T10:00:00+01:00",
            "valueQuantity": {"value": value, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}


def transaction(*resources: dict, kind: str = "transaction", if_none_exist: bool = True) -> dict:
    """A transaction Bundle: urn:uuid fullUrls, POST requests, conditional create on Patients by identifier."""
    entries = []
    for resource in resources:
        request = {"method": "POST", "url": resource["resourceType"]}
        ident = (resource.get("identifier") or [None])[0]
        if if_none_exist and resource["resourceType"] == "Patient" and ident:
            request["ifNoneExist"] = f"identifier={ident['system']}|{ident['value']}"
        entries.append({"fullUrl": resource.pop("_url", f"urn:uuid:{uuid.uuid4()}"), "resource": resource,
                        "request": request})
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


def patient_with_observation(fnr: str = "15061512345", value: float = 21.5) -> dict:
    url = "urn:uuid:7d3c5a52-8f0b-4c6e-9a3d-111111111111"
    return transaction({**patient(fnr), "_url": url}, {**observation(url, value=value), "_url": "urn:uuid:7d3c5a52-8f0b-4c6e-9a3d-222222222222"})
