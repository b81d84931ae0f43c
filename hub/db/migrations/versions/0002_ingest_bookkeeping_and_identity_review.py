"""Ingest bookkeeping (source keys, idempotency receipts), identity review list, child name key, measure retraction.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:43:35.787964
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ingest_receipt',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('sender', sa.String(length=200), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('raw_checksum', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=40), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ingest_receipt')),
    sa.UniqueConstraint('sender', 'idempotency_key', name=op.f('uq_ingest_receipt_sender_idempotency_key'))
    )
    op.create_table('source_key',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('source_system', sa.String(length=200), nullable=False),
    sa.Column('record_type', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=300), nullable=False),
    sa.Column('target_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('raw_checksum', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_key')),
    sa.UniqueConstraint('source_system', 'record_type', 'source_id', name=op.f('uq_source_key_source_system_record_type_source_id'))
    )
    op.create_table('identity_review',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('child_id', sa.Uuid(), nullable=False),
    sa.Column('candidate_child_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_child_id'], ['child.id'], name=op.f('fk_identity_review_candidate_child_id_child')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_identity_review_child_id_child')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_review'))
    )
    with op.batch_alter_table('identity_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_review_child_id'), ['child_id'], unique=False)

    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f('ix_child_name_key'), ['name_key'], unique=False)

    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retracted', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_column('retracted')

    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_name_key'))
        batch_op.drop_column('name_key')

    with op.batch_alter_table('identity_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_review_child_id'))

    op.drop_table('identity_review')
    op.drop_table('source_key')
    op.drop_table('ingest_receipt')
