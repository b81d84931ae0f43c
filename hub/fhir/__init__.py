"""The FHIR R4 facade under /fhir: CapabilityStatement, transaction/batch ingest through the one pipeline, and
consent-filtered, audited reads (Patient search, read by type and id, Patient/$everything).
"""
