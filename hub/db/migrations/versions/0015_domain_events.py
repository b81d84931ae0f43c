"""Domain events: one row per fact a later feature may act on (entry created or corrected, case opened, level or
coordinator changed, consent changed, transfer received), written with the fact.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'domain_event',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.Enum('entry.created', 'entry.corrected', 'case.opened', 'case.level_changed',
                                  'coordinator.changed', 'consent.changed', 'transfer.received',
                                  name='eventkind', native_enum=False, length=40), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('case_id', sa.Uuid(), nullable=True),
        sa.Column('child_id', sa.Uuid(), nullable=True),
        sa.Column('subject_id', sa.Uuid(), nullable=True),
        sa.Column('organization_id', sa.Uuid(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_event')),
    )
    with op.batch_alter_table('domain_event', schema=None) as batch_op:
        batch_op.create_index('ix_domain_event_case_id_occurred_at', ['case_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_domain_event_kind'), ['kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('domain_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_domain_event_kind'))
        batch_op.drop_index('ix_domain_event_case_id_occurred_at')
    op.drop_table('domain_event')
