"""The `stafett worker` process: APScheduler 3 interval triggers for the jobs each domain declares in its tasks.py.

Durable work lives in tables; several workers may share one PostgreSQL database (SKIP LOCKED claims with leases).
"""
