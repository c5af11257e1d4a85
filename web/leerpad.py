"""Leerpad pages: choose a path, decide on each case yourself, then compare with what happened.

Thin shells over `kb.leerpaden`. A step shows the reflection question and the
case without its decision; after the learner's answer (a plain form post) the
same address shows the real afweging, the commentary, the outcome and the
factors they missed. Progress belongs to the signed-in account.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ingest.anonymity import Persoonsgegevens
from kb import leerpaden
from kb.leerpaden import Leerpad, OnbekendLeerpad, Voortgang
from kb.oefenen import KeuzeFout, zonder_besluit
from kb.service import Casusbank
from kb.toegang import Gebruiker
from web.auth import LEZEN
from web.deps import get_kb
from web.intervisie import invoer_uit, invoer_van, keuze_uit, veld_van
from web.templating import render

router = APIRouter(include_in_schema=False)


def _pad(kb: Casusbank, naam: str) -> Leerpad:
    try:
        return leerpaden.zoek_leerpad(kb, naam)
    except OnbekendLeerpad as exc:
        raise HTTPException(404, str(exc)) from exc


def _voortgang(kb: Casusbank, wie: Gebruiker, naam: str) -> Voortgang:
    return leerpaden.voortgang(kb, wie, _pad(kb, naam))


@router.get("/leerpad", summary="Leerpaden voor nieuwe consulenten")
def overzicht(
    request: Request, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    context = {"titel": "Leerpaden", "actief": "leerpad",
               "paden": leerpaden.overzicht(kb, wie)}
    return render(request, "leerpad.html", context)


def _padpagina(
    request: Request, v: Voortgang, *, fout: str | None = None, status_code: int = 200
) -> Response:
    context = {"titel": v.leerpad.titel, "actief": "leerpad", "v": v, "fout": fout}
    return render(request, "leerpad_pad.html", context, status_code=status_code)


@router.get("/leerpad/{naam}", summary="Eén leerpad: inleiding en stappen")
def leerpad(
    naam: str, request: Request, wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    return _padpagina(request, _voortgang(kb, wie, naam))


def _stappagina(
    request: Request, v: Voortgang, nr: int, *, fout: str | None = None,
    fout_veld: str | None = None, invoer: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    try:
        stap = v.stap(nr)
    except OnbekendLeerpad as exc:
        raise HTTPException(404, str(exc)) from exc
    context = {
        "titel": f"{v.leerpad.titel}, stap {nr}",
        "actief": "leerpad",
        "v": v,
        "stap": stap,
        "sit": zonder_besluit(stap.casus),
        "invoer": invoer or invoer_van(stap.keuze),
        "fout": fout,
        "fout_veld": fout_veld,
        # Answering again: the form with the earlier answer, before the feedback.
        "opnieuw": request.query_params.get("opnieuw") == "1",
    }
    return render(request, "leerpad_stap.html", context, status_code=status_code)


@router.get("/leerpad/{naam}/stap/{nr}", summary="Eén stap van een leerpad")
def stap(
    naam: str, nr: int, request: Request, wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    return _stappagina(request, _voortgang(kb, wie, naam), nr)


@router.post("/leerpad/{naam}/stap/{nr}", summary="Uw besluit bij een stap")
async def beantwoorden(
    naam: str, nr: int, request: Request, wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    form = await request.form()
    pad = await run_in_threadpool(_pad, kb, naam)
    try:
        keuze = keuze_uit(form)
        await run_in_threadpool(leerpaden.beantwoord, kb, wie, pad, nr, keuze)
    except OnbekendLeerpad as exc:
        raise HTTPException(404, str(exc)) from exc
    except (KeuzeFout, Persoonsgegevens) as exc:
        fout, veld = str(exc), veld_van(exc)
        v = await run_in_threadpool(leerpaden.voortgang, kb, wie, pad)
        return _stappagina(request, v, nr, fout=fout, fout_veld=veld, invoer=invoer_uit(form),
                           status_code=422)
    return RedirectResponse(f"/leerpad/{naam}/stap/{nr}#terugblik", status_code=303)


@router.post("/leerpad/{naam}/opnieuw", summary="Begin het leerpad opnieuw")
async def opnieuw(
    naam: str, request: Request, wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    """Only with the box ticked: one stray click must not wipe a learner's answers."""
    form = await request.form()
    pad = await run_in_threadpool(_pad, kb, naam)
    if form.get("bevestig") != "ja":
        v = await run_in_threadpool(leerpaden.voortgang, kb, wie, pad)
        return _padpagina(request, v, status_code=422,
                          fout="Vink aan dat u uw antwoorden wilt wissen; er is niets gewist.")
    await run_in_threadpool(leerpaden.opnieuw, kb, wie, pad)
    return RedirectResponse(f"/leerpad/{naam}", status_code=303)


@router.get("/leerpad/{naam}/resultaat", summary="Uw resultaat, om af te drukken")
def resultaat(
    naam: str, request: Request, wie: Gebruiker = Depends(LEZEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    v = _voortgang(kb, wie, naam)
    context = {"titel": f"Resultaat {v.leerpad.titel}", "actief": "leerpad", "v": v,
               "wie": wie}
    return render(request, "leerpad_resultaat.html", context)


@router.get("/leerpad/{naam}/resultaat.csv", summary="Uw resultaat als CSV")
def resultaat_csv(
    naam: str, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    v = _voortgang(kb, wie, naam)
    return PlainTextResponse(
        leerpaden.als_csv(v),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="leerpad-{v.leerpad.naam}.csv"'},
    )
