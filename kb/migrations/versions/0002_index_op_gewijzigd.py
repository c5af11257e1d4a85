"""Index on casus.gewijzigd: the search index asks max(gewijzigd) to notice changes.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("casus", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_casus_gewijzigd"), ["gewijzigd"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("casus", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casus_gewijzigd"))
