"""Transfer between hubs: peers (other hubs and their keys), transfers (both directions), the outbox.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:00:00.310998
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('peer',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('base_url', sa.String(length=500), nullable=False),
    sa.Column('municipalities', sa.JSON(), nullable=False),
    sa.Column('jwks', sa.JSON(), nullable=True),
    sa.Column('jwks_fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer')),
    sa.UniqueConstraint('base_url', name=op.f('uq_peer_base_url'))
    )
    op.create_table('transfer',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('transfer_id', sa.Uuid(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('origin_hub', sa.String(length=500), nullable=False),
    sa.Column('peer_url', sa.String(length=500), nullable=False),
    sa.Column('origin_municipality', sa.String(length=4), nullable=False),
    sa.Column('destination_municipality', sa.String(length=4), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('failure', sa.Text(), nullable=True),
    sa.Column('preview', sa.JSON(), nullable=False),
    sa.Column('package', sa.LargeBinary(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=True),
    sa.Column('package_size', sa.Integer(), nullable=False),
    sa.Column('deliveries', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('remote_case', sa.String(length=500), nullable=True),
    sa.Column('revocation_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_transfer_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer')),
    sa.UniqueConstraint('direction', 'origin_hub', 'transfer_id', name=op.f('uq_transfer_direction_origin_hub_transfer_id'))
    )
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_destination_municipality'), ['destination_municipality'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_direction'), ['direction'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_status'), ['status'], unique=False)

    op.create_table('outbox_item',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('transfer_id', sa.Uuid(), nullable=True),
    sa.Column('url', sa.String(length=600), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfer.id'], name=op.f('fk_outbox_item_transfer_id_transfer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_item'))
    )
    with op.batch_alter_table('outbox_item', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_item_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_item_transfer_id'), ['transfer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_item_transfer_id'))
        batch_op.drop_index('ix_outbox_item_status_next_attempt_at')

    op.drop_table('outbox_item')
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_status'))
        batch_op.drop_index(batch_op.f('ix_transfer_direction'))
        batch_op.drop_index(batch_op.f('ix_transfer_destination_municipality'))
        batch_op.drop_index(batch_op.f('ix_transfer_case_id'))

    op.drop_table('transfer')
    op.drop_table('peer')
