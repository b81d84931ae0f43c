"""Writes need a basis: kindergarten-v1 consents name their organisations only (the parser also wrote each named
organisation's sector, so a consent to one school opened the child to every school); this clears those sectors.

Revision ID: 0009
Revises: 0012 (written as 0009 on 0006; re-linked after main's 0010-0012)
Create Date: 2026-12-05 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The kindergarten-v1 format cannot express a consent to a sector: every sector on such a row came from the bug.
    consent = sa.table('consent', sa.column('sectors', sa.JSON()), sa.column('source_format', sa.String()))
    op.execute(consent.update().where(consent.c.source_format == 'kindergarten-v1').values(sectors=[]))


def downgrade() -> None:
    pass  # the widened sectors are not restored: they were never what the guardians consented to
