"""Demographics have owners: each source's version of a child's demographics (child_demographics, with provenance and
the source's standing), and the review list learns of stranger pushes (kind, sender, payload, version, records held).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('child_demographics',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('child_id', sa.Uuid(), nullable=False),
    sa.Column('source_organization_id', sa.Uuid(), nullable=True),
    sa.Column('authoritative', sa.Boolean(), nullable=False),
    sa.Column('standing', sa.Enum('authoritative', 'service', 'stranger', name='sourcestanding', native_enum=False, length=20), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=20), nullable=True),
    sa.Column('preferred_language', sa.String(length=40), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('address', sa.JSON(), nullable=True),
    sa.Column('kommunenummer', sa.String(length=4), nullable=True),
    sa.Column('deceased_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unborn', sa.Boolean(), nullable=False),
    sa.Column('expected_birth_date', sa.Date(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_system', sa.String(length=200), nullable=True),
    sa.Column('source_format', sa.String(length=40), nullable=True),
    sa.Column('source_record_id', sa.String(length=300), nullable=True),
    sa.Column('raw_checksum', sa.String(length=64), nullable=True),
    sa.Column('mapping_version', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_child_demographics_child_id_child'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_organization_id'], ['organization.id'], name=op.f('fk_child_demographics_source_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_demographics'))
    )
    op.create_index('ix_child_demographics_child_id_received_at', 'child_demographics', ['child_id', 'received_at'])

    with op.batch_alter_table('identity_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('possible_duplicate', 'stranger_push', name='reviewkind', native_enum=False, length=30), nullable=False, server_default='possible_duplicate'))
        batch_op.add_column(sa.Column('organization_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('raw_checksum', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('source_format', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('demographics_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('held_records', sa.Integer(), nullable=False, server_default='0'))
        batch_op.alter_column('candidate_child_id', existing_type=sa.Uuid(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_identity_review_organization_id_organization'), 'organization', ['organization_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_identity_review_demographics_id_child_demographics'), 'child_demographics', ['demographics_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_identity_review_child_id_organization_id_raw_checksum', ['child_id', 'organization_id', 'raw_checksum'], unique=False)
    # the defaults filled the rows already there; the ORM gives every new row its values
    with op.batch_alter_table('identity_review', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.Enum('possible_duplicate', 'stranger_push', name='reviewkind', native_enum=False, length=30), server_default=None)
        batch_op.alter_column('held_records', existing_type=sa.Integer(), server_default=None)


def downgrade() -> None:
    op.execute("DELETE FROM identity_review WHERE candidate_child_id IS NULL")
    with op.batch_alter_table('identity_review', schema=None) as batch_op:
        batch_op.drop_index('ix_identity_review_child_id_organization_id_raw_checksum')
        batch_op.drop_constraint(batch_op.f('fk_identity_review_demographics_id_child_demographics'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_identity_review_organization_id_organization'), type_='foreignkey')
        batch_op.alter_column('candidate_child_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.drop_column('held_records')
        batch_op.drop_column('demographics_id')
        batch_op.drop_column('source_format')
        batch_op.drop_column('raw_checksum')
        batch_op.drop_column('organization_id')
        batch_op.drop_column('kind')
    op.drop_index('ix_child_demographics_child_id_received_at', table_name='child_demographics')
    op.drop_table('child_demographics')
