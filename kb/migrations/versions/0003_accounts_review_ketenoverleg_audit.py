"""Accounts, sessions and tokens; review status of cases; app commentaar with versions;
questions to chain partners; the audit log and login throttling.

Cases that exist before this revision were imported or seeded, so they are
`gepubliceerd`; the server default says so for existing rows.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gebruiker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("naam", sa.String(length=64), nullable=False),
        sa.Column("rol", sa.String(length=20), nullable=False),
        sa.Column("partij", sa.String(length=20), nullable=True),
        sa.Column("wachtwoord_hash", sa.String(length=200), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("moet_wachtwoord_wijzigen", sa.Boolean(), nullable=False),
        sa.Column("aangemaakt", sa.DateTime(), nullable=False),
        sa.Column("laatst_ingelogd", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_gebruiker_naam", "gebruiker", ["naam"], unique=True)

    op.create_table(
        "sessie",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sleutel_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "gebruiker_id",
            sa.Integer(),
            sa.ForeignKey("gebruiker.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("aangemaakt", sa.DateTime(), nullable=False),
        sa.Column("verloopt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sessie_sleutel_hash", "sessie", ["sleutel_hash"], unique=True)
    op.create_index("ix_sessie_gebruiker_id", "sessie", ["gebruiker_id"])

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "gebruiker_id",
            sa.Integer(),
            sa.ForeignKey("gebruiker.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("naam", sa.String(length=80), nullable=False),
        sa.Column("sleutel_hash", sa.String(length=64), nullable=False),
        sa.Column("begin", sa.String(length=16), nullable=False),
        sa.Column("aangemaakt", sa.DateTime(), nullable=False),
        sa.Column("laatst_gebruikt", sa.DateTime(), nullable=True),
        sa.Column("ingetrokken", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_token_sleutel_hash", "api_token", ["sleutel_hash"], unique=True)
    op.create_index("ix_api_token_gebruiker_id", "api_token", ["gebruiker_id"])

    with op.batch_alter_table("casus") as batch:
        batch.add_column(
            sa.Column(
                "status", sa.String(length=20), nullable=False, server_default="gepubliceerd"
            )
        )
        batch.add_column(sa.Column("auteur_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("bewerkt_door_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("review_reden", sa.Text(), nullable=True))
        batch.add_column(sa.Column("gepubliceerd_op", sa.DateTime(), nullable=True))
        batch.create_index("ix_casus_status", ["status"])
        batch.create_index("ix_casus_auteur_id", ["auteur_id"])
        batch.create_foreign_key(
            "fk_casus_auteur", "gebruiker", ["auteur_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_foreign_key(
            "fk_casus_bewerkt_door", "gebruiker", ["bewerkt_door_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("commentaar") as batch:
        batch.add_column(sa.Column("auteur_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("versie", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("gewijzigd", sa.DateTime(), nullable=True))
        batch.create_index("ix_commentaar_auteur_id", ["auteur_id"])
        batch.create_foreign_key(
            "fk_commentaar_auteur", "gebruiker", ["auteur_id"], ["id"], ondelete="SET NULL"
        )

    op.create_table(
        "commentaar_versie",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "commentaar_id",
            sa.Integer(),
            sa.ForeignKey("commentaar.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.Column("oordeel", sa.String(length=20), nullable=False),
        sa.Column("moment", sa.String(length=10), nullable=True),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("geschreven", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_commentaar_versie_commentaar_id", "commentaar_versie", ["commentaar_id"])

    op.create_table(
        "vraag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "casus_id", sa.Integer(), sa.ForeignKey("casus.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("partij", sa.String(length=20), nullable=False),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column(
            "gesteld_door_id",
            sa.Integer(),
            sa.ForeignKey("gebruiker.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("gesteld_op", sa.DateTime(), nullable=False),
        sa.Column(
            "commentaar_id",
            sa.Integer(),
            sa.ForeignKey("commentaar.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("beantwoord_op", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_vraag_casus_id", "vraag", ["casus_id"])
    op.create_index("ix_vraag_partij", "vraag", ["partij"])

    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tijd", sa.DateTime(), nullable=False),
        sa.Column("gebruiker", sa.String(length=64), nullable=True),
        sa.Column("rol", sa.String(length=20), nullable=True),
        sa.Column("actie", sa.String(length=40), nullable=False),
        sa.Column("onderwerp", sa.String(length=120), nullable=True),
        sa.Column("adres", sa.String(length=64), nullable=True),
        sa.Column("details", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_tijd", "audit", ["tijd"])
    op.create_index("ix_audit_gebruiker", "audit", ["gebruiker"])
    op.create_index("ix_audit_actie", "audit", ["actie"])

    op.create_table(
        "inlogpoging",
        sa.Column("sleutel", sa.String(length=200), nullable=False),
        sa.Column("mislukt", sa.Integer(), nullable=False),
        sa.Column("laatste", sa.DateTime(), nullable=False),
        sa.Column("geblokkeerd_tot", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("sleutel"),
    )


def downgrade() -> None:
    op.drop_table("inlogpoging")
    op.drop_table("audit")
    op.drop_table("vraag")
    op.drop_table("commentaar_versie")
    with op.batch_alter_table("commentaar") as batch:
        batch.drop_constraint("fk_commentaar_auteur", type_="foreignkey")
        batch.drop_index("ix_commentaar_auteur_id")
        batch.drop_column("gewijzigd")
        batch.drop_column("versie")
        batch.drop_column("auteur_id")
    with op.batch_alter_table("casus") as batch:
        batch.drop_constraint("fk_casus_bewerkt_door", type_="foreignkey")
        batch.drop_constraint("fk_casus_auteur", type_="foreignkey")
        batch.drop_index("ix_casus_auteur_id")
        batch.drop_index("ix_casus_status")
        batch.drop_column("gepubliceerd_op")
        batch.drop_column("review_reden")
        batch.drop_column("bewerkt_door_id")
        batch.drop_column("auteur_id")
        batch.drop_column("status")
    op.drop_table("api_token")
    op.drop_table("sessie")
    op.drop_table("gebruiker")
