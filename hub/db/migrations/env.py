"""Alembic environment: runs migrations on the connection or URL handed over by hub.db.migrate.

Batch mode on SQLite so ALTERs work; naming conventions come from hub.db.base.
"""

from alembic import context
from sqlalchemy import engine_from_config, pool

from hub.db.engine import normalise_url
from hub.db.models import metadata

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    configured = config.get_main_option("sqlalchemy.url")
    if not configured:
        raise RuntimeError("alembic: no connection given and no sqlalchemy.url configured")
    url = normalise_url(configured)
    engine = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
