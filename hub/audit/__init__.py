"""The audit trail: an append-only, hash-chained record of every access and change, written in the same transaction
as what it records; `stafett audit verify` finds an edited or deleted row; exported as FHIR AuditEvent.
"""
