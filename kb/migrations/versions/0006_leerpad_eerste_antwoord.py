"""Leerpaden: keep the learner's first decision on a step, before they saw the case's.

A learner may change an answer after the reveal; the count of "the same decision as
in the case" and the CSV a mentor reads must not take the changed answer for a first
judgement.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch rebuild of the table on SQLite, see 0005).
    op.add_column(
        "leerpad_antwoord",
        sa.Column("eerste_besluit", sa.String(length=20), nullable=False, server_default=""),
    )
    op.add_column(
        "leerpad_antwoord",
        sa.Column("eerste_pv_tegen", sa.String(length=40), nullable=False, server_default=""),
    )
    # Existing answers: the current one is the best knowledge of the first.
    op.execute("UPDATE leerpad_antwoord SET eerste_besluit = besluit, eerste_pv_tegen = pv_tegen")


def downgrade() -> None:
    op.drop_column("leerpad_antwoord", "eerste_pv_tegen")
    op.drop_column("leerpad_antwoord", "eerste_besluit")
