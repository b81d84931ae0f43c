"""FHIR R4 adapter package (format id "fhir-r4"): health records in, a collection Bundle out.

Exposes the module-level `adapter` instance the `stafett.adapters` entry point loads.
"""

from adapters.fhir_r4.adapter import FhirR4Adapter

adapter = FhirR4Adapter()

__all__ = ["FhirR4Adapter", "adapter"]
