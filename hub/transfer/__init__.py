"""Case transfer between municipal hubs: consent check, signed and encrypted packages delivered by the outbox, receipts.

See schemas/transfer-protocol.md for the protocol and schemas/transfer-envelope.schema.json for the envelope.
"""
