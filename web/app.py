"""The FastAPI application: pages, the JSON API, static files and Dutch error pages.

`create_app` takes the knowledge base to serve (tests pass their own copy) or
opens the one `KB_DATA_DIR` points at. Errors never show a stack trace: a page
gets a Dutch error page, the API a JSON body with `detail`.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.db import unieke_botsing
from kb.review import NietGevonden
from kb.schema import veldfouten
from kb.service import Casusbank
from kb.toegang import Gebruiker, Geweigerd
from web import api, beheer, intervisie, invoer, inzicht, leerpad, pages, review, sessies
from web.auth import (
    LEZEN,
    Identificatie,
    NietIngelogd,
    WachtwoordWijzigen,
    huidige_pagina,
    naar_login,
    naar_wachtwoord,
)
from web.beveiliging import Beveiliging
from web.templating import STATIC_DIR, is_htmx, templates

log = logging.getLogger(__name__)

FOUTTITELS = {
    400: "Dit verzoek klopt niet",
    403: "Dit mag u niet",
    404: "Pagina niet gevonden",
    405: "Dit kan hier niet",
    409: "Tegelijk opgeslagen",
    422: "Dit verzoek klopt niet",
}


_STATUSSEN = {s.value for s in HTTPStatus}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _foutpagina(request: Request, status_code: int, melding: str) -> Response:
    context = {
        "titel": FOUTTITELS.get(status_code, "Er ging iets mis"),
        "melding": melding,
        "status_code": status_code,
    }
    return templates.TemplateResponse(request, "fout.html", context, status_code=status_code)


async def _http_fout(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _is_api(request):
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            return JSONResponse(
                {"detail": {"fouten": ["body: geen geldige JSON; stuur één JSON-object"]}},
                status_code=400,
            )
        return await http_exception_handler(request, exc)
    standaard = HTTPStatus(exc.status_code).phrase if exc.status_code in _STATUSSEN else ""
    if exc.detail and exc.detail != standaard:
        melding = str(exc.detail)  # our own Dutch message
    elif exc.status_code == 404:
        melding = "Het adres bestaat niet (meer). Zoek de casus op via Twijfelgeval of Bladeren."
    else:
        melding = "Probeer het opnieuw vanaf de startpagina."
    return _foutpagina(request, exc.status_code, melding)


async def _ongeldig_verzoek(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # The first element of a location says where (body, query, path); the rest names the field.
    fouten = [
        f"{veld}: {melding}" if veld else melding
        for veld, melding in veldfouten([{**e, "loc": e["loc"][1:]} for e in exc.errors()])
    ]
    if _is_api(request):
        return JSONResponse({"detail": {"fouten": fouten}}, status_code=422)
    return _foutpagina(request, 400, "; ".join(fouten))


def _antwoord(request: Request, status: int, melding: str) -> Response:
    """A refusal or error: JSON `detail` for the API, the Dutch error page otherwise."""
    if _is_api(request):
        return JSONResponse({"detail": melding}, status_code=status)
    return _foutpagina(request, status, melding)


async def _tegelijk(request: Request, exc: Exception) -> Response:
    """A unique constraint hit by two requests at once (double-click, two tabs): what the
    service could not settle itself is a Dutch 409, not a 500. Other integrity errors
    (a missing foreign key) are bugs: the 500 and its trace in the log."""
    if not unieke_botsing(exc):
        log.error("integriteitsfout (%s %s)", request.method, request.url.path, exc_info=exc)
        return await _interne_fout(request, exc)
    log.warning("tegelijk opgeslagen (%s %s): %s", request.method, request.url.path, exc)
    melding = (
        "Tegelijk werd hetzelfde opgeslagen (bijvoorbeeld door twee keer te klikken). "
        "Kijk of het er al staat; zo niet, probeer het opnieuw."
    )
    return _antwoord(request, 409, melding)


async def _interne_fout(request: Request, _exc: Exception) -> Response:
    # Starlette raises the exception again after this answer, so the server log has the trace.
    melding = (
        "Er ging iets mis aan onze kant. Probeer het opnieuw; blijft het misgaan, "
        "meld dan wat u deed aan de beheerder."
    )
    return _antwoord(request, 500, melding)


async def _niet_ingelogd(request: Request, _exc: Exception) -> Response:
    if _is_api(request) or request.url.path == "/openapi.json":
        return JSONResponse(
            {"detail": "Niet ingelogd: stuur een persoonlijk API-token mee "
             "(Authorization: Bearer kb_...); maak er een op /account."},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    if is_htmx(request):
        # A background request (the live anonymity check, a search, polling) must not
        # throw away what the user typed: say so in place, with a login link for a new tab
        # that leads back to the page they are on.
        return templates.TemplateResponse(
            request, "_uitgelogd.html", {"login_url": naar_login(request)},
            headers={"HX-Reswap": "innerHTML"},
        )
    return RedirectResponse(naar_login(request), status_code=303)


async def _wachtwoord_wijzigen(request: Request, _exc: Exception) -> Response:
    melding = "Kies eerst een eigen wachtwoord op /account/wachtwoord."
    if _is_api(request):
        return JSONResponse({"detail": melding}, status_code=403)
    # A page opened (a shared link) is where the user goes once the password is chosen;
    # a form sent is not a page to go back to.
    volgende = huidige_pagina(request) if request.method == "GET" else "/"
    return RedirectResponse(naar_wachtwoord(volgende), status_code=303)


async def _geweigerd(request: Request, exc: Exception) -> Response:
    return _antwoord(request, 403, str(exc))


async def _niet_gevonden(request: Request, exc: Exception) -> Response:
    return _antwoord(request, 404, str(exc))


def create_app(kb: Casusbank | None = None) -> FastAPI:
    app = FastAPI(
        title="Casusbank Leerplicht",
        description=(
            "Geanonimiseerde casussen (precedenten) voor de pv-afweging bij schoolverzuim. "
            "Casussen in het uitwisselformaat (casusformaat.md)."
        ),
        version="0.1.0",
        docs_url=None,  # served below from local files: no CDN on a closed network
        redoc_url=None,
        openapi_url=None,  # served below, for signed-in users only
    )
    app.state.kb = kb or Casusbank()

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_schema(_: Gebruiker = Depends(LEZEN)) -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    def api_documentatie(request: Request, _: Gebruiker = Depends(LEZEN)) -> Response:
        # Served from local files with a file for its start script, so that /docs needs
        # no CDN and no exception to the Content-Security-Policy.
        return templates.TemplateResponse(request, "docs.html", {})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(sessies.router)
    app.include_router(api.router)
    app.include_router(invoer.router)
    app.include_router(review.router)
    app.include_router(beheer.router)
    app.include_router(intervisie.router)
    app.include_router(leerpad.router)
    app.include_router(inzicht.router)
    app.include_router(pages.router)
    app.add_exception_handler(StarletteHTTPException, _http_fout)
    app.add_exception_handler(RequestValidationError, _ongeldig_verzoek)
    app.add_exception_handler(NietIngelogd, _niet_ingelogd)
    app.add_exception_handler(WachtwoordWijzigen, _wachtwoord_wijzigen)
    app.add_exception_handler(Geweigerd, _geweigerd)
    app.add_exception_handler(NietGevonden, _niet_gevonden)
    app.add_exception_handler(IntegrityError, _tegelijk)
    app.add_exception_handler(Exception, _interne_fout)
    # Outermost last: headers and the size limit apply to every answer, errors included.
    app.add_middleware(Identificatie)
    app.add_middleware(Beveiliging)
    return app
