"""Source keys are looked up by (source system, source id) across record types: an index for that lookup (the unique
constraint leads with record type after the system, so that lookup scanned every key of the sender).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 01:40:00
"""

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_source_key_source_system_source_id', 'source_key', ['source_system', 'source_id'])


def downgrade() -> None:
    op.drop_index('ix_source_key_source_system_source_id', table_name='source_key')
