"""Hub keys encrypted at rest: hub_key.private_encrypted beside a now nullable private_jwk.

The keys themselves are encrypted by the hub's first start after this revision (hub.keys.service.ensure_keys), which
has the key-encryption key; a migration has only the database. Downgrading keeps an encrypted key as {"encrypted": ...}
in private_jwk (code before 0010 cannot use it, and fails on importing it) and upgrading moves it back.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-03 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0006'
branch_labels = None
depends_on = None

_hub_key = sa.table(
    'hub_key',
    sa.column('kid', sa.String()),
    sa.column('private_jwk', sa.JSON(none_as_null=True)),
    sa.column('private_encrypted', sa.JSON(none_as_null=True)),
)


def upgrade() -> None:
    with op.batch_alter_table('hub_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('private_encrypted', sa.JSON(), nullable=True))
        batch_op.alter_column('private_jwk', existing_type=sa.JSON(), nullable=True)
    connection = op.get_bind()
    for kid, private in connection.execute(sa.select(_hub_key.c.kid, _hub_key.c.private_jwk)).all():
        if isinstance(private, dict) and set(private) == {'encrypted'}:  # kept there by this revision's downgrade
            connection.execute(
                _hub_key.update().where(_hub_key.c.kid == kid).values(private_encrypted=private['encrypted'], private_jwk=None)
            )


def downgrade() -> None:
    connection = op.get_bind()
    for kid, wrapped in connection.execute(
        sa.select(_hub_key.c.kid, _hub_key.c.private_encrypted).where(_hub_key.c.private_encrypted.is_not(None))
    ).all():
        connection.execute(_hub_key.update().where(_hub_key.c.kid == kid).values(private_jwk={'encrypted': wrapped}))
    with op.batch_alter_table('hub_key', schema=None) as batch_op:
        batch_op.alter_column('private_jwk', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('private_encrypted')
