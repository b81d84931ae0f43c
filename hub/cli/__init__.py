"""The `stafett` command line (typer + rich): serve, db, demo, and later ingest, worker, clients, peers, audit.

Commands are thin: they open a session scope and call services.
"""
