"""Identity matching: the blocking keys each child is filed under (child_match_key, filled here for the children the
hub holds); merges of children (child_merge: what moved, both children before) and child.merged_into_id; on a review
the matcher's score, the fields that agreed, why it did not link, and who decided it when.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 19:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'child_match_key',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('child_id', sa.Uuid(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_child_match_key_child_id_child'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_child_match_key')),
    )
    with op.batch_alter_table('child_match_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_match_key_child_id'), ['child_id'], unique=False)
        batch_op.create_index('ix_child_match_key_key_child_id', ['key', 'child_id'], unique=False)
    with op.batch_alter_table('identity_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('agreed', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('held_back', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_child_merged_into_id_child'), 'child', ['merged_into_id'], ['id'])
    op.create_table(
        'child_merge',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('survivor_id', sa.Uuid(), nullable=False),
        sa.Column('merged_id', sa.Uuid(), nullable=False),
        sa.Column('review_id', sa.Uuid(), nullable=True),
        sa.Column('moved', sa.JSON(), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('merged_by', sa.String(length=200), nullable=False),
        sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('undone_by', sa.String(length=200), nullable=True),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['merged_id'], ['child.id'], name=op.f('fk_child_merge_merged_id_child')),
        sa.ForeignKeyConstraint(['review_id'], ['identity_review.id'], name=op.f('fk_child_merge_review_id_identity_review')),
        sa.ForeignKeyConstraint(['survivor_id'], ['child.id'], name=op.f('fk_child_merge_survivor_id_child')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_child_merge')),
    )
    with op.batch_alter_table('child_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_merge_merged_id'), ['merged_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_child_merge_survivor_id'), ['survivor_id'], unique=False)
    _file_existing_children()


def _file_existing_children() -> None:
    """The children already held, filed under their keys (the matcher of this revision computes them; read with plain
    SQL, so that later columns of the child table do not matter here)."""
    import json
    import uuid
    from datetime import date

    from hub.canonical.vocab import NATIONAL_ID_SYSTEMS
    from hub.identity.matching import Person, blocking_keys

    bind = op.get_bind()
    national: dict[str, set[str]] = {}
    for child_id, system, value in bind.execute(sa.text('SELECT child_id, system, value FROM child_identifier')):
        if system in NATIONAL_ID_SYSTEMS:
            national.setdefault(str(child_id), set()).add(value)
    keys = sa.table('child_match_key', sa.column('id', sa.Uuid()), sa.column('child_id', sa.Uuid()), sa.column('key', sa.String()))
    rows = []
    for child_id, names, birth_date, address in bind.execute(sa.text('SELECT id, names, birth_date, address FROM child')):
        names = json.loads(names) if isinstance(names, str) else names or []
        address = json.loads(address) if isinstance(address, str) else address or {}
        born = date.fromisoformat(birth_date) if isinstance(birth_date, str) else birth_date
        first = names[0] if names else {}
        person = Person.of(given=first.get("given"), family=first.get("family"), birth_date=born,
                           postal_code=(address or {}).get("postal_code"),
                           national_ids=frozenset(national.get(str(child_id), set())))
        child_uuid = child_id if isinstance(child_id, uuid.UUID) else uuid.UUID(str(child_id))
        rows += [{'id': uuid.uuid4(), 'child_id': child_uuid, 'key': key} for key in sorted(blocking_keys(person))]
        if len(rows) >= 5000:
            op.bulk_insert(keys, rows)
            rows = []
    if rows:
        op.bulk_insert(keys, rows)


def downgrade() -> None:
    with op.batch_alter_table('child_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_merge_survivor_id'))
        batch_op.drop_index(batch_op.f('ix_child_merge_merged_id'))
    op.drop_table('child_merge')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_child_merged_into_id_child'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
    with op.batch_alter_table('identity_review', schema=None) as batch_op:
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('held_back')
        batch_op.drop_column('agreed')
        batch_op.drop_column('score')
    with op.batch_alter_table('child_match_key', schema=None) as batch_op:
        batch_op.drop_index('ix_child_match_key_key_child_id')
        batch_op.drop_index(batch_op.f('ix_child_match_key_child_id'))
    op.drop_table('child_match_key')
