"""The JSON API: cases in the exchange format, search and similar cases.

Same service functions as the pages and the CLI: `Casusbank` for reading and
writing, `kb.overzicht.lijst` for lists, `search.service` for search, so
`POST /api/search` answers exactly what `kb search --json` prints. A refused
request is a 422 with every Dutch message in `detail.fouten`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from kb import review
from kb.overzicht import lijst
from kb.schema import naar_uitwisseling
from kb.service import Casusbank, GeweigerdeCasus
from kb.store import MAX_GETAL, FilterFout, Filters
from kb.toegang import Gebruiker
from search.embedder import EmbedderFout
from search.service import MODI, ZoekFout, Zoekvraag, vergelijkbaar, zoek
from web.auth import LEZEN, SCHRIJVEN
from web.deps import get_kb

# Declares the Bearer scheme in the OpenAPI description (the Authorize button in /docs);
# the token itself is read by web.auth for every request.
_BEARER = HTTPBearer(
    auto_error=False, description="Persoonlijk API-token (maak er een op /account)"
)


class Weigering(BaseModel):
    """Every refusal: a Dutch message, or for refused input every message per field."""

    detail: str | dict[str, list[str]] = Field(
        description="melding, of {\"fouten\": [\"veld: melding\", ...]} bij afgewezen invoer"
    )


WEIGERINGEN: dict[int | str, dict[str, Any]] = {
    400: {"model": Weigering, "description": "Verzoek niet te lezen (bijv. geen geldige JSON)"},
    401: {"model": Weigering, "description": "Niet ingelogd: geen of ongeldig API-token"},
    403: {"model": Weigering, "description": "Mag niet met deze rol of voor deze casus"},
    404: {"model": Weigering, "description": "Casus bestaat niet of is niet zichtbaar"},
    409: {"model": Weigering, "description": "Er is al een casus met deze ref"},
    413: {"model": Weigering, "description": "Verzoek te groot"},
    422: {"model": Weigering, "description": "Afgewezen invoer, met alle meldingen"},
    503: {"model": Weigering, "description": "Zoekmodel niet beschikbaar"},
}
router = APIRouter(
    prefix="/api", tags=["api"], dependencies=[Depends(_BEARER)], responses=WEIGERINGEN
)

VOORBEELD: dict[str, Any] = {
    "ref": "VB-2024-001",
    "titel": "Vmbo-leerling 15, ouders reageren niet, maanden verzuim",
    "schooljaar": "2023-2024",
    "beschrijving": (
        "Leerling van 15 in vmbo-3 verzuimt sinds de herfstvakantie structureel, ruim 140 uur. "
        "Ouders komen niet op uitnodigingen van leerplicht."
    ),
    "leerling": {"leeftijd": 15, "onderwijs": "vmbo"},
    "verzuim": {"soort": "relatief", "uren": 142},
    "route": "strafrechtelijk",
    "afweging": {
        "besluit": "pv",
        "pv_tegen": ["ouders", "jongere"],
        "factoren": ["verwijtbaar_ouders", "hulp_geweigerd", "langdurig_verzuim"],
        "toelichting": "Alle vrijwillige stappen zijn gezet zonder reactie; Halt past niet meer.",
    },
}
CasusBody = Annotated[
    dict[str, Any],
    Body(description="Eén casus in het uitwisselformaat (casusformaat.md).", examples=[VOORBEELD]),
]


def geweigerd(fouten: list[str], status_code: int = 422) -> JSONResponse:
    return JSONResponse({"detail": {"fouten": fouten}}, status_code=status_code)


def _niet_gevonden(ref: str) -> HTTPException:
    return HTTPException(404, f"casus '{ref}' bestaat niet")


class Zoekverzoek(BaseModel):
    """The options of `kb search`, as JSON."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field("", description="De casus in eigen woorden; \"frase\" = verplicht")
    filters: dict[str, str | list[str]] = Field(
        default_factory=dict,
        description="veld -> waarde of lijst van waarden, bijv. {\"leerling.leeftijd\": \"12-16\"}",
    )
    factoren: list[str] = Field(default_factory=list, description="factorcodes")
    limit: int = 10
    mode: Literal["hybrid", "dense", "bm25"] = Field("hybrid", description=" · ".join(MODI))


@router.get("/cases", summary="Casussen, met filters (veld=waarde) en paginering")
def cases(
    request: Request,
    wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
    q: str = Query("", description="Vrije tekst: elk woord moet in de casus voorkomen"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_GETAL),
) -> Any:
    filters = Filters()
    try:
        for veld, waarde in request.query_params.multi_items():
            if veld not in ("q", "limit", "offset"):
                filters.add(veld, waarde)
        pagina = lijst(kb, filters, tekst=q, limit=limit, offset=offset, kijker=wie)
    except FilterFout as exc:
        return geweigerd([str(exc)])
    return {
        "totaal": pagina.totaal,
        "limit": limit,
        "offset": offset,
        "cases": [naar_uitwisseling(c) for c in pagina.casussen],
    }


@router.get("/cases/{ref}", summary="Eén casus in het uitwisselformaat")
def get_case(
    ref: str, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Any:
    return naar_uitwisseling(review.lees(kb, ref, wie))


@router.post(
    "/cases", status_code=201,
    summary="Nieuwe casus, als concept voor review (409 als de ref al bestaat)",
)
def create_case(
    data: CasusBody, wie: Gebruiker = Depends(SCHRIJVEN), kb: Casusbank = Depends(get_kb)
) -> Any:
    ref = data.get("ref")
    if isinstance(ref, str) and kb.get(ref) is not None:
        return geweigerd(
            [f"ref: er is al een casus '{ref}'; wijzig hem met PUT /api/cases/{ref}"], 409
        )
    try:
        casus = kb.save(data, door=wie)
    except GeweigerdeCasus as exc:
        return geweigerd(exc.fouten)
    return JSONResponse(
        naar_uitwisseling(casus), status_code=201, headers={"Location": f"/api/cases/{casus.ref}"}
    )


@router.put(
    "/cases/{ref}",
    summary="Casus vervangen (of aanmaken onder deze ref); wordt een concept",
    responses={201: {"description": "Nieuwe casus onder deze ref aangemaakt"}},
)
def put_case(
    ref: str, data: CasusBody, wie: Gebruiker = Depends(SCHRIJVEN),
    kb: Casusbank = Depends(get_kb),
) -> Any:
    bestond = kb.get(ref) is not None
    if bestond:
        review.info(kb, ref, wie)  # 404 for a case this user cannot see
    try:
        casus = kb.save(data, ref=ref, door=wie)
    except GeweigerdeCasus as exc:
        return geweigerd(exc.fouten)
    return JSONResponse(naar_uitwisseling(casus), status_code=200 if bestond else 201)


@router.delete("/cases/{ref}", status_code=204, summary="Casus verwijderen")
def delete_case(
    ref: str, wie: Gebruiker = Depends(SCHRIJVEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    review.info(kb, ref, wie)  # 404 for a case this user cannot see
    if not kb.delete(ref, door=wie):
        raise _niet_gevonden(ref)
    return Response(status_code=204)


@router.get("/cases/{ref}/similar", summary="Casussen die op deze casus lijken")
def similar(
    ref: str,
    wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
    limit: int = Query(5, ge=1, le=100),
) -> Any:
    review.info(kb, ref, wie)  # 404 for a case this user cannot see
    try:
        return vergelijkbaar(kb, ref, limit, kijker=wie)
    except EmbedderFout as exc:
        return geweigerd([str(exc)], 503)


@router.post("/search", summary="Zoek vergelijkbare casussen (antwoord als kb search --json)")
def search(
    verzoek: Zoekverzoek, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Any:
    try:
        filters = Filters()
        for veld, waarden in verzoek.filters.items():
            for waarde in [waarden] if isinstance(waarden, str) else waarden:
                filters.add(veld, waarde)
        vraag = Zoekvraag(
            tekst=verzoek.query,
            filters=filters,
            factoren=verzoek.factoren,
            limit=verzoek.limit,
            modus=verzoek.mode,
            kijker=wie,
        )
        return zoek(kb, vraag)
    except (ZoekFout, FilterFout) as exc:
        return geweigerd([str(exc)])
    except EmbedderFout as exc:
        return geweigerd([str(exc)], 503)
