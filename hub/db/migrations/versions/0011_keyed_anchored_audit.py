"""Keyed, anchored audit trail: audit_event.scheme (every existing row is marked scheme 1 and verifies as it was
written: history is not rewritten; new rows are scheme 2, with keyed person references) and the table audit_witness
(peer hubs' signed chain heads, received with transfer messages).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 18:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scheme', sa.SmallInteger(), nullable=False, server_default='1'))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('scheme', existing_type=sa.SmallInteger(), server_default=None)  # new rows name their own

    op.create_table('audit_witness',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('hub', sa.String(length=500), nullable=False),
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('head', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('anchor', sa.Text(), nullable=False),
    sa.Column('via', sa.String(length=200), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_witness')),
    sa.UniqueConstraint('hub', 'seq', 'head', name=op.f('uq_audit_witness_hub_seq_head'))
    )


def downgrade() -> None:
    op.drop_table('audit_witness')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('scheme')
