"""Security headers on every response, and a limit on the size of request bodies.

The Content-Security-Policy allows scripts, styles and images from this site
only: no inline script or style anywhere (a test checks the templates), so
injected markup cannot run. Swagger UI at /docs starts from a file
(web/static/swagger/init.js), so it runs under the same policy.

Nothing but the static files may be kept by a browser or proxy (`Cache-Control:
no-store`): otherwise, on a shared computer, Back after logging out shows the
case pages again from the browser's cache.
"""

from __future__ import annotations

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

        ontvangen = 0

        async def begrensd() -> Message:
            nonlocal ontvangen
            bericht = await receive()
            if bericht["type"] == "http.request":
                ontvangen += len(bericht.get("body", b""))
                if ontvangen > self.max_body:
                    raise _TeGroot()
            return bericht

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

        try:
            await self.app(scope, begrensd, met_koppen)
        except _TeGroot:
            await _te_groot(scope, send, self.max_body)


class _TeGroot(Exception):
    pass


def _koppen(scope: Scope) -> dict[str, str]:
    if scope["path"].startswith(STATISCH):
        return KOPPEN
    return KOPPEN | NIET_BEWAREN


async def _te_groot(scope: Scope, send: Send, max_body: int) -> None:
    melding = f"Het verzoek is te groot (meer dan {max_body // 1000} kB)."
    if scope["path"].startswith("/api/"):
        body, soort = json.dumps({"detail": melding}).encode(), b"application/json"
    else:
        body = (
            "<!doctype html><html lang=nl><meta charset=utf-8><title>Te groot</title>"
            f"<h1>Verzoek te groot</h1><p>{melding}</p><p><a href=/>Terug</a></p>"
        ).encode()
        soort = b"text/html; charset=utf-8"
    koppen: list[Any] = [(b"content-type", soort), (b"content-length", str(len(body)).encode())]
    koppen += [(k.lower().encode(), v.encode()) for k, v in _koppen(scope).items()]
    await send({"type": "http.response.start", "status": 413, "headers": koppen})
    await send({"type": "http.response.body", "body": body})
