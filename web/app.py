"""The FastAPI application: pages, the JSON API, static files and Dutch error pages.

`create_app` takes the knowledge base to serve (tests pass their own copy) or
opens the one `KB_DATA_DIR` points at. Errors never show a stack trace: a page
gets a Dutch error page, the API a JSON body with `detail`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.schema import veldfouten
from kb.service import Casusbank
from web import api, invoer, pages
from web.templating import STATIC_DIR, templates

FOUTTITELS = {
    400: "Dit verzoek klopt niet",
    404: "Pagina niet gevonden",
    405: "Dit kan hier niet",
    422: "Dit verzoek klopt niet",
}


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
        return await http_exception_handler(request, exc)
    melding = exc.detail if exc.status_code == 404 and exc.detail != "Not Found" else (
        "Het adres bestaat niet (meer). Zoek de casus op via Twijfelgeval of Bladeren."
        if exc.status_code == 404
        else "Probeer het opnieuw vanaf de startpagina."
    )
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


async def _interne_fout(request: Request, _exc: Exception) -> Response:
    # Starlette raises the exception again after this answer, so the server log has the trace.
    melding = (
        "Er ging iets mis aan onze kant. Probeer het opnieuw; blijft het misgaan, "
        "meld dan wat u deed aan de beheerder."
    )
    if _is_api(request):
        return JSONResponse({"detail": melding}, status_code=500)
    return _foutpagina(request, 500, melding)


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
    )
    app.state.kb = kb or Casusbank()

    @app.get("/docs", include_in_schema=False)
    def api_documentatie() -> Response:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="Casusbank Leerplicht: API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(invoer.router)
    app.include_router(pages.router)
    app.add_exception_handler(StarletteHTTPException, _http_fout)
    app.add_exception_handler(RequestValidationError, _ongeldig_verzoek)
    app.add_exception_handler(Exception, _interne_fout)
    return app
