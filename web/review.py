"""Pages for review and for working with the chain partners.

Review: the author offers a concept (`/casus/{ref}/aanbieden`), a redacteur
publishes it or sends it back (`/review` lists what waits). Partners: a keten
account comments on a published case and edits its own commentaar; an author
asks OM or RvdK about a concept, and that partij answers under `/vragen`.
Each route is a thin shell over kb.review and kb.ketenoverleg; a refusal comes
back as the case page with the message next to the form that caused it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kb import ketenoverleg, review
from kb.ketenoverleg import OngeldigeInvoer
from kb.review import ReviewFout
from kb.service import Casusbank
from kb.toegang import Gebruiker
from web.auth import COMMENTAAR, LEZEN, REVIEWEN, SCHRIJVEN
from web.deps import RijId, get_kb
from web.pages import casus_response
from web.templating import render

router = APIRouter(include_in_schema=False)


def _terug(ref: str, anker: str = "") -> Response:
    return RedirectResponse(f"/casus/{ref}{anker}", status_code=303)


async def _formulier(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


async def _of_fout(
    request: Request, kb: Casusbank, wie: Gebruiker, ref: str, formulier: str,
    stap: Any, anker: str,
) -> Response:
    """Run a step; on refusal show the case again with the message at the form and
    what the user typed still in it."""
    invoer = {formulier: await _formulier(request)}
    try:
        await run_in_threadpool(stap)
    except OngeldigeInvoer as exc:
        fouten = {f"{formulier}.{veld}": "; ".join(m) for veld, m in exc.fouten.items()}
        return casus_response(request, kb, wie, ref, fouten=fouten, invoer=invoer,
                              status_code=422)
    except ReviewFout as exc:
        return casus_response(request, kb, wie, ref, fouten={formulier: str(exc)},
                              invoer=invoer, status_code=409)
    return _terug(ref, anker)


@router.post("/casus/{ref}/aanbieden", summary="Bied een concept ter review aan")
async def aanbieden(
    ref: str, request: Request, wie: Gebruiker = Depends(SCHRIJVEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    return await _of_fout(request, kb, wie, ref, "review",
                          lambda: review.bied_aan(kb, ref, wie), "#review")


@router.post("/casus/{ref}/publiceren", summary="Publiceer een casus (redactie)")
async def publiceren(
    ref: str, request: Request, wie: Gebruiker = Depends(REVIEWEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    bevestigd = (await _formulier(request)).get("anonimiteit_bevestigd") == "ja"
    return await _of_fout(
        request, kb, wie, ref, "review",
        lambda: review.publiceer(kb, ref, wie, anonimiteit_bevestigd=bevestigd), "#review",
    )


@router.post("/casus/{ref}/terugsturen", summary="Stuur een casus terug naar de auteur")
async def terugsturen(
    ref: str, request: Request, wie: Gebruiker = Depends(REVIEWEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    reden = (await _formulier(request)).get("reden", "")
    return await _of_fout(request, kb, wie, ref, "terugsturen",
                          lambda: review.stuur_terug(kb, ref, wie, reden), "#review")


@router.post("/casus/{ref}/commentaar", summary="Commentaar van uw partij bij een casus")
async def commentaar(
    ref: str, request: Request, wie: Gebruiker = Depends(COMMENTAAR),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    f = await _formulier(request)
    return await _of_fout(
        request, kb, wie, ref, "commentaar",
        lambda: ketenoverleg.voeg_toe(
            kb, ref, wie, oordeel=f.get("oordeel", ""), tekst=f.get("tekst", ""),
            moment=f.get("moment") or None,
        ),
        "#kop-commentaar",
    )


@router.post("/casus/{ref}/commentaar/{commentaar_id}", summary="Wijzig uw commentaar")
async def commentaar_wijzigen(
    ref: str, commentaar_id: RijId, request: Request, wie: Gebruiker = Depends(COMMENTAAR),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    f = await _formulier(request)
    return await _of_fout(
        request, kb, wie, ref, f"commentaar-{commentaar_id}",
        lambda: ketenoverleg.wijzig(
            kb, commentaar_id, wie, oordeel=f.get("oordeel", ""), tekst=f.get("tekst", ""),
            moment=f.get("moment") or None,
        ),
        "#kop-commentaar",
    )


@router.post("/casus/{ref}/vraag", summary="Leg een concept voor aan OM of RvdK")
async def vraag_stellen(
    ref: str, request: Request, wie: Gebruiker = Depends(SCHRIJVEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    f = await _formulier(request)
    return await _of_fout(
        request, kb, wie, ref, "vraag",
        lambda: ketenoverleg.stel_vraag(
            kb, ref, wie, partij=f.get("partij", ""), tekst=f.get("tekst", "")
        ),
        "#vragen",
    )


@router.get("/vragen", summary="Open vragen aan uw partij")
def vragen(
    request: Request, wie: Gebruiker = Depends(COMMENTAAR), kb: Casusbank = Depends(get_kb)
) -> Response:
    context = {"titel": "Vragen aan uw partij", "actief": "vragen",
               "vragen": ketenoverleg.open_vragen(kb, wie)}
    return render(request, "vragen.html", context)


@router.post("/vragen/{vraag_id}/antwoord", summary="Beantwoord een vraag van leerplicht")
async def vraag_beantwoorden(
    vraag_id: RijId, request: Request, wie: Gebruiker = Depends(COMMENTAAR),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    f = await _formulier(request)
    ref = f.get("ref", "")
    try:
        await run_in_threadpool(
            lambda: ketenoverleg.beantwoord(
                kb, vraag_id, wie, oordeel=f.get("oordeel", ""), tekst=f.get("tekst", "")
            )
        )
    except (OngeldigeInvoer, ReviewFout) as exc:
        context = {
            "titel": "Vragen aan uw partij", "actief": "vragen",
            "vragen": ketenoverleg.open_vragen(kb, wie), "fout_bij": vraag_id,
            "fout": str(exc), "invoer": f,
        }
        return render(request, "vragen.html", context, status_code=422)
    return RedirectResponse(f"/casus/{ref}#kop-commentaar" if ref else "/vragen", 303)


@router.get("/review", summary="Casussen die op review wachten")
def wachtrij(
    request: Request, wie: Gebruiker = Depends(REVIEWEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    context = {
        "titel": "Review",
        "actief": "review",
        "regels": review.wachtrij(kb, wie),
        "eigen": {r.ref for r in review.mijn_casussen(kb, wie)},
    }
    return render(request, "review.html", context)


@router.get("/mijn", summary="Mijn casussen en hun status")
def mijn(
    request: Request, wie: Gebruiker = Depends(LEZEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    context = {"titel": "Mijn casussen", "actief": "mijn", "regels": review.mijn_casussen(kb, wie)}
    return render(request, "mijn.html", context)
