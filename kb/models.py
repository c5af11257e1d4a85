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

    casus: "CasusRij" = Relationship(back_populates="commentaren")
