"""The store: declarative base and column types, engines for SQLite (WAL) and PostgreSQL, sessions, migrations.

Domain packages declare their ORM classes on `Base`; Alembic migrations live in hub/db/migrations.
"""
