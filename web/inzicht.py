"""Inzicht: charts of decisions and outcomes over the published cases, filterable, with CSV.

Each chart is a `kb.inzicht.Kruistabel` drawn as 100%-stacked horizontal bars
(one bar per row, split by column), so rows of different sizes compare by
share; the row total is printed at the end of the bar and the table next to
it gives the counts. The geometry is computed here and the template only
draws rectangles; colours come from CSS classes (strict Content-Security-Policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response

from kb import inzicht
from kb.inzicht import WEERGAVEN, Kruistabel
from kb.overzicht import facetten
from kb.service import Casusbank
from kb.store import FilterFout, Filters
from kb.toegang import Gebruiker
from kb.vocabulary import LABELS
from web.auth import LEZEN
from web.deps import get_kb
from web.templating import render

router = APIRouter(include_in_schema=False)

# The filters the page offers, named as everywhere (/bladeren, the API, the CLI).
FILTERVELDEN: tuple[tuple[str, str, str | None], ...] = (
    ("schooljaar", "Schooljaar", None),
    ("verzuim.soort", "Soort verzuim", "verzuim_soort"),
    ("leerling.onderwijs", "Onderwijs", "onderwijs"),
    ("route", "Route", "route"),
    ("themas", "Thema", "thema"),
)
# The label column is as wide as the longest row label needs at the 13px of `.as-label`:
# 7.5px a character is a generous average for a sans-serif at that size.
TEKEN_BREEDTE = 7.5
MIN_LABEL_BREEDTE = 80
STAAF_BREEDTE = 340
RIJ_HOOGTE = 24
STAAF_HOOGTE = 16


@dataclass
class Segment:
    kolom: str
    aantal: int
    x: float
    breedte: float


@dataclass
class Staaf:
    label: str
    totaal: int
    y: int
    segmenten: list[Segment] = field(default_factory=list)

    @property
    def tekst_y(self) -> int:
        return self.y + STAAF_HOOGTE - 3


@dataclass
class Grafiek:
    naam: str
    kleurklasse: str
    staven: list[Staaf]
    label_breedte: int
    breedte: int
    hoogte: int
    legenda: list[tuple[str, str]]


def label_breedte(labels: list[str]) -> int:
    """Room for the longest label before the bars start, with a small gap."""
    return max(MIN_LABEL_BREEDTE, round(max(len(t) for t in labels) * TEKEN_BREEDTE) + 10)


def _kleurklasse(tabel: Kruistabel) -> str:
    """The CSS class prefix of the columns' colours: decisions, or the outcome vocabularies."""
    return {"verzuim_na": "na-", "onderwijs_na": "ond-"}.get(tabel.weergave.naam, "kleur-")


def grafiek(tabel: Kruistabel) -> Grafiek | None:
    """100%-stacked bars for a cross table; None when no case matches."""
    if not tabel.rijen:
        return None
    staven, gebruikt = [], set()
    links = label_breedte([tekst for _, tekst in tabel.rijen])
    for i, (code, tekst) in enumerate(tabel.rijen):
        totaal = tabel.rijtotaal(code)
        staaf = Staaf(tekst, totaal, i * RIJ_HOOGTE)
        x = float(links)
        for kolom, _ in tabel.weergave.kolommen:
            n = tabel.aantal(code, kolom)
            if n and totaal:
                breedte = STAAF_BREEDTE * n / totaal
                staaf.segmenten.append(Segment(kolom, n, round(x, 1), round(breedte, 1)))
                gebruikt.add(kolom)
                x += breedte
        staven.append(staaf)
    legenda = [(k, lab) for k, lab in tabel.weergave.kolommen if k in gebruikt]
    return Grafiek(tabel.weergave.naam, _kleurklasse(tabel), staven, links,
                   links + STAAF_BREEDTE + 40, len(staven) * RIJ_HOOGTE, legenda)


def _waarden(soort: str | None, aanwezig: set[str]) -> list[str]:
    """A filter's choices: in vocabulary order, then values it has no label for (free themes)."""
    bekend = [c for c in LABELS.get(soort or "", {}) if c in aanwezig]
    return bekend + sorted(aanwezig - set(bekend))


def filters_uit(params: Any) -> tuple[Filters, list[tuple[str, str]]]:
    """The page's filters from the query string; unknown fields raise `FilterFout`."""
    filters, paren = Filters(), []
    for veld, waarde in params.multi_items():
        if waarde.strip():
            filters.add(veld, waarde.strip())
            paren.append((veld, waarde.strip()))
    return filters, paren


@router.get("/inzicht", summary="Inzicht: besluiten en uitkomsten in grafieken")
def pagina(
    request: Request, _: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    fout = None
    try:
        filters, paren = filters_uit(request.query_params)
        tabellen = inzicht.alle_kruistabellen(kb, filters)
    except FilterFout as exc:
        fout, filters, paren = str(exc), Filters(), []
        tabellen = inzicht.alle_kruistabellen(kb)
    keuzes = facetten(kb)
    context = {
        "titel": "Inzicht",
        "actief": "inzicht",
        "fout": fout,
        "aantal": inzicht.aantal_casussen(kb, filters),
        "velden": [
            (veld, kop, soort, _waarden(soort, set(keuzes.get(veld, {}))))
            for veld, kop, soort in FILTERVELDEN
        ],
        "gekozen": dict(paren),
        "query": urlencode(paren),
        "tabellen": [(t, grafiek(t)) for t in tabellen],
    }
    return render(request, "inzicht.html", context, blocks=["grafieken"])


@router.get("/inzicht/{naam}.csv", summary="De cijfers van één grafiek als CSV")
def csv(
    naam: str, request: Request, _: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    if naam not in WEERGAVEN:
        raise HTTPException(404, f"Er is geen grafiek '{naam}'; kies uit {', '.join(WEERGAVEN)}.")
    try:
        filters, _paren = filters_uit(request.query_params)
    except FilterFout as exc:
        raise HTTPException(400, str(exc)) from exc
    return PlainTextResponse(
        inzicht.kruistabel(kb, naam, filters).als_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="inzicht-{naam}.csv"'},
    )
