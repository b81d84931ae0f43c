"""Core case model: organisations, children, guardians, cases, entries, goals, measures, consent, raw archive.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 18:37:06.615061
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('child',
    sa.Column('id', sa.Uuid(), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child'))
    )
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_kommunenummer'), ['kommunenummer'], unique=False)

    op.create_table('organization',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('sector', sa.Enum('health', 'school', 'kindergarten', 'child_welfare', 'ppt', 'nav', 'social', 'municipality', 'other', name='sector', native_enum=False, length=20), nullable=False),
    sa.Column('orgnr', sa.String(length=9), nullable=True),
    sa.Column('kommunenummer', sa.String(length=4), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('orgnr', name=op.f('uq_organization_orgnr'))
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_kommunenummer'), ['kommunenummer'], unique=False)

    op.create_table('source_record',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=40), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=True),
    sa.Column('sender', sa.String(length=200), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_source_record'))
    )
    op.create_table('case',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('child_id', sa.Uuid(), nullable=False),
    sa.Column('municipality', sa.String(length=4), nullable=False),
    sa.Column('bti_level', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', 'transferred_out', 'handed_off', name='casestatus', native_enum=False, length=20), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.Text(), nullable=True),
    sa.Column('transferred_to', sa.String(length=500), nullable=True),
    sa.Column('received_from', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.CheckConstraint('bti_level BETWEEN 0 AND 3', name=op.f('ck_case_bti_level_range')),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_case_child_id_child')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case'))
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_municipality'), ['municipality'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_status'), ['status'], unique=False)

    op.create_table('child_identifier',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('child_id', sa.Uuid(), nullable=False),
    sa.Column('system', sa.String(length=200), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_child_identifier_child_id_child'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_identifier')),
    sa.UniqueConstraint('system', 'value', name=op.f('uq_child_identifier_system_value'))
    )
    with op.batch_alter_table('child_identifier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_identifier_child_id'), ['child_id'], unique=False)

    op.create_table('guardian',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('child_id', sa.Uuid(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('identifiers', sa.JSON(), nullable=False),
    sa.Column('national_id', sa.String(length=11), nullable=True),
    sa.Column('relation', sa.String(length=100), nullable=True),
    sa.Column('parental_responsibility', sa.Enum('felles', 'mor', 'far', 'medmor', 'andre', 'ukjent', name='parentalresponsibility', native_enum=False, length=10), nullable=True),
    sa.Column('may_see_log', sa.Boolean(), nullable=False),
    sa.Column('contact', sa.JSON(), nullable=False),
    sa.Column('address', sa.JSON(), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_system', sa.String(length=200), nullable=True),
    sa.Column('source_format', sa.String(length=40), nullable=True),
    sa.Column('source_record_id', sa.String(length=300), nullable=True),
    sa.Column('raw_checksum', sa.String(length=64), nullable=True),
    sa.Column('mapping_version', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_guardian_child_id_child'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardian'))
    )
    with op.batch_alter_table('guardian', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guardian_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guardian_national_id'), ['national_id'], unique=False)

    op.create_table('organization_identifier',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('system', sa.String(length=200), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_organization_identifier_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_identifier')),
    sa.UniqueConstraint('system', 'value', name=op.f('uq_organization_identifier_system_value'))
    )
    with op.batch_alter_table('organization_identifier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_identifier_organization_id'), ['organization_id'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('child_id', sa.Uuid(), nullable=False),
    sa.Column('given_by', sa.String(length=20), nullable=False),
    sa.Column('guardian_id', sa.Uuid(), nullable=True),
    sa.Column('organization_ids', sa.JSON(), nullable=False),
    sa.Column('sectors', sa.JSON(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True),
    sa.Column('document_ref', sa.String(length=500), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_system', sa.String(length=200), nullable=True),
    sa.Column('source_format', sa.String(length=40), nullable=True),
    sa.Column('source_record_id', sa.String(length=300), nullable=True),
    sa.Column('raw_checksum', sa.String(length=64), nullable=True),
    sa.Column('mapping_version', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_consent_child_id_child')),
    sa.ForeignKeyConstraint(['guardian_id'], ['guardian.id'], name=op.f('fk_consent_guardian_id_guardian')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_child_id'), ['child_id'], unique=False)

    op.create_table('coordinator_assignment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('proposed_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_coordinator_assignment_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_coordinator_assignment_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordinator_assignment'))
    )
    with op.batch_alter_table('coordinator_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coordinator_assignment_case_id'), ['case_id'], unique=False)

    op.create_table('entry',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('lineage_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.Enum('note', 'meeting', 'observation', 'assessment', 'concern', 'referral', 'decision', 'document', 'alert', 'enrolment', 'attendance', 'highlight', name='entrykind', native_enum=False, length=20), nullable=False),
    sa.Column('category', sa.Enum('health', 'education', 'early_childhood', 'child_welfare', 'social', 'home', name='category', native_enum=False, length=20), nullable=False),
    sa.Column('sensitivity', sa.Enum('normal', 'sensitive', 'confidential', name='sensitivity', native_enum=False, length=20), nullable=False),
    sa.Column('author_kind', sa.Enum('organization', 'person', 'guardian', 'system', name='authorkind', native_enum=False, length=20), nullable=False),
    sa.Column('author_organization_id', sa.Uuid(), nullable=True),
    sa.Column('author_guardian_id', sa.Uuid(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('codes', sa.JSON(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('related', sa.JSON(), nullable=False),
    sa.Column('retracted', sa.Boolean(), nullable=False),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.Column('source_system', sa.String(length=200), nullable=True),
    sa.Column('source_format', sa.String(length=40), nullable=True),
    sa.Column('source_record_id', sa.String(length=300), nullable=True),
    sa.Column('raw_checksum', sa.String(length=64), nullable=True),
    sa.Column('mapping_version', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['author_guardian_id'], ['guardian.id'], name=op.f('fk_entry_author_guardian_id_guardian')),
    sa.ForeignKeyConstraint(['author_organization_id'], ['organization.id'], name=op.f('fk_entry_author_organization_id_organization')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_entry_case_id_case')),
    sa.ForeignKeyConstraint(['previous_id'], ['entry.id'], name=op.f('fk_entry_previous_id_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry')),
    sa.UniqueConstraint('lineage_id', 'version', name=op.f('uq_entry_lineage_id_version'))
    )
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_lineage_id'), ['lineage_id'], unique=False)

    op.create_table('goal',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.Enum('health', 'education', 'early_childhood', 'child_welfare', 'social', 'home', name='category', native_enum=False, length=20), nullable=True),
    sa.Column('status', sa.Enum('proposed', 'active', 'achieved', 'cancelled', name='goalstatus', native_enum=False, length=20), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('codes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_system', sa.String(length=200), nullable=True),
    sa.Column('source_format', sa.String(length=40), nullable=True),
    sa.Column('source_record_id', sa.String(length=300), nullable=True),
    sa.Column('raw_checksum', sa.String(length=64), nullable=True),
    sa.Column('mapping_version', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_goal_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal'))
    )
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_case_id'), ['case_id'], unique=False)

    op.create_table('measure',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.Enum('health', 'education', 'early_childhood', 'child_welfare', 'social', 'home', name='category', native_enum=False, length=20), nullable=False),
    sa.Column('sensitivity', sa.Enum('normal', 'sensitive', 'confidential', name='sensitivity', native_enum=False, length=20), nullable=False),
    sa.Column('responsible_organization_id', sa.Uuid(), nullable=True),
    sa.Column('responsible_home', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'active', 'completed', 'stopped', name='measurestatus', native_enum=False, length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('evaluation_due', sa.Date(), nullable=True),
    sa.Column('goal_ids', sa.JSON(), nullable=False),
    sa.Column('codes', sa.JSON(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_system', sa.String(length=200), nullable=True),
    sa.Column('source_format', sa.String(length=40), nullable=True),
    sa.Column('source_record_id', sa.String(length=300), nullable=True),
    sa.Column('raw_checksum', sa.String(length=64), nullable=True),
    sa.Column('mapping_version', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_measure_case_id_case')),
    sa.ForeignKeyConstraint(['responsible_organization_id'], ['organization.id'], name=op.f('fk_measure_responsible_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure'))
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_case_id'), ['case_id'], unique=False)

    op.create_table('participant',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=60), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_participant_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_participant_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('case_id', 'organization_id', 'role', name=op.f('uq_participant_case_id_organization_id_role'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_organization_id'), ['organization_id'], unique=False)

    op.create_table('evaluation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('measure_id', sa.Uuid(), nullable=False),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('author_kind', sa.Enum('organization', 'person', 'guardian', 'system', name='authorkind', native_enum=False, length=20), nullable=False),
    sa.Column('author_organization_id', sa.Uuid(), nullable=True),
    sa.Column('author_guardian_id', sa.Uuid(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=True),
    sa.Column('source_record_id', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_guardian_id'], ['guardian.id'], name=op.f('fk_evaluation_author_guardian_id_guardian')),
    sa.ForeignKeyConstraint(['author_organization_id'], ['organization.id'], name=op.f('fk_evaluation_author_organization_id_organization')),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_evaluation_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation'))
    )
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_measure_id'), ['measure_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_measure_id'))

    op.drop_table('evaluation')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_organization_id'))
        batch_op.drop_index(batch_op.f('ix_participant_case_id'))

    op.drop_table('participant')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_case_id'))

    op.drop_table('measure')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_case_id'))

    op.drop_table('goal')
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_lineage_id'))
        batch_op.drop_index(batch_op.f('ix_entry_category'))
        batch_op.drop_index(batch_op.f('ix_entry_case_id'))

    op.drop_table('entry')
    with op.batch_alter_table('coordinator_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coordinator_assignment_case_id'))

    op.drop_table('coordinator_assignment')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_child_id'))

    op.drop_table('consent')
    with op.batch_alter_table('organization_identifier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_identifier_organization_id'))

    op.drop_table('organization_identifier')
    with op.batch_alter_table('guardian', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardian_national_id'))
        batch_op.drop_index(batch_op.f('ix_guardian_child_id'))

    op.drop_table('guardian')
    with op.batch_alter_table('child_identifier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_identifier_child_id'))

    op.drop_table('child_identifier')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_status'))
        batch_op.drop_index(batch_op.f('ix_case_municipality'))
        batch_op.drop_index(batch_op.f('ix_case_child_id'))

    op.drop_table('case')
    op.drop_table('source_record')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_kommunenummer'))

    op.drop_table('organization')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_kommunenummer'))

    op.drop_table('child')
