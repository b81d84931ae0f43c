"""Consent (samtykke): who gave it, to which organisations or sectors, for which categories and purpose, until when.

Revocation sets revoked_at; rows are never deleted, so every past decision can be explained.
"""
