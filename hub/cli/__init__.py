"""The `stafett` command line (typer + rich): serve, db, demo, orgs, clients, schemas, token, audit, peers, transfer,
worker. Commands are thin: they check their database, open one session scope and call services.
"""
