"""The receiving side of hub-to-hub transfer: /federation/v1 endpoints that authenticate the calling hub by the
signature of what it sends (no OAuth tokens), store packages idempotently, apply receipts and revocations.
"""
