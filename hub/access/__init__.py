"""The one access policy: who may see or change which case, and which entries within it, on every read path
(REST, FHIR facade, exports, handover, transfers). Decisions carry their reason for the audit trail.
"""
