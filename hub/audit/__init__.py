"""The audit trail: an append-only, hash-chained record of every access and change, written in the same transaction
as what it records, person references keyed; its head signed into anchors kept outside it; exported as FHIR AuditEvent.
"""
