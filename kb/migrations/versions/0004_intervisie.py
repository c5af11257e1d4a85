"""Intervisie sessions (rounds, participants, answers) and answers to leerpad steps.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _fk(kolom: str, doel: str, ondelete: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(kolom, sa.Integer(), sa.ForeignKey(doel, ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "intervisie",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("titel", sa.String(length=120), nullable=False),
        sa.Column("thema", sa.String(length=40), nullable=True),
        _fk("begeleider_id", "gebruiker.id", "SET NULL", nullable=True),
        sa.Column("huidige_ronde", sa.Integer(), nullable=False),
        sa.Column("afgesloten", sa.Boolean(), nullable=False),
        sa.Column("aangemaakt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_intervisie_code", "intervisie", ["code"], unique=True)
    op.create_index("ix_intervisie_begeleider_id", "intervisie", ["begeleider_id"])

    op.create_table(
        "intervisie_ronde",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("intervisie_id", "intervisie.id", "CASCADE"),
        sa.Column("volgorde", sa.Integer(), nullable=False),
        _fk("casus_id", "casus.id", "CASCADE"),
        sa.Column("onthuld", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_intervisie_ronde_intervisie_id", "intervisie_ronde", ["intervisie_id"])

    op.create_table(
        "intervisie_deelnemer",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("intervisie_id", "intervisie.id", "CASCADE"),
        sa.Column("naam", sa.String(length=40), nullable=False),
        sa.Column("sleutel_hash", sa.String(length=64), nullable=False),
        sa.Column("aangemaakt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_intervisie_deelnemer_intervisie_id", "intervisie_deelnemer", ["intervisie_id"]
    )
    op.create_index(
        "ix_intervisie_deelnemer_sleutel_hash", "intervisie_deelnemer", ["sleutel_hash"],
        unique=True,
    )

    op.create_table(
        "intervisie_antwoord",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("ronde_id", "intervisie_ronde.id", "CASCADE"),
        _fk("deelnemer_id", "intervisie_deelnemer.id", "CASCADE"),
        sa.Column("besluit", sa.String(length=20), nullable=False),
        sa.Column("pv_tegen", sa.String(length=40), nullable=False),
        sa.Column("factoren", sa.Text(), nullable=False),
        sa.Column("motivatie", sa.Text(), nullable=False),
        sa.Column("gewijzigd", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ronde_id", "deelnemer_id"),
    )
    op.create_index("ix_intervisie_antwoord_ronde_id", "intervisie_antwoord", ["ronde_id"])
    op.create_index(
        "ix_intervisie_antwoord_deelnemer_id", "intervisie_antwoord", ["deelnemer_id"]
    )

    op.create_table(
        "leerpad_antwoord",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("gebruiker_id", "gebruiker.id", "CASCADE"),
        sa.Column("leerpad", sa.String(length=64), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("besluit", sa.String(length=20), nullable=False),
        sa.Column("pv_tegen", sa.String(length=40), nullable=False),
        sa.Column("factoren", sa.Text(), nullable=False),
        sa.Column("motivatie", sa.Text(), nullable=False),
        sa.Column("beantwoord", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("gebruiker_id", "leerpad", "ref"),
    )
    op.create_index("ix_leerpad_antwoord_gebruiker_id", "leerpad_antwoord", ["gebruiker_id"])
    op.create_index("ix_leerpad_antwoord_leerpad", "leerpad_antwoord", ["leerpad"])


def downgrade() -> None:
    op.drop_table("leerpad_antwoord")
    op.drop_table("intervisie_antwoord")
    op.drop_table("intervisie_deelnemer")
    op.drop_table("intervisie_ronde")
    op.drop_table("intervisie")
