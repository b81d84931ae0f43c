"""Trust: hub keys, clients, used assertions, the hash-chained audit trail, consent basis columns.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:51:45.881188
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_kind', sa.String(length=20), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('person_hash', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('child_id', sa.Uuid(), nullable=True),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('entry_ids', sa.JSON(), nullable=False),
    sa.Column('purpose', sa.String(length=100), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('id', name=op.f('uq_audit_event_id'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_organization_id'), ['organization_id'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('hub_key',
    sa.Column('kid', sa.String(length=100), nullable=False),
    sa.Column('use', sa.String(length=3), nullable=False),
    sa.Column('alg', sa.String(length=20), nullable=False),
    sa.Column('private_jwk', sa.JSON(), nullable=False),
    sa.Column('public_jwk', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('kid', name=op.f('pk_hub_key'))
    )
    op.create_table('used_assertion',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('jti', sa.String(length=200), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_used_assertion')),
    sa.UniqueConstraint('client_id', 'jti', name=op.f('uq_used_assertion_client_id_jti'))
    )
    with op.batch_alter_table('used_assertion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_assertion_expires_at'), ['expires_at'], unique=False)

    op.create_table('client',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('jwks', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_client_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client')),
    sa.UniqueConstraint('client_id', name=op.f('uq_client_client_id'))
    )
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis', sa.String(length=20), nullable=False, server_default='consent'))
        batch_op.add_column(sa.Column('legal_reference', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('covers_guardians', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_column('covers_guardians')
        batch_op.drop_column('legal_reference')
        batch_op.drop_column('basis')

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_organization_id'))

    op.drop_table('client')
    with op.batch_alter_table('used_assertion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_assertion_expires_at'))

    op.drop_table('used_assertion')
    op.drop_table('hub_key')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_organization_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_child_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_case_id'))

    op.drop_table('audit_event')
