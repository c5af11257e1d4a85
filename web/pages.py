"""Reading pages: the twijfelgeval search, one case, and browsing all cases.

Thin shells over `search.service` and `kb.overzicht`: they turn the query
string into a search or a filter, and the answer into a page (or, for htmx,
the part of it that changes). Every page's query lives in its URL, so a
colleague who gets the link sees the same list.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from ingest.anonymity import get_guard
from kb import ketenoverleg, review
from kb.ketenoverleg import AppCommentaar
from kb.overzicht import FACET_VELDEN, facetten, lijst
from kb.service import Casusbank
from kb.store import MAX_GETAL, FilterFout, Filters
from kb.toegang import VRAAG_PARTIJEN, Gebruiker, Recht
from kb.vocabulary import FACTOREN, LABELS, Richting, Status
from search.embedder import EmbedderFout
from search.explain import factor_info
from search.export import als_csv
from search.service import ZoekFout, Zoekvraag, vergelijkbaar, zoek
from web.auth import LEZEN
from web.deps import get_kb
from web.grafiek import staafdiagram
from web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)

# Structured filters of the search form, named as filters are named everywhere.
# The filters of the search form: field, vocabulary of its values, heading.
ZOEK_FILTERVELDEN: tuple[tuple[str, str, str], ...] = (
    ("leerling.onderwijs", "onderwijs", "Onderwijs"),
    ("verzuim.soort", "verzuim_soort", "Soort verzuim"),
    ("route", "route", "Route"),
    ("afweging.besluit", "besluit", "Besluit"),
    ("themas", "thema", "Thema"),
)
ZOEK_FILTERS = tuple(veld for veld, _, _ in ZOEK_FILTERVELDEN)
ZOEK_LIMIT = 10
PER_PAGINA = 20
MAX_PAGINA = MAX_GETAL // PER_PAGINA
# Facets of /bladeren: heading and the vocabulary that labels the values (for themes,
# free tags, only the known ones have a label; the others show as their code).
FACETTEN: dict[str, tuple[str, str | None]] = {
    "afweging.besluit": ("Besluit", "besluit"),
    "route": ("Route", "route"),
    "verzuim.soort": ("Soort verzuim", "verzuim_soort"),
    "leerling.onderwijs": ("Onderwijs", "onderwijs"),
    "schooljaar": ("Schooljaar", None),
    "themas": ("Thema", "thema"),
}
# Labels of filters that can come in from links (a factor or thema on a case page).
FILTER_LABELS: dict[str, tuple[str, str | None]] = {
    **FACETTEN,
    "afweging.factoren": ("Factor", "factor"),
    "problematiek": ("Problematiek", "problematiek"),
    "interventies": ("Interventie", "interventie"),
}
ZOEKFOUTEN = (ZoekFout, FilterFout, EmbedderFout)


def _zoekvraag(params: Any) -> Zoekvraag:
    filters = Filters()
    for veld in ZOEK_FILTERS:
        for waarde in params.getlist(veld):
            if waarde:
                filters.add(veld, waarde)
    van, tot = params.get("leeftijd_van", "").strip(), params.get("leeftijd_tot", "").strip()
    if van.isdigit() and tot.isdigit() and int(van) > int(tot):
        # Said in the form's own words; the filter would name its field code.
        raise ZoekFout(f"leeftijd: 'van' ({van}) is hoger dan 'tot en met' ({tot})")
    if van or tot:
        filters.add("leerling.leeftijd", f"{van}-{tot}")
    return Zoekvraag(
        tekst=params.get("q", ""),
        filters=filters,
        factoren=[f for f in params.getlist("factor") if f],
        limit=ZOEK_LIMIT,
    )


@router.get("/", summary="Twijfelgeval: zoek vergelijkbare casussen")
def twijfelgeval(
    request: Request, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    params = request.query_params
    resultaat, fout, persoonsgegevens = None, None, []
    # An htmx search with every field empty arrives without parameters: still answer it.
    if params or is_htmx(request):
        try:
            vraag = _zoekvraag(params)
            vraag.kijker = wie
            resultaat = zoek(kb, vraag)
        except ZOEKFOUTEN as exc:
            fout = str(exc)
        # Nothing is stored, but the description is in the address bar, the browser's
        # history and any link shared from it: say so when it names someone.
        persoonsgegevens = get_guard().check_text(params.get("q", ""))
    context = {
        "titel": "Twijfelgeval",
        "actief": "zoeken",
        "vraag": {
            "q": params.get("q", ""),
            "leeftijd_van": params.get("leeftijd_van", ""),
            "leeftijd_tot": params.get("leeftijd_tot", ""),
            "filters": {veld: params.get(veld, "") for veld in ZOEK_FILTERS},
            "factoren": set(params.getlist("factor")),
        },
        "filtervelden": ZOEK_FILTERVELDEN,
        "resultaat": resultaat,
        "fout": fout,
        "persoonsgegevens": persoonsgegevens,
        "grafiek": staafdiagram(resultaat["samenvatting"]["per_besluit"]) if resultaat else None,
        "herkend": [
            factor_info(f["code"]) for f in (resultaat or {}).get("factoren", [])
            if f["herkend_in_tekst"]
        ],
    }
    return render(request, "zoeken.html", context, blocks=["resultaten", "status"])


@router.get("/zoeken.csv", summary="Zoekresultaat als CSV")
def zoekresultaat_csv(
    request: Request, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    try:
        vraag = _zoekvraag(request.query_params)
        vraag.kijker = wie
        resultaat = zoek(kb, vraag)
    except ZOEKFOUTEN as exc:
        raise HTTPException(400, f"Dit zoekresultaat kan niet gemaakt worden: {exc}.") from exc
    return Response(
        als_csv(resultaat),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="vergelijkbare-casussen.csv"'},
    )


def _per_richting(codes: list[str]) -> list[tuple[str, list[dict[str, str]]]]:
    """A case's factors grouped voor / tegen / context, in vocabulary order."""
    aanwezig = [f for f in FACTOREN if f.code in set(codes)]
    return [
        (richting.value, [factor_info(f.code) for f in aanwezig if f.richting == richting])
        for richting in Richting
    ]


def _per_partij(
    commentaar: list[dict[str, Any]], uit_app: list[AppCommentaar], wie: Gebruiker
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Commentaar grouped by partij: that of the case text, then what partners wrote here."""
    groepen: dict[str, list[dict[str, Any]]] = {}
    for c in commentaar:
        groepen.setdefault(c["partij"], []).append(c)
    for a in uit_app:
        groepen.setdefault(a.partij, []).append(
            {
                "partij": a.partij, "oordeel": a.oordeel, "tekst": a.tekst, "moment": a.moment,
                "id": a.id, "auteur": a.auteur, "versie": a.versie, "gewijzigd": a.gewijzigd,
                "eerdere": a.eerdere, "eigen": wie.id is not None and a.auteur_id == wie.id,
            }
        )
    return list(groepen.items())


def casus_response(
    request: Request, kb: Casusbank, wie: Gebruiker, ref: str, *,
    fouten: dict[str, str] | None = None, invoer: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    """The case page with messages at the forms that were refused (web.review)."""
    return _casuspagina(request, kb, wie, ref, met_vergelijkbare=False, fouten=fouten,
                        invoer=invoer, status_code=status_code)


def _casuspagina(
    request: Request, kb: Casusbank, wie: Gebruiker, ref: str, *, met_vergelijkbare: bool,
    fouten: dict[str, str] | None = None, invoer: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    status = review.info(kb, ref, wie)  # NietGevonden (404) when not visible to `wie`
    gevonden = review.lees(kb, ref, wie, app_commentaar=False)
    data = gevonden.model_dump(mode="json")  # absent optional fields are None, not missing
    vergelijkbare, fout = None, None
    if met_vergelijkbare:
        try:
            vergelijkbare = vergelijkbaar(kb, ref, limit=5, kijker=wie)["results"]
        except ZOEKFOUTEN as exc:
            vergelijkbare, fout = [], str(exc)
    context = {
        "titel": gevonden.titel,
        "casus": data,
        "review": status,
        "factoren": _per_richting(data["afweging"]["factoren"] or []),
        "commentaar": _per_partij(
            data["commentaar"] or [], ketenoverleg.bij_casus(kb, ref), wie
        ),
        "vragen": ketenoverleg.vragen_bij(kb, ref, wie),
        "vraag_partijen": VRAAG_PARTIJEN,
        "mag_commentaar": wie.mag(Recht.commentaar) and status.status == Status.gepubliceerd,
        "anonimiteit": review.controleer_anonimiteit(kb, ref, wie)
        if status.mag_publiceren else None,
        "vergelijkbare": vergelijkbare,
        "fout": fout,
        "fouten": fouten or {},
        "invoer": invoer or {},
    }
    return render(
        request, "casus.html", context, blocks=["vergelijkbaar"] if met_vergelijkbare else None,
        status_code=status_code,
    )


@router.get("/casus/{ref}", summary="Eén casus")
def casus(
    ref: str, request: Request, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    # Finding similar cases embeds the whole case (a second or two): the page comes
    # first and htmx fetches them from /vergelijkbaar; without JavaScript, a link does.
    return _casuspagina(request, kb, wie, ref, met_vergelijkbare=False)


@router.get("/casus/{ref}/vergelijkbaar", summary="Eén casus met vergelijkbare casussen")
def casus_met_vergelijkbare(
    ref: str, request: Request, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    return _casuspagina(request, kb, wie, ref, met_vergelijkbare=True)


def _url(pad: str, paren: list[tuple[str, str]]) -> str:
    return f"{pad}?{urlencode(paren)}" if paren else pad


def _waardelabel(veld: str, waarde: str) -> str:
    soort = FILTER_LABELS.get(veld, ("", None))[1]
    return LABELS[soort].get(waarde, waarde) if soort else waarde


def _facet_links(
    paren: list[tuple[str, str]], tellingen: dict[str, dict[str, int]]
) -> list[dict[str, Any]]:
    """Per facet its values with count, and the URL that switches the value on or off."""
    result = []
    for veld in FACET_VELDEN:
        titel, soort = FACETTEN[veld]
        telling = tellingen.get(veld, {})
        if soort and veld != "themas":  # themes are free tags: most used first, below
            volgorde = [w for w in LABELS[soort] if w in telling]
        elif veld == "schooljaar":
            volgorde = sorted(telling, reverse=True)
        else:
            volgorde = sorted(telling, key=lambda w: (-telling[w], w))
        actief = {v for k, v in paren if k == veld}
        waarden = [
            {
                "waarde": waarde,
                "label": _waardelabel(veld, waarde),
                "aantal": telling.get(waarde, 0),
                "actief": waarde in actief,
                "url": _wissel(paren, veld, waarde),
            }
            for waarde in [*volgorde, *sorted(actief - set(volgorde))]
        ]
        result.append({"veld": veld, "titel": titel, "waarden": waarden})
    return result


def _wissel(paren: list[tuple[str, str]], veld: str, waarde: str) -> str:
    """/bladeren with `veld=waarde` switched on or off, back on page 1."""
    zonder_pagina = [(k, v) for k, v in paren if k != "pagina"]
    if (veld, waarde) in zonder_pagina:
        return _url("/bladeren", [p for p in zonder_pagina if p != (veld, waarde)])
    return _url("/bladeren", [*zonder_pagina, (veld, waarde)])


@router.get("/bladeren", summary="Alle casussen met facetten")
def bladeren(
    request: Request, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    paren = [(k, v) for k, v in request.query_params.multi_items() if v.strip()]
    tekst = request.query_params.get("q", "").strip()
    try:
        # Bounded: a huge page number overflowed the database's offset.
        pagina_nr = min(max(int(request.query_params.get("pagina", "1")), 1), MAX_PAGINA)
    except ValueError:
        pagina_nr = 1
    fout = None
    filters = Filters()
    try:
        for k, v in paren:
            if k not in ("q", "pagina"):
                filters.add(k, v)
        pagina = lijst(kb, filters, tekst=tekst, limit=PER_PAGINA,
                       offset=(pagina_nr - 1) * PER_PAGINA, kijker=wie)
        laatste = max(math.ceil(pagina.totaal / PER_PAGINA), 1)
        if pagina_nr > laatste:  # an old link, or a list that shrank: show its last page
            pagina_nr = laatste
            pagina = lijst(kb, filters, tekst=tekst, limit=PER_PAGINA,
                           offset=(pagina_nr - 1) * PER_PAGINA, kijker=wie)
        tellingen = facetten(kb, filters, tekst=tekst, kijker=wie)
    except FilterFout as exc:
        fout = str(exc)
        pagina = lijst(kb, tekst=tekst, limit=PER_PAGINA, kijker=wie)
        tellingen, filters, pagina_nr = facetten(kb, tekst=tekst, kijker=wie), Filters(), 1
        paren = [(k, v) for k, v in paren if k == "q"]
    paginas = max(math.ceil(pagina.totaal / PER_PAGINA), 1)
    zonder_pagina = [(k, v) for k, v in paren if k != "pagina"]
    context = {
        "titel": "Bladeren",
        "actief": "bladeren",
        "tekst": tekst,
        "pagina": pagina,
        "pagina_nr": pagina_nr,
        "paginas": paginas,
        "vorige": _url("/bladeren", [*zonder_pagina, ("pagina", str(pagina_nr - 1))])
        if pagina_nr > 1 else None,
        "volgende": _url("/bladeren", [*zonder_pagina, ("pagina", str(pagina_nr + 1))])
        if pagina_nr < paginas else None,
        "facetten": _facet_links(paren, tellingen),
        "verborgen": [(k, v) for k, v in paren if k not in ("q", "pagina")],
        "actieve_filters": [
            {
                "titel": FILTER_LABELS.get(k, (k, None))[0],
                "label": _waardelabel(k, v),
                "url": _wissel(paren, k, v),
            }
            for k, v in paren
            if k not in ("q", "pagina")
        ],
        "fout": fout,
    }
    return render(request, "bladeren.html", context, blocks=["overzicht"])
