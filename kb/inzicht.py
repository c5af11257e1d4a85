"""Inzicht: what was decided in which situation, and what followed a pv versus no pv.

Every view is a cross table over the published cases matching the filters:
rows are a dimension (factor, route, age group, school type, school year,
decision), columns a decision or an outcome. The page draws each as a chart
with a table beside it, and the CSV download writes the same numbers, so
chart, table and CSV cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func
from sqlmodel import col, select

from kb.export_csv import csv_tekst
from kb.models import CasusRij, CasusWaarde
from kb.service import Casusbank
from kb.store import Filters, apply_filters, zichtbaar
from kb.vocabulary import FACTOREN, LABELS

# Age groups that matter in the MAS: under 12 no pv against the child, 12+ Halt,
# 16-17 the mbo and kwalificatieplicht years, 18+ no leerplicht any more.
LEEFTIJDSGROEPEN: tuple[tuple[str, int, int], ...] = (
    ("4-11", 4, 11),
    ("12-13", 12, 13),
    ("14-15", 14, 15),
    ("16-17", 16, 17),
    ("18-23", 18, 23),
)
ONBEKEND = "onbekend"


@dataclass(frozen=True)
class Weergave:
    """One cross table: how to group the rows and what the columns count."""

    naam: str
    titel: str
    rij_kop: str
    kolom_kop: str
    kolommen: tuple[tuple[str, str], ...]  # code, label
    uitleg: str = ""


@dataclass
class Kruistabel:
    weergave: Weergave
    rijen: list[tuple[str, str]]  # code, label
    cellen: dict[tuple[str, str], int]

    def aantal(self, rij: str, kolom: str) -> int:
        return self.cellen.get((rij, kolom), 0)

    def rijtotaal(self, rij: str) -> int:
        return sum(self.aantal(rij, k) for k, _ in self.weergave.kolommen)

    @property
    def totaal(self) -> int:
        return sum(self.cellen.values())

    def als_csv(self) -> str:
        w = self.weergave
        kolommen = [w.rij_kop, *(lab for _, lab in w.kolommen), "Totaal"]
        rijen = [
            [lab, *(self.aantal(code, k) for k, _ in w.kolommen), self.rijtotaal(code)]
            for code, lab in self.rijen
        ]
        return csv_tekst(kolommen, rijen)


def _kolommen(soort: str, *, onbekend: bool = False) -> tuple[tuple[str, str], ...]:
    paren = tuple(LABELS[soort].items())
    if onbekend and ONBEKEND not in LABELS[soort]:
        paren += ((ONBEKEND, "Onbekend"),)
    return paren


_BESLUIT = _kolommen("besluit")
WEERGAVEN: dict[str, Weergave] = {w.naam: w for w in (
    Weergave("factor", "Besluit per factor", "Factor", "Besluit", _BESLUIT,
             "Een casus met meer factoren telt bij elke factor mee."),
    Weergave("route", "Besluit per route", "Route", "Besluit", _BESLUIT),
    Weergave("leeftijd", "Besluit per leeftijdsgroep", "Leeftijd", "Besluit", _BESLUIT),
    Weergave("onderwijs", "Besluit per schooltype", "Onderwijs", "Besluit", _BESLUIT),
    Weergave("schooljaar", "Besluit per schooljaar", "Schooljaar", "Besluit", _BESLUIT),
    Weergave("verzuim_na", "Verzuim na het besluit", "Besluit", "Verzuim daarna",
             _kolommen("verzuim_na"),
             "Alleen casussen met een bekende uitkomst; zonder opgave telt als onbekend."),
    Weergave("onderwijs_na", "Onderwijs na het besluit", "Besluit", "Onderwijs daarna",
             _kolommen("onderwijs_na"),
             "Alleen casussen met een bekende uitkomst; zonder opgave telt als onbekend."),
)}


def _leeftijdsgroep() -> Any:
    return case(
        *((col(CasusRij.leeftijd).between(laag, hoog), naam)
          for naam, laag, hoog in LEEFTIJDSGROEPEN),
        else_=ONBEKEND,
    )


def _telling(kb: Casusbank, naam: str, filters: Filters | None) -> list[tuple[str, str, int]]:
    """(row code, column code, count) over the published cases matching `filters`."""
    if naam == "factor":
        rij, kolom = CasusWaarde.waarde, CasusRij.besluit
        stmt = (select(rij, kolom, func.count())
                .select_from(CasusRij)
                .join(CasusWaarde, col(CasusWaarde.casus_id) == CasusRij.id)
                .where(CasusWaarde.veld == "factoren"))
    else:
        rij = {
            "route": CasusRij.route,
            "leeftijd": _leeftijdsgroep(),
            "onderwijs": CasusRij.onderwijs,
            "schooljaar": CasusRij.schooljaar,
            "verzuim_na": CasusRij.besluit,
            "onderwijs_na": CasusRij.besluit,
        }[naam]
        kolom = {
            "verzuim_na": func.coalesce(CasusRij.verzuim_na, ONBEKEND),
            "onderwijs_na": func.coalesce(CasusRij.onderwijs_na, ONBEKEND),
        }.get(naam, CasusRij.besluit)
        stmt = select(rij, kolom, func.count()).select_from(CasusRij)
        if naam in ("verzuim_na", "onderwijs_na"):
            stmt = stmt.where(col(CasusRij.heeft_uitkomst).is_(True))
    stmt = zichtbaar(apply_filters(stmt, filters), None).group_by(rij, kolom)
    with kb.session() as s:
        return [(str(r), str(k), int(n)) for r, k, n in s.exec(stmt)]


def _rijen(naam: str, aanwezig: set[str]) -> list[tuple[str, str]]:
    """The rows in a fixed, meaningful order: vocabulary order, age order, years newest first."""
    if naam == "factor":
        return [(f.code, f.label) for f in FACTOREN if f.code in aanwezig]
    if naam == "leeftijd":
        return [(g, f"{g.replace('-', '–')} jaar") for g, _, _ in LEEFTIJDSGROEPEN if g in aanwezig]
    if naam == "schooljaar":
        return [(j, j) for j in sorted(aanwezig, reverse=True)]
    soort = {"route": "route", "onderwijs": "onderwijs"}.get(naam, "besluit")
    return [(c, lab) for c, lab in LABELS[soort].items() if c in aanwezig]


def kruistabel(kb: Casusbank, naam: str, filters: Filters | None = None) -> Kruistabel:
    """One view by name (see `WEERGAVEN`); KeyError for an unknown name."""
    weergave = WEERGAVEN[naam]
    tellingen = _telling(kb, naam, filters)
    cellen = {(r, k): n for r, k, n in tellingen}
    return Kruistabel(weergave, _rijen(naam, {r for r, _, _ in tellingen}), cellen)


def alle_kruistabellen(kb: Casusbank, filters: Filters | None = None) -> list[Kruistabel]:
    return [kruistabel(kb, naam, filters) for naam in WEERGAVEN]


def aantal_casussen(kb: Casusbank, filters: Filters | None = None) -> int:
    stmt = zichtbaar(apply_filters(select(func.count()).select_from(CasusRij), filters), None)
    with kb.session() as s:
        return int(s.exec(stmt).one())
