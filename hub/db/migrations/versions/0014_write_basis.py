"""Writes need a basis: a child remembers the organisation that registered it (it may open its own case for it); a
guardian's log access records what was asked and who granted it (the coordinator, or a register); kindergarten-v1
consents name their organisations only (the parser also wrote each named organisation's sector, so a consent to one
school opened the child to every school): their widened sectors are cleared. Measures, goals and consents get a row
version (their ETag, checked by every UPDATE), as cases have.

Revision ID: 0014
Revises: 0013 (written as 0009 on 0006; re-linked after main's 0010-0013)
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_by_organization_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_child_registered_by_organization_id_organization'), 'organization', ['registered_by_organization_id'], ['id']
        )
    with op.batch_alter_table('guardian', schema=None) as batch_op:
        batch_op.add_column(sa.Column('log_access_requested', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('log_access_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('log_access_at', sa.DateTime(timezone=True), nullable=True))
    for table in ('measure', 'goal', 'consent'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'))
    # Access granted before this migration was granted by whoever wrote the row (any organisation could plant a guardian
    # with may_see_log), never by a coordinator or a register: it becomes a request the coordinator confirms.
    guardian = sa.table(
        'guardian', sa.column('may_see_log', sa.Boolean()), sa.column('log_access_requested', sa.Boolean())
    )
    op.execute(guardian.update().where(guardian.c.may_see_log == sa.true()).values(may_see_log=False, log_access_requested=True))
    # The kindergarten-v1 format cannot express a consent to a sector: every sector on such a row came from the bug.
    consent = sa.table('consent', sa.column('sectors', sa.JSON()), sa.column('source_format', sa.String()))
    op.execute(consent.update().where(consent.c.source_format == 'kindergarten-v1').values(sectors=[]))


def downgrade() -> None:
    # (the widened kindergarten sectors are not restored: they were never what the guardians consented to)
    for table in ('consent', 'goal', 'measure'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('row_version')
    with op.batch_alter_table('guardian', schema=None) as batch_op:
        batch_op.drop_column('log_access_at')
        batch_op.drop_column('log_access_by')
        batch_op.drop_column('log_access_requested')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_child_registered_by_organization_id_organization'), type_='foreignkey')
        batch_op.drop_column('registered_by_organization_id')
