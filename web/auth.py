"""Who is asking, and may they: sessions, API tokens, CSRF and the rule on every route.

`Identificatie` (middleware) reads the session cookie or the `Authorization:
Bearer` token once per request and puts the user and the CSRF token on
`request.state`, for the routes and for every template (also error pages).

Every route declares exactly one `Toegang` dependency: which right it needs,
or that it is public (the login page). The authorization test walks the route
table and fails for a route without one. `Toegang` also checks the CSRF token
on every state-changing request made with the session cookie: htmx sends it as
the `X-CSRF-Token` header (set on <body> via hx-headers), plain forms as the
hidden field `csrf`. Requests with an API token carry no ambient credential
and need no CSRF token.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from kb import accounts
from kb.service import Casusbank
from kb.toegang import RECHTEN, ROL_LABELS, Gebruiker, Recht

SESSIE_COOKIE = "kb_sessie"
CSRF_COOKIE = "kb_csrf"  # before login: double-submit token for the login form
CSRF_HEADER = "X-CSRF-Token"
CSRF_VELD = "csrf"
VEILIGE_METHODEN = frozenset({"GET", "HEAD", "OPTIONS"})
WACHTWOORD_PAD = "/account/wachtwoord"


@dataclass(frozen=True)
class Identiteit:
    gebruiker: Gebruiker | None
    csrf: str
    via_token: bool = False


class NietIngelogd(Exception):
    """No valid session or token: pages go to the login page, the API answers 401."""


class WachtwoordWijzigen(Exception):
    """The account still has its one-time password: it must choose its own first."""


def _kb(request: Request) -> Casusbank:
    return request.app.state.kb


def client_adres(request: Request) -> str | None:
    return request.client.host if request.client else None


def _identificeer(kb: Casusbank, request: Request) -> Identiteit:
    autorisatie = request.headers.get("authorization", "")
    if autorisatie:
        soort, _, waarde = autorisatie.partition(" ")
        if soort.lower() != "bearer" or not waarde.strip():
            return Identiteit(None, "", via_token=True)
        with kb.session() as s:
            return Identiteit(accounts.lees_token(s, waarde.strip()), "", via_token=True)
    sleutel = request.cookies.get(SESSIE_COOKIE)
    if sleutel:
        with kb.session() as s:
            sessie = accounts.lees_sessie(s, sleutel)
        if sessie is not None:
            return Identiteit(sessie.gebruiker, sessie.csrf)
    return Identiteit(None, request.cookies.get(CSRF_COOKIE) or "")


class Identificatie(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path.startswith("/static/"):
            return await call_next(request)
        identiteit = await run_in_threadpool(_identificeer, _kb(request), request)
        nieuw_csrf = None
        if identiteit.gebruiker is None and not identiteit.via_token and not identiteit.csrf:
            nieuw_csrf = secrets.token_urlsafe(32)
            identiteit = Identiteit(None, nieuw_csrf)
        request.state.identiteit = identiteit
        request.state.gebruiker = identiteit.gebruiker
        request.state.csrf = identiteit.csrf
        response = await call_next(request)
        if nieuw_csrf:
            zet_cookie(request, response, CSRF_COOKIE, nieuw_csrf, max_age=None, strikt=True)
        return response


def is_https(request: Request) -> bool:
    """Behind a TLS proxy uvicorn --proxy-headers makes the scheme https; KB_HTTPS=1 forces it."""
    return request.url.scheme == "https" or os.environ.get("KB_HTTPS") == "1"


def zet_cookie(
    request: Request, response: Response, naam: str, waarde: str, *, max_age: int | None,
    strikt: bool = False,
) -> None:
    response.set_cookie(
        naam,
        waarde,
        max_age=max_age,
        httponly=True,
        secure=is_https(request),
        samesite="strict" if strikt else "lax",
        path="/",
    )


def identiteit(request: Request) -> Identiteit:
    return getattr(request.state, "identiteit", Identiteit(None, ""))


async def _csrf_gegeven(request: Request) -> str:
    kop = request.headers.get(CSRF_HEADER)
    if kop:
        return kop
    soort = request.headers.get("content-type", "")
    if soort.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return str((await request.form()).get(CSRF_VELD) or "")
    return ""


class Toegang:
    """The access rule of one route: a right, or public. Used as a FastAPI dependency."""

    def __init__(
        self, recht: Recht | None = None, *, publiek: bool = False, omschrijving: str = ""
    ) -> None:
        assert publiek or recht is not None, "a route is public or needs a right"
        self.recht = recht
        self.publiek = publiek
        self.omschrijving = omschrijving or (recht.value if recht else "openbaar")

    def rollen(self) -> set[str] | None:
        """The roles this rule admits; None means everyone, anonymous visitors included."""
        if self.publiek:
            return None
        return {str(rol) for rol, rechten in RECHTEN.items() if self.recht in rechten}

    async def __call__(self, request: Request) -> Gebruiker | None:
        ident = identiteit(request)
        if not self.publiek and ident.gebruiker is None:
            # Not signed in at all: say so (login page, or 401 for the API) rather than
            # complain about a CSRF token; without a session there is nothing to forge.
            raise NietIngelogd()
        if request.method not in VEILIGE_METHODEN and not ident.via_token:
            gegeven = await _csrf_gegeven(request)
            if not ident.csrf or not secrets.compare_digest(gegeven, ident.csrf):
                raise HTTPException(
                    403,
                    "Dit formulier is verlopen of kwam niet van deze site (CSRF-controle). "
                    "Laad de pagina opnieuw en probeer het nog eens.",
                )
        if self.publiek:
            return ident.gebruiker
        wie = ident.gebruiker
        if wie is None:
            raise NietIngelogd()
        if wie.moet_wachtwoord_wijzigen and request.url.path not in (WACHTWOORD_PAD, "/logout"):
            raise WachtwoordWijzigen()
        assert self.recht is not None
        if not wie.mag(self.recht):
            toegestaan = sorted(ROL_LABELS[r].lower() for r in (self.rollen() or set()))
            raise HTTPException(
                403,
                f"Deze pagina is er niet voor de rol {ROL_LABELS[wie.rol].lower()}; "
                f"alleen voor {' en '.join(toegestaan)}.",
            )
        return wie


# The rules routes use; one object per rule, so the route table can be read back.
OPENBAAR = Toegang(publiek=True)
LEZEN = Toegang(Recht.lezen)
SCHRIJVEN = Toegang(Recht.schrijven)
REVIEWEN = Toegang(Recht.reviewen)
COMMENTAAR = Toegang(Recht.commentaar)
BEHEREN = Toegang(Recht.beheren)


def huidige_pagina(request: Request) -> str:
    """The page the user is on: for htmx the page (HX-Current-URL), not the fragment URL
    it fetched."""
    volgende = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    huidig = request.headers.get("HX-Current-URL")
    if huidig:
        # Only its path is used (behind a proxy the host may differ): never another site.
        url = urlsplit(huidig)
        volgende = url.path + (f"?{url.query}" if url.query else "")
    return veilige_volgende(volgende)


def naar_login(request: Request) -> str:
    """The login page, and back to the page the user is on."""
    return f"/login?volgende={quote(huidige_pagina(request), safe='')}"


def naar_wachtwoord(volgende: str) -> str:
    """The page to replace a one-time password, which leads on to `volgende` afterwards."""
    volgende = veilige_volgende(volgende)
    if volgende == "/" or urlsplit(volgende).path == WACHTWOORD_PAD:
        return WACHTWOORD_PAD
    return f"{WACHTWOORD_PAD}?volgende={quote(volgende, safe='')}"


def veilige_volgende(volgende: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if not volgende or not volgende.startswith("/") or volgende.startswith("//"):
        return "/"
    if "\\" in volgende or any(ord(t) < 32 for t in volgende):
        return "/"
    return volgende


def template_context(request: Request) -> dict[str, Any]:
    ident = identiteit(request)
    return {"gebruiker": ident.gebruiker, "csrf": ident.csrf}
