"""Audit: the role column holds a chain partner's party too ("keten (jeugdreclassering)").

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No table refers to `audit`, so SQLite's batch rebuild cascades nothing away.
    with op.batch_alter_table("audit") as tabel:
        tabel.alter_column("rol", type_=sa.String(length=40), existing_type=sa.String(length=20))


def downgrade() -> None:
    with op.batch_alter_table("audit") as tabel:
        tabel.alter_column("rol", type_=sa.String(length=20), existing_type=sa.String(length=40))
