"""Intervisie pages: the facilitator starts and steers a session, participants join and decide.

Thin shells over `kb.intervisie`. The facilitator needs an account (LEZEN);
participants do not (OPENBAAR): they join with the session code and a name,
and their browser keeps the participant key in a cookie for that session.
Everything works as plain forms; htmx polls every two seconds so the
facilitator sees who answered, and a participant's page reloads itself when
the facilitator reveals or moves on (`/stand` answers `HX-Redirect` to the page).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ingest.anonymity import Persoonsgegevens
from kb import intervisie
from kb.intervisie import IntervisieFout, OnbekendeSessie, Stand
from kb.oefenen import Keuze, KeuzeFout, zonder_besluit
from kb.overzicht import facetten
from kb.service import Casusbank
from kb.toegang import Gebruiker
from kb.vocabulary import label
from web.auth import LEZEN, OPENBAAR, client_adres, zet_cookie
from web.deps import get_kb
from web.templating import render

router = APIRouter(include_in_schema=False)

DEELNEMER_COOKIE = "kb_deelnemer_"
COOKIE_DUUR = 12 * 3600  # a session lasts a meeting, not longer


class Gissen:
    """Unknown session codes per address: the code (six of 30 characters) is all that
    opens a published case and its commentary to someone without an account, so an
    address that keeps trying unknown codes is stopped for a while. Kept in memory, per
    server process; a typo or two of an office behind one address stays far below it."""

    MAX = 20
    VENSTER = 600.0  # seconds

    def __init__(self) -> None:
        self._pogingen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, adres: str, nu: float) -> deque[float]:
        pogingen = self._pogingen.setdefault(adres, deque())
        while pogingen and nu - pogingen[0] > self.VENSTER:
            pogingen.popleft()
        return pogingen

    def eis_toegestaan(self, request: Request) -> None:
        adres = client_adres(request) or "?"
        with self._lock:
            if len(self._recent(adres, time.monotonic())) >= self.MAX:
                raise HTTPException(
                    429,
                    "Te veel onbekende sessiecodes geprobeerd vanaf dit adres. Controleer de "
                    "code bij de begeleider en probeer het over tien minuten opnieuw.",
                )

    def onbekend(self, request: Request) -> None:
        adres = client_adres(request) or "?"
        with self._lock:
            nu = time.monotonic()
            self._recent(adres, nu).append(nu)
            if len(self._pogingen) > 10_000:  # forget addresses without recent tries
                for a in [a for a, p in self._pogingen.items() if not self._recent(a, nu)]:
                    del self._pogingen[a]


def _gissen(request: Request) -> Gissen:
    """One per app (state), so separate apps, as in the tests, count apart."""
    staat = request.app.state
    if not hasattr(staat, "gissen"):
        staat.gissen = Gissen()
    return staat.gissen


def _met_params(pad: str, **params: str) -> str:
    return f"{pad}?{urlencode(params)}"


def _cookie(code: str) -> str:
    return DEELNEMER_COOKIE + code


def _deed_mee(request: Request, code: str) -> bool:
    """The browser joined this session once: its code was known, not guessed (the tab of
    a session deleted since keeps asking)."""
    return request.cookies.get(_cookie(intervisie.normaliseer_code(code))) is not None


def _stand(kb: Casusbank, code: str, request: Request) -> Stand:
    """The session for a participant's page (no account): unknown codes count as guesses,
    except from a browser that joined the session before it was deleted."""
    _gissen(request).eis_toegestaan(request)
    try:
        return intervisie.stand(kb, code)
    except OnbekendeSessie as exc:
        if not _deed_mee(request, code):
            _gissen(request).onbekend(request)
        raise HTTPException(404, str(exc)) from exc


def _begeleid(kb: Casusbank, code: str, wie: Gebruiker) -> Stand:
    try:
        return intervisie.begeleid(kb, code, wie)
    except OnbekendeSessie as exc:
        raise HTTPException(404, str(exc)) from exc


async def _formulier(request: Request) -> Any:
    return await request.form()


def veld_van(fout: Exception) -> str | None:
    """The form field a refusal is about, to show the message next to it."""
    return fout.veld if isinstance(fout, Persoonsgegevens) else None


def keuze_uit(form: Any) -> Keuze:
    """The answer form of intervisie and leerpad, as a checked `Keuze`."""
    return Keuze.maak(
        form.get("besluit") or None,
        form.getlist("pv_tegen"),
        form.getlist("factor"),
        str(form.get("motivatie") or ""),
    )


def invoer_uit(form: Any) -> dict[str, Any]:
    """What the user typed, to put back in the form after a refusal."""
    return {
        "besluit": form.get("besluit") or "",
        "pv_tegen": set(form.getlist("pv_tegen")),
        "factoren": set(form.getlist("factor")),
        "motivatie": str(form.get("motivatie") or ""),
    }


def invoer_van(keuze: Keuze | None) -> dict[str, Any]:
    if keuze is None:
        return {"besluit": "", "pv_tegen": set(), "factoren": set(), "motivatie": ""}
    return {"besluit": keuze.besluit, "pv_tegen": set(keuze.pv_tegen),
            "factoren": set(keuze.factoren), "motivatie": keuze.motivatie}


# --- facilitator ------------------------------------------------------------------------


def _startpagina(
    request: Request, kb: Casusbank, wie: Gebruiker, *, fout: str | None = None,
    fout_veld: str | None = None, invoer: dict[str, str] | None = None, status_code: int = 200,
) -> Response:
    themas = facetten(kb).get("themas", {})
    context = {
        "titel": "Intervisie",
        "actief": "intervisie",
        "themas": sorted(themas.items(), key=lambda paar: label("thema", paar[0]).casefold()),
        "sessies": intervisie.mijn_sessies(kb, wie),
        "fout": fout,
        "fout_veld": fout_veld,
        "invoer": invoer or {},
        "max_rondes": intervisie.MAX_RONDES,
    }
    return render(request, "intervisie.html", context, status_code=status_code)


@router.get("/intervisie", summary="Intervisie: start een sessie of doe mee")
def start_pagina(
    request: Request, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    """`?refs=SEED-001` fills in the refs, for a link from a case page."""
    return _startpagina(request, kb, wie, invoer={"refs": request.query_params.get("refs", "")})


@router.post("/intervisie", summary="Start een intervisiesessie")
async def start(
    request: Request, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    form = await _formulier(request)
    invoer = {k: str(form.get(k) or "") for k in ("refs", "thema", "aantal", "titel")}
    try:
        aantal = int(invoer["aantal"] or intervisie.STANDAARD_RONDES_PER_THEMA)
    except ValueError:
        aantal = intervisie.STANDAARD_RONDES_PER_THEMA
    try:
        code = await run_in_threadpool(
            lambda: intervisie.start(
                kb, wie, refs=invoer["refs"].replace(",", " ").split(),
                thema=invoer["thema"], aantal=max(1, min(aantal, intervisie.MAX_RONDES)),
                titel=invoer["titel"],
            )
        )
    except (IntervisieFout, Persoonsgegevens) as exc:
        return _startpagina(request, kb, wie, fout=str(exc), fout_veld=veld_van(exc),
                            invoer=invoer, status_code=422)
    return RedirectResponse(f"/intervisie/{code}/begeleiden", status_code=303)


@router.get("/intervisie/{code}/begeleiden", summary="Begeleid een intervisiesessie")
def begeleiden(
    code: str, request: Request, wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    st = _begeleid(kb, code, wie)
    context = {
        "titel": f"Intervisie {st.code}",
        "actief": "intervisie",
        "st": st,
        "link": str(request.url_for("meedoen_pagina").include_query_params(code=st.code)),
        "fout": request.query_params.get("fout"),
    }
    return render(request, "intervisie_begeleiden.html", context, blocks=["deelnemers"])


def _stap(
    kb: Casusbank, code: str, wie: Gebruiker, stap: Callable[[Casusbank, str, Gebruiker], None],
    naar: str,
) -> Response:
    try:
        stap(kb, code, wie)
    except OnbekendeSessie as exc:
        raise HTTPException(404, str(exc)) from exc
    except IntervisieFout as exc:
        # Back to the facilitator page with the message; it is ours, not user text.
        return RedirectResponse(
            _met_params(f"/intervisie/{code}/begeleiden", fout=str(exc)), status_code=303
        )
    return RedirectResponse(naar, status_code=303)


@router.post("/intervisie/{code}/onthullen", summary="Onthul het besluit van de casus")
def onthullen(
    code: str, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    return _stap(kb, code, wie, intervisie.onthul, f"/intervisie/{code}/begeleiden#onthulling")


@router.post("/intervisie/{code}/volgende", summary="Naar de volgende casus")
def volgende(
    code: str, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    return _stap(kb, code, wie, intervisie.volgende, f"/intervisie/{code}/begeleiden")


async def _bevestigd(request: Request) -> bool:
    """Closing and deleting cannot be undone: the form's tick box must be ticked."""
    return (await _formulier(request)).get("bevestig") == "ja"


@router.post("/intervisie/{code}/afsluiten", summary="Sluit de sessie af")
async def afsluiten(
    code: str, request: Request, wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    if not await _bevestigd(request):
        fout = "Vink aan dat u de sessie wilt afsluiten; dat kan niet ongedaan worden gemaakt."
        return RedirectResponse(
            _met_params(f"/intervisie/{code}/begeleiden", fout=fout), status_code=303
        )
    return await run_in_threadpool(
        _stap, kb, code, wie, intervisie.sluit, f"/intervisie/{code}/samenvatting"
    )


@router.post("/intervisie/{code}/verwijderen", summary="Verwijder de sessie en de antwoorden")
async def verwijderen(
    code: str, request: Request, wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    if not await _bevestigd(request):
        fout = "Vink aan dat u de sessie en alle antwoorden wilt verwijderen."
        return RedirectResponse(
            _met_params(f"/intervisie/{code}/samenvatting", fout=fout), status_code=303
        )
    return await run_in_threadpool(_stap, kb, code, wie, intervisie.verwijder, "/intervisie")


@router.get("/intervisie/{code}/samenvatting", summary="Samenvatting om af te drukken")
def samenvatting(
    code: str, request: Request, wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    st = _begeleid(kb, code, wie)
    context = {
        "titel": f"Verslag intervisie {st.code}",
        "actief": "intervisie",
        "st": st,
        "fout": request.query_params.get("fout"),
    }
    return render(request, "intervisie_samenvatting.html", context)


MEDIATYPES = {"md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8"}


@router.get("/intervisie/{code}/samenvatting.{formaat}",
            summary="Samenvatting als Markdown (md) of de antwoorden als CSV (csv)")
def samenvatting_bestand(
    code: str, formaat: str, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    if formaat not in MEDIATYPES:
        raise HTTPException(404, "Het verslag is er als .md en als .csv.")
    try:
        tekst = intervisie.exporteer(kb, code, wie, formaat)
    except OnbekendeSessie as exc:
        raise HTTPException(404, str(exc)) from exc
    code = intervisie.normaliseer_code(code)
    return PlainTextResponse(
        tekst, media_type=MEDIATYPES[formaat],
        headers={"Content-Disposition": f'attachment; filename="intervisie-{code}.{formaat}"'},
    )


# --- participants ----------------------------------------------------------------------


def _meedoen(
    request: Request, *, code: str = "", naam: str = "", fout: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {"titel": "Meedoen met intervisie", "actief": "intervisie", "code": code,
               "naam": naam, "fout": fout}
    return render(request, "intervisie_meedoen.html", context, status_code=status_code)


@router.get("/intervisie/doe-mee", name="meedoen_pagina", summary="Doe mee met een code")
def meedoen_pagina(request: Request, _: Gebruiker | None = Depends(OPENBAAR)) -> Response:
    return _meedoen(request, code=request.query_params.get("code", ""))


@router.post("/intervisie/doe-mee", summary="Doe mee met een sessie")
async def meedoen(
    request: Request, _: Gebruiker | None = Depends(OPENBAAR), kb: Casusbank = Depends(get_kb)
) -> Response:
    form = await _formulier(request)
    code = intervisie.normaliseer_code(str(form.get("code") or ""))
    naam = str(form.get("naam") or "")
    _gissen(request).eis_toegestaan(request)
    try:
        sleutel = await run_in_threadpool(intervisie.doe_mee, kb, code, naam)
    except (IntervisieFout, OnbekendeSessie) as exc:
        if isinstance(exc, OnbekendeSessie):
            _gissen(request).onbekend(request)
        return _meedoen(request, code=code, naam=naam, fout=str(exc), status_code=422)
    response = RedirectResponse(f"/intervisie/{code}", status_code=303)
    zet_cookie(request, response, _cookie(code), sleutel, max_age=COOKIE_DUUR)
    return response


def _deelnemerpagina(
    request: Request, kb: Casusbank, code: str, *, fout: str | None = None,
    fout_veld: str | None = None, invoer: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    st = _stand(kb, code, request)
    wie = intervisie.deelnemer(kb, st.code, request.cookies.get(_cookie(st.code)))
    if wie is None:
        return RedirectResponse(_met_params("/intervisie/doe-mee", code=st.code), 303)
    eigen = intervisie.eigen_antwoord(st, wie)
    context = {
        "titel": f"Intervisie {st.code}",
        "actief": "intervisie",
        "st": st,
        "wie": wie,
        "eigen": eigen,
        "sit": zonder_besluit(st.ronde.casus) if st.ronde.casus else None,
        "invoer": invoer or invoer_van(eigen.keuze if eigen else None),
        "fout": fout,
        "fout_veld": fout_veld,
    }
    return render(request, "intervisie_deelnemer.html", context, status_code=status_code)


@router.get("/intervisie/{code}", summary="De casus voor een deelnemer")
def deelnemer(
    code: str, request: Request, _: Gebruiker | None = Depends(OPENBAAR),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    return _deelnemerpagina(request, kb, code)


@router.post("/intervisie/{code}/antwoord", summary="Geef of wijzig uw antwoord")
async def antwoorden(
    code: str, request: Request, _: Gebruiker | None = Depends(OPENBAAR),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    form = await _formulier(request)
    code = intervisie.normaliseer_code(code)
    _gissen(request).eis_toegestaan(request)
    try:
        wie = await run_in_threadpool(
            intervisie.deelnemer, kb, code, request.cookies.get(_cookie(code))
        )
    except OnbekendeSessie as exc:
        if not _deed_mee(request, code):
            _gissen(request).onbekend(request)
        raise HTTPException(404, str(exc)) from exc
    if wie is None:
        return RedirectResponse(_met_params("/intervisie/doe-mee", code=code), 303)
    try:
        keuze = keuze_uit(form)
        voor_casus = int(form["casus"]) if str(form.get("casus", "")).isdigit() else None
        await run_in_threadpool(
            lambda: intervisie.antwoord(kb, code, wie, keuze, voor_casus=voor_casus)
        )
    except (KeuzeFout, IntervisieFout, Persoonsgegevens) as exc:
        fout, veld = str(exc), veld_van(exc)
        return await run_in_threadpool(
            lambda: _deelnemerpagina(request, kb, code, fout=fout, fout_veld=veld,
                                     invoer=invoer_uit(form), status_code=422)
        )
    return RedirectResponse(f"/intervisie/{code}#antwoord", status_code=303)


@router.get("/intervisie/{code}/stand", summary="Is er iets veranderd? (voor htmx)")
def stand(
    code: str, request: Request, _: Gebruiker | None = Depends(OPENBAAR),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    """204 while nothing changed; otherwise htmx opens the participant's page anew. By
    GET (HX-Redirect), not by reloading (HX-Refresh): a page showing a refused answer is
    the answer of a POST, and a reload would send that answer again, for the next case."""
    try:
        st = _stand(kb, code, request)
    except HTTPException as exc:
        if exc.status_code == 404 and _deed_mee(request, code):
            # Deleted while this tab was open: 286 makes htmx stop polling.
            return Response(status_code=286)
        raise
    if request.query_params.get("versie") == st.versie:
        return Response(status_code=204)
    return Response(status_code=200, headers={"HX-Redirect": f"/intervisie/{st.code}"})
