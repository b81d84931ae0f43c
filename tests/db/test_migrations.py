"""The migrations are the schema: the ORM models and a fully migrated database agree; upgrade/downgrade run."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from hub.db.engine import make_engine
from hub.db.migrate import downgrade, upgrade
from hub.db.models import metadata


def test_models_and_migrations_agree(db_url):
    engine = make_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == [], f"ORM models and migrations differ: {diff}"


def test_downgrade_to_base_and_upgrade_again(db_url):
    engine = make_engine(db_url)
    downgrade(db_url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(db_url)
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
