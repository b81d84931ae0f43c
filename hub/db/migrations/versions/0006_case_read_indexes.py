"""Indexes for reading a case at the size of a municipality: entry.previous_id (the current-versions anti-join scanned
the whole entry table for every entry of a case: 18 s per case read at 10,000 cases on SQLite), a child's open case in
a municipality, and an organisation's cases. The single-column indexes of case.status and case.municipality go: a hub
serves one or two municipalities and nearly every case is open, and SQLite without statistics read through them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 17:00:00
"""

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_entry_previous_id', 'entry', ['previous_id'])
    op.create_index('ix_case_child_id_municipality_status', 'case', ['child_id', 'municipality', 'status'])
    op.create_index('ix_participant_organization_id_case_id', 'participant', ['organization_id', 'case_id'])
    op.drop_index('ix_case_status', table_name='case')
    op.drop_index('ix_case_municipality', table_name='case')


def downgrade() -> None:
    op.create_index('ix_case_municipality', 'case', ['municipality'])
    op.create_index('ix_case_status', 'case', ['status'])
    op.drop_index('ix_participant_organization_id_case_id', table_name='participant')
    op.drop_index('ix_case_child_id_municipality_status', table_name='case')
    op.drop_index('ix_entry_previous_id', table_name='entry')
