"""Intervisie: a participant's name is unique within a session, in the database too.

The join checks the name first, but two participants joining under the same name at the
same instant both passed that check. A unique index (not a constraint: on SQLite that
would rebuild the table, see 0005) refuses the second.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Names doubled by that race before this revision get a number, so the index fits.
    conn = op.get_bind()
    gezien: dict[tuple[int, str], int] = {}
    for rij_id, sessie, naam in conn.execute(
        sa.text("SELECT id, intervisie_id, naam FROM intervisie_deelnemer ORDER BY id")
    ):
        n = gezien.get((sessie, naam), 0) + 1
        gezien[(sessie, naam)] = n
        if n > 1:
            conn.execute(
                sa.text("UPDATE intervisie_deelnemer SET naam = :naam WHERE id = :id"),
                {"naam": f"{naam[:34]} ({n})", "id": rij_id},
            )
    op.create_index(
        "uq_intervisie_deelnemer_naam",
        "intervisie_deelnemer",
        ["intervisie_id", "naam"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_intervisie_deelnemer_naam", table_name="intervisie_deelnemer")
