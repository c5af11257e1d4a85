"""Security headers on every response, a limit on the size of request bodies, and no
NUL characters in requests.

The Content-Security-Policy allows scripts, styles and images from this site
only: no inline script or style anywhere (a test checks the templates), so
injected markup cannot run. Swagger UI at /docs starts from a file
(web/static/swagger/init.js), so it runs under the same policy.

Nothing but the static files may be kept by a browser or proxy (`Cache-Control:
no-store`): otherwise, on a shared computer, Back after logging out shows the
case pages again from the browser's cache.

A NUL character has no place in any text of the knowledge base, and PostgreSQL
refuses it in text columns with an error the app would show as a 500 (on the login
form too, before any account is known). It is refused here once, for every route:
in the path, the query string and the body (raw, as %00 in a form, as \u0000 in
JSON), with a Dutch 400.
"""

from __future__ import annotations

import html
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
KOPPEN: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
NIET_BEWAREN = {"Cache-Control": "no-store"}
STATISCH = "/static/"  # css, htmx, icons: the same for everyone, so cacheable
# A case is at most some tens of kB; 1 MB leaves room for a batch through the API.
MAX_BODY = 1_000_000
# NUL as it arrives: raw, percent-encoded (forms, query strings), escaped in JSON. Each
# body is checked for the forms its content type can hold: "50%00" is plain text in JSON.
NUL_RAUW = (b"\x00",)
NUL_IN_URL = (b"\x00", b"%00")
NUL_IN_JSON = (b"\x00", b"\\u0000")


class Beveiliging:
    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lengte = dict(scope["headers"]).get(b"content-length")
        if lengte is not None and (not lengte.isdigit() or int(lengte) > self.max_body):
            await _te_groot(scope, send, self.max_body)
            return
        if "\x00" in scope["path"] or _met_nul(scope.get("query_string", b""), NUL_IN_URL):
            await _weiger(scope, send, 400, "Ongeldig teken", _NUL_MELDING)
            return

        # The body is read here first (at most `max_body`), checked, and handed on:
        # refusing halfway through the app's own reading would surface as an error
        # group from Starlette's middleware instead of this answer.
        delen: list[bytes] = []
        ontvangen = 0
        while True:
            bericht = await receive()
            if bericht["type"] != "http.request":
                return  # the client went away
            delen.append(bericht.get("body", b""))
            ontvangen += len(delen[-1])
            if ontvangen > self.max_body:
                await _te_groot(scope, send, self.max_body)
                return
            if not bericht.get("more_body", False):
                break
        body = b"".join(delen)
        if _met_nul(body, _nul_vormen(scope)):
            await _weiger(scope, send, 400, "Ongeldig teken", _NUL_MELDING)
            return
        doorgegeven = False

        async def opnieuw() -> Message:
            nonlocal doorgegeven
            if not doorgegeven:
                doorgegeven = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        extra = _koppen(scope)

        async def met_koppen(bericht: Message) -> None:
            if bericht["type"] == "http.response.start":
                koppen = [(k, v) for k, v in bericht.get("headers", [])]
                aanwezig = {k.lower() for k, _ in koppen}
                for naam, waarde in extra.items():
                    if naam.lower().encode() not in aanwezig:
                        koppen.append((naam.lower().encode(), waarde.encode()))
                bericht = {**bericht, "headers": koppen}
            await send(bericht)

        await self.app(scope, opnieuw, met_koppen)


_NUL_MELDING = "Het verzoek bevat een NUL-teken (\\0); dat kan in geen enkele tekst staan."


def _met_nul(data: bytes, vormen: tuple[bytes, ...]) -> bool:
    return any(vorm in data for vorm in vormen)


def _nul_vormen(scope: Scope) -> tuple[bytes, ...]:
    soort = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
    if soort == b"application/x-www-form-urlencoded":
        return NUL_IN_URL
    if soort.endswith(b"json"):
        return NUL_IN_JSON
    return NUL_RAUW


def _koppen(scope: Scope) -> dict[str, str]:
    if scope["path"].startswith(STATISCH):
        return KOPPEN
    return KOPPEN | NIET_BEWAREN


async def _te_groot(scope: Scope, send: Send, max_body: int) -> None:
    melding = f"Het verzoek is te groot (meer dan {max_body // 1000} kB)."
    await _weiger(scope, send, 413, "Verzoek te groot", melding)


async def _weiger(scope: Scope, send: Send, status: int, kop: str, melding: str) -> None:
    """A refusal before the app saw the request: JSON for the API, a page otherwise."""
    if scope["path"].startswith("/api/"):
        body, soort = json.dumps({"detail": melding}).encode(), b"application/json"
    else:
        body = (
            f"<!doctype html><html lang=nl><meta charset=utf-8><title>{html.escape(kop)}</title>"
            f"<h1>{html.escape(kop)}</h1><p>{html.escape(melding)}</p><p><a href=/>Terug</a></p>"
        ).encode()
        soort = b"text/html; charset=utf-8"
    koppen: list[Any] = [(b"content-type", soort), (b"content-length", str(len(body)).encode())]
    koppen += [(k.lower().encode(), v.encode()) for k, v in _koppen(scope).items()]
    await send({"type": "http.response.start", "status": status, "headers": koppen})
    await send({"type": "http.response.body", "body": body})
