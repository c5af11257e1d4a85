"""How cases are stored: one row per casus, its list fields and its commentaar.

The exchange format is nested; storage is flat so that every structured field
can be filtered in SQL. List-valued fields (factoren, themas, maatregelen, ...)
go into `CasusWaarde` rows (veld, waarde), which makes "all cases with factor X"
one indexed lookup on SQLite and PostgreSQL alike.
"""

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, Text
from sqlmodel import Field, Relationship, SQLModel

# The list fields of the format, keyed by the name `CasusWaarde.veld` stores.
LIJSTVELDEN: dict[str, tuple[str, ...]] = {
    "meldingen": ("verzuim", "meldingen"),
    "problematiek": ("problematiek",),
    "interventies": ("interventies",),
    "pv_tegen": ("afweging", "pv_tegen"),
    "factoren": ("afweging", "factoren"),
    "maatregelen": ("uitkomst", "maatregelen"),
    "themas": ("themas",),
}


def _nu() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class CasusRij(SQLModel, table=True):
    __tablename__ = "casus"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(index=True, unique=True, max_length=64)
    titel: str = Field(max_length=120)
    schooljaar: str = Field(index=True, max_length=9)
    regio: str | None = Field(default=None, index=True, max_length=120)
    bron: str | None = Field(default=None, max_length=20)
    beschrijving: str = Field(sa_type=Text)
    leeftijd: int = Field(index=True)
    geslacht: str | None = Field(default=None, max_length=10)
    onderwijs: str = Field(index=True, max_length=20)
    gezinssituatie: str | None = Field(default=None, max_length=20)
    verzuim_soort: str = Field(index=True, max_length=30)
    verzuim_uren: int | None = None
    verzuim_keer_te_laat: int | None = None
    verzuim_duur_weken: int | None = None
    verzuim_eerdere_meldingen: int | None = None
    route: str = Field(index=True, max_length=30)
    besluit: str = Field(index=True, max_length=20)
    toelichting: str = Field(sa_type=Text)
    heeft_uitkomst: bool = False
    verzuim_na: str | None = Field(default=None, index=True, max_length=20)
    onderwijs_na: str | None = Field(default=None, max_length=20)
    termijn_maanden: int | None = None
    uitkomst_toelichting: str | None = Field(default=None, sa_type=Text)
    lessen: str | None = Field(default=None, sa_type=Text)
    aangemaakt: datetime = Field(default_factory=_nu, sa_type=DateTime)
    gewijzigd: datetime = Field(default_factory=_nu, sa_type=DateTime, index=True)
    # Review (kb.review). Imported and seeded cases are published; cases written in
    # the app start as concept. The author and last editor may not publish (four eyes).
    status: str = Field(default="gepubliceerd", index=True, max_length=20)
    auteur_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("gebruiker.id", ondelete="SET NULL"), index=True),
    )
    bewerkt_door_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("gebruiker.id", ondelete="SET NULL"))
    )
    review_reden: str | None = Field(default=None, sa_type=Text)
    gepubliceerd_op: datetime | None = Field(default=None, sa_type=DateTime)

    waarden: list["CasusWaarde"] = Relationship(
        back_populates="casus",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "CasusWaarde.id"},
    )
    commentaren: list["CommentaarRij"] = Relationship(
        back_populates="casus",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "CommentaarRij.id"},
    )


class CasusWaarde(SQLModel, table=True):
    __tablename__ = "casus_waarde"

    id: int | None = Field(default=None, primary_key=True)
    casus_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("casus.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    veld: str = Field(max_length=20, index=True)
    waarde: str = Field(max_length=64, index=True)

    casus: "CasusRij" = Relationship(back_populates="waarden")


class CommentaarRij(SQLModel, table=True):
    __tablename__ = "commentaar"

    id: int | None = Field(default=None, primary_key=True)
    casus_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("casus.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    partij: str = Field(max_length=20, index=True)
    oordeel: str = Field(max_length=20)
    tekst: str = Field(sa_type=Text)
    moment: str | None = Field(default=None, max_length=10)
    # Set for commentaar written in the app by a keten account; such commentaar
    # survives edits of the case and keeps its earlier versions (CommentaarVersie).
    auteur_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("gebruiker.id", ondelete="SET NULL"), index=True),
    )
    versie: int = 1
    gewijzigd: datetime | None = Field(default=None, sa_type=DateTime)

    casus: "CasusRij" = Relationship(back_populates="commentaren")


class CommentaarVersie(SQLModel, table=True):
    """An earlier wording of app commentaar, kept when its author edits it."""

    __tablename__ = "commentaar_versie"

    id: int | None = Field(default=None, primary_key=True)
    commentaar_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("commentaar.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    versie: int
    oordeel: str = Field(max_length=20)
    moment: str | None = Field(default=None, max_length=10)
    tekst: str = Field(sa_type=Text)
    geschreven: datetime | None = Field(default=None, sa_type=DateTime)


class GebruikerRij(SQLModel, table=True):
    __tablename__ = "gebruiker"

    id: int | None = Field(default=None, primary_key=True)
    naam: str = Field(index=True, unique=True, max_length=64)
    rol: str = Field(max_length=20)
    partij: str | None = Field(default=None, max_length=20)
    wachtwoord_hash: str = Field(max_length=200)
    actief: bool = True
    moet_wachtwoord_wijzigen: bool = False
    aangemaakt: datetime = Field(default_factory=_nu, sa_type=DateTime)
    laatst_ingelogd: datetime | None = Field(default=None, sa_type=DateTime)


class SessieRij(SQLModel, table=True):
    """A login session; the cookie holds a random key, the database only its hash."""

    __tablename__ = "sessie"

    id: int | None = Field(default=None, primary_key=True)
    sleutel_hash: str = Field(index=True, unique=True, max_length=64)
    gebruiker_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("gebruiker.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    csrf: str = Field(max_length=64)
    aangemaakt: datetime = Field(default_factory=_nu, sa_type=DateTime)
    verloopt: datetime = Field(sa_type=DateTime)


class TokenRij(SQLModel, table=True):
    """A personal API token; shown once, stored as a hash."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    gebruiker_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("gebruiker.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    naam: str = Field(max_length=80)
    sleutel_hash: str = Field(index=True, unique=True, max_length=64)
    begin: str = Field(max_length=16)  # the first characters, so a user can tell tokens apart
    aangemaakt: datetime = Field(default_factory=_nu, sa_type=DateTime)
    laatst_gebruikt: datetime | None = Field(default=None, sa_type=DateTime)
    ingetrokken: bool = False


class VraagRij(SQLModel, table=True):
    """A concept case put to a partij (OM, RvdK); the answer becomes vooraf-commentaar."""

    __tablename__ = "vraag"

    id: int | None = Field(default=None, primary_key=True)
    casus_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("casus.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    partij: str = Field(max_length=20, index=True)
    tekst: str = Field(sa_type=Text)
    gesteld_door_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("gebruiker.id", ondelete="SET NULL"))
    )
    gesteld_op: datetime = Field(default_factory=_nu, sa_type=DateTime)
    commentaar_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("commentaar.id", ondelete="SET NULL"))
    )
    beantwoord_op: datetime | None = Field(default=None, sa_type=DateTime)


class AuditRij(SQLModel, table=True):
    """Who did what when: names and refs only, never case text."""

    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    tijd: datetime = Field(default_factory=_nu, sa_type=DateTime, index=True)
    gebruiker: str | None = Field(default=None, max_length=64, index=True)
    # The role, with a chain partner's party: "keten (jeugdreclassering)" (migration 0008).
    rol: str | None = Field(default=None, max_length=40)
    actie: str = Field(max_length=40, index=True)
    onderwerp: str | None = Field(default=None, max_length=120)
    adres: str | None = Field(default=None, max_length=64)
    details: str | None = Field(default=None, max_length=500)


class InlogPoging(SQLModel, table=True):
    """Failed logins per account or per address, for throttling with backoff."""

    __tablename__ = "inlogpoging"

    sleutel: str = Field(primary_key=True, max_length=200)
    mislukt: int = 0
    laatste: datetime = Field(default_factory=_nu, sa_type=DateTime)
    geblokkeerd_tot: datetime | None = Field(default=None, sa_type=DateTime)


# --- intervisie and leerpaden (kb.intervisie, kb.leerpaden) ---------------------------
# Appended to this module while accounts were being built in the same file; the import
# can join the others at the top.
from sqlalchemy import Index, UniqueConstraint  # noqa: E402


class IntervisieRij(SQLModel, table=True):
    """An intervisie session: a facilitator, a join code and one or more rounds (cases)."""

    __tablename__ = "intervisie"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=12)
    titel: str = Field(max_length=120)
    thema: str | None = Field(default=None, max_length=40)
    begeleider_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("gebruiker.id", ondelete="SET NULL"), index=True),
    )
    huidige_ronde: int = 1
    # How many cases the session started with. A round disappears with its case
    # (ON DELETE CASCADE); this keeps its place, so the session can say so.
    aantal_rondes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    afgesloten: bool = False
    aangemaakt: datetime = Field(default_factory=_nu, sa_type=DateTime)


class IntervisieRonde(SQLModel, table=True):
    """One case discussed in a session; the decision stays hidden until `onthuld`."""

    __tablename__ = "intervisie_ronde"

    id: int | None = Field(default=None, primary_key=True)
    intervisie_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("intervisie.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    volgorde: int
    casus_id: int = Field(
        sa_column=Column(Integer, ForeignKey("casus.id", ondelete="CASCADE"), nullable=False)
    )
    onthuld: bool = False


class IntervisieDeelnemer(SQLModel, table=True):
    """A participant: only a chosen name, and the hash of the key in their browser cookie."""

    __tablename__ = "intervisie_deelnemer"
    # Refuses a second participant joining under the same name at the same instant
    # (kb.intervisie.doe_mee checks first, case-insensitively; migration 0007).
    __table_args__ = (
        Index("uq_intervisie_deelnemer_naam", "intervisie_id", "naam", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    intervisie_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("intervisie.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    naam: str = Field(max_length=40)
    sleutel_hash: str = Field(index=True, unique=True, max_length=64)
    aangemaakt: datetime = Field(default_factory=_nu, sa_type=DateTime)


class IntervisieAntwoord(SQLModel, table=True):
    """A participant's own decision in one round; lists are stored space-separated."""

    __tablename__ = "intervisie_antwoord"
    __table_args__ = (UniqueConstraint("ronde_id", "deelnemer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    ronde_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("intervisie_ronde.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    deelnemer_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("intervisie_deelnemer.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    besluit: str = Field(max_length=20)
    pv_tegen: str = Field(default="", max_length=40)
    factoren: str = Field(default="", sa_type=Text)
    motivatie: str = Field(default="", sa_type=Text)
    gewijzigd: datetime = Field(default_factory=_nu, sa_type=DateTime)


class LeerpadAntwoord(SQLModel, table=True):
    """A learner's answer to one step of a leerpad (the paths themselves live in YAML)."""

    __tablename__ = "leerpad_antwoord"
    __table_args__ = (UniqueConstraint("gebruiker_id", "leerpad", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    gebruiker_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("gebruiker.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    leerpad: str = Field(max_length=64, index=True)
    ref: str = Field(max_length=64)
    besluit: str = Field(max_length=20)
    pv_tegen: str = Field(default="", max_length=40)
    factoren: str = Field(default="", sa_type=Text)
    motivatie: str = Field(default="", sa_type=Text)
    # The first decision, before the learner saw the case's; an answer changed after
    # the reveal does not replace it (migration 0006).
    eerste_besluit: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    eerste_pv_tegen: str = Field(default="", max_length=40, sa_column_kwargs={"server_default": ""})
    beantwoord: datetime = Field(default_factory=_nu, sa_type=DateTime)
