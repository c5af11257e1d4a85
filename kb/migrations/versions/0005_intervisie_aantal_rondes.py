"""Intervisie: remember how many cases a session has, so a deleted case leaves a marked gap.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild of `intervisie` on SQLite would drop the table
    # with foreign keys on, and cascade away every round, participant and answer.
    op.add_column(
        "intervisie",
        sa.Column("aantal_rondes", sa.Integer(), nullable=False, server_default="0"),
    )
    # Existing sessions: the highest round still there, or the current one if that is higher.
    op.execute(
        "UPDATE intervisie SET aantal_rondes = ("
        " SELECT CASE WHEN COALESCE(MAX(r.volgorde), 0) > intervisie.huidige_ronde"
        " THEN MAX(r.volgorde) ELSE intervisie.huidige_ronde END"
        " FROM intervisie_ronde r WHERE r.intervisie_id = intervisie.id)"
    )


def downgrade() -> None:
    op.drop_column("intervisie", "aantal_rondes")
