"""A measure's evaluation falling due: `measure.due_noticed_on` keeps the due date the worker last announced (so each
due date is announced once, and a new one again); an index on `measure.evaluation_due` for the worker's look-up.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 19:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_noticed_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_measure_evaluation_due'), ['evaluation_due'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_evaluation_due'))
        batch_op.drop_column('due_noticed_on')
