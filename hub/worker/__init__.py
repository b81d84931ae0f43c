"""The `stafett worker` process: APScheduler 3 triggers for outbox delivery, transfer expiry and peer key refresh.

Durable work lives in tables; several workers may share one PostgreSQL database (SKIP LOCKED claims with leases).
"""
