"""Casussen, hun lijstwaarden en commentaar: the first schema.

Revision ID: 0001
Revises: (none)
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "casus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("titel", sa.String(length=120), nullable=False),
        sa.Column("schooljaar", sa.String(length=9), nullable=False),
        sa.Column("regio", sa.String(length=120), nullable=True),
        sa.Column("bron", sa.String(length=20), nullable=True),
        sa.Column("beschrijving", sa.Text(), nullable=False),
        sa.Column("leeftijd", sa.Integer(), nullable=False),
        sa.Column("geslacht", sa.String(length=10), nullable=True),
        sa.Column("onderwijs", sa.String(length=20), nullable=False),
        sa.Column("gezinssituatie", sa.String(length=20), nullable=True),
        sa.Column("verzuim_soort", sa.String(length=30), nullable=False),
        sa.Column("verzuim_uren", sa.Integer(), nullable=True),
        sa.Column("verzuim_keer_te_laat", sa.Integer(), nullable=True),
        sa.Column("verzuim_duur_weken", sa.Integer(), nullable=True),
        sa.Column("verzuim_eerdere_meldingen", sa.Integer(), nullable=True),
        sa.Column("route", sa.String(length=30), nullable=False),
        sa.Column("besluit", sa.String(length=20), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=False),
        sa.Column("heeft_uitkomst", sa.Boolean(), nullable=False),
        sa.Column("verzuim_na", sa.String(length=20), nullable=True),
        sa.Column("onderwijs_na", sa.String(length=20), nullable=True),
        sa.Column("termijn_maanden", sa.Integer(), nullable=True),
        sa.Column("uitkomst_toelichting", sa.Text(), nullable=True),
        sa.Column("lessen", sa.Text(), nullable=True),
        sa.Column("aangemaakt", sa.DateTime(), nullable=False),
        sa.Column("gewijzigd", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("casus", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_casus_besluit"), ["besluit"], unique=False)
        batch_op.create_index(batch_op.f("ix_casus_leeftijd"), ["leeftijd"], unique=False)
        batch_op.create_index(batch_op.f("ix_casus_onderwijs"), ["onderwijs"], unique=False)
        batch_op.create_index(batch_op.f("ix_casus_ref"), ["ref"], unique=True)
        batch_op.create_index(batch_op.f("ix_casus_regio"), ["regio"], unique=False)
        batch_op.create_index(batch_op.f("ix_casus_route"), ["route"], unique=False)
        batch_op.create_index(batch_op.f("ix_casus_schooljaar"), ["schooljaar"], unique=False)
        batch_op.create_index(batch_op.f("ix_casus_verzuim_na"), ["verzuim_na"], unique=False)
        batch_op.create_index(batch_op.f("ix_casus_verzuim_soort"), ["verzuim_soort"], unique=False)

    op.create_table(
        "casus_waarde",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("casus_id", sa.Integer(), nullable=False),
        sa.Column("veld", sa.String(length=20), nullable=False),
        sa.Column("waarde", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["casus_id"], ["casus.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("casus_waarde", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_casus_waarde_casus_id"), ["casus_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_casus_waarde_veld"), ["veld"], unique=False)
        batch_op.create_index(batch_op.f("ix_casus_waarde_waarde"), ["waarde"], unique=False)

    op.create_table(
        "commentaar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("casus_id", sa.Integer(), nullable=False),
        sa.Column("partij", sa.String(length=20), nullable=False),
        sa.Column("oordeel", sa.String(length=20), nullable=False),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("moment", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["casus_id"], ["casus.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commentaar", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commentaar_casus_id"), ["casus_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commentaar_partij"), ["partij"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("commentaar", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commentaar_partij"))
        batch_op.drop_index(batch_op.f("ix_commentaar_casus_id"))

    op.drop_table("commentaar")
    with op.batch_alter_table("casus_waarde", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casus_waarde_waarde"))
        batch_op.drop_index(batch_op.f("ix_casus_waarde_veld"))
        batch_op.drop_index(batch_op.f("ix_casus_waarde_casus_id"))

    op.drop_table("casus_waarde")
    with op.batch_alter_table("casus", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casus_verzuim_soort"))
        batch_op.drop_index(batch_op.f("ix_casus_verzuim_na"))
        batch_op.drop_index(batch_op.f("ix_casus_schooljaar"))
        batch_op.drop_index(batch_op.f("ix_casus_route"))
        batch_op.drop_index(batch_op.f("ix_casus_regio"))
        batch_op.drop_index(batch_op.f("ix_casus_ref"))
        batch_op.drop_index(batch_op.f("ix_casus_onderwijs"))
        batch_op.drop_index(batch_op.f("ix_casus_leeftijd"))
        batch_op.drop_index(batch_op.f("ix_casus_besluit"))

    op.drop_table("casus")
