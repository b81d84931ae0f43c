"""The outbox leaves the transfer domain: an item refers to its subject generically (subject_kind, subject_id) instead
of a foreign key to transfer, and its kind names the handler that delivers it (package -> transfer.package, ...).

Every existing item keeps its row: transfer_id becomes subject ('transfer', transfer_id), the kinds gain the prefix.
The downgrade moves them back, and refuses while items of kinds the old schema cannot express are in the table.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TRANSFER_MESSAGES = ('package', 'receipt', 'revocation')

outbox_item = sa.table(
    'outbox_item',
    sa.column('kind', sa.String()),
    sa.column('transfer_id', sa.Uuid()),
    sa.column('subject_kind', sa.String()),
    sa.column('subject_id', sa.Uuid()),
)


def upgrade() -> None:
    with op.batch_alter_table('outbox_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Uuid(), nullable=True))
        batch_op.alter_column('kind', existing_type=sa.String(length=20), type_=sa.String(length=40), existing_nullable=False)

    op.execute(
        outbox_item.update()
        .where(outbox_item.c.transfer_id.is_not(None))
        .values(subject_kind='transfer', subject_id=outbox_item.c.transfer_id)
    )
    op.execute(
        outbox_item.update()
        .where(outbox_item.c.kind.in_(TRANSFER_MESSAGES))
        .values(kind=sa.literal('transfer.') + outbox_item.c.kind)
    )

    with op.batch_alter_table('outbox_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_item_transfer_id'))
        batch_op.drop_constraint(batch_op.f('fk_outbox_item_transfer_id_transfer'), type_='foreignkey')
        batch_op.drop_column('transfer_id')
        batch_op.create_index('ix_outbox_item_subject_kind_subject_id', ['subject_kind', 'subject_id'], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    kinds = [f'transfer.{message}' for message in TRANSFER_MESSAGES]
    foreign = bind.execute(
        sa.select(outbox_item.c.kind, sa.func.count()).where(outbox_item.c.kind.not_in(kinds)).group_by(outbox_item.c.kind)
    ).all()
    if foreign:
        named = ', '.join(f'{kind} ({n})' for kind, n in foreign)
        raise RuntimeError(f'outbox items of kinds the schema of 0012 cannot hold are waiting: {named}; deliver or delete them first')

    with op.batch_alter_table('outbox_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transfer_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_item_transfer_id_transfer'), 'transfer', ['transfer_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_outbox_item_transfer_id'), ['transfer_id'], unique=False)

    op.execute(
        outbox_item.update()
        .where(outbox_item.c.subject_kind == 'transfer')
        .values(transfer_id=outbox_item.c.subject_id)
    )
    op.execute(
        outbox_item.update()
        .where(outbox_item.c.kind.in_(kinds))
        .values(kind=sa.func.substr(outbox_item.c.kind, len('transfer.') + 1))
    )

    with op.batch_alter_table('outbox_item', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_item_subject_kind_subject_id')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_kind')
        batch_op.alter_column('kind', existing_type=sa.String(length=40), type_=sa.String(length=20), existing_nullable=False)
