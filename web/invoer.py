"""Writing pages: add and edit a case, delete it, and the live anonymity check.

The form posts as a plain HTML form (it works without JavaScript); on a refusal
the same form comes back with every message next to its field and everything
the officer typed still in it. While they type, htmx asks `/casus/anonimiteit`
to check one text field and shows what the guard found, marked in the text.
Saving goes through `Casusbank.save`, the same door as the API and import.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ingest.anonymity import get_guard
from kb import review
from kb.service import Casusbank, GeweigerdeCasus
from kb.toegang import Gebruiker, Geweigerd
from kb.vocabulary import Status
from web import forms
from web.auth import LEZEN, SCHRIJVEN
from web.deps import get_kb
from web.templating import render

router = APIRouter(include_in_schema=False)


def _formulier(
    request: Request,
    waarden: forms.Waarden,
    *,
    ref: str | None,
    fouten: forms.Fouten | None = None,
    info: review.ReviewInfo | None = None,
) -> Response:
    """The case form; `info` (for an existing case) says whether it is published and
    whether this user may delete it, so no one is offered a button that refuses."""
    context = {
        "gepubliceerd": info is not None and info.status == Status.gepubliceerd,
        "mag_verwijderen": info is not None and info.mag_verwijderen,
        "titel": f"Casus {ref} bewerken" if ref else "Nieuwe casus",
        "actief": "nieuw" if ref is None else None,
        "ref": ref,
        "waarden": waarden,
        "fouten": fouten or forms.Fouten({}, []),
        "actie": f"/casus/{ref}/bewerken" if ref else "/casus/nieuw",
        "VELDEN": forms.VELDEN,
        "COMMENTAAR_KOPPEN": forms.COMMENTAAR_KOPPEN,
        "veld_id": forms.veld_id,
        "veldkop": forms.veldkop,
    }
    return render(request, "formulier.html", context, status_code=422 if fouten else 200)


def _opslaan(
    request: Request, kb: Casusbank, wie: Gebruiker, waarden: forms.Waarden, ref: str | None
) -> Response:
    info = _mag_wijzigen(kb, ref, wie) if ref is not None else None
    data = forms.naar_casus(waarden)
    if ref is None and data.get("ref") and kb.get(str(data["ref"])) is not None:
        fouten = forms.Fouten(
            {"ref": [f"er is al een casus met ref '{data['ref']}'; kies een andere ref"]}, []
        )
        return _formulier(request, waarden, ref=ref, fouten=fouten)
    try:
        casus = kb.save(data, ref=ref, door=wie)
    except GeweigerdeCasus as exc:
        fouten = forms.verdeel_fouten(exc.fouten)
        return _formulier(request, waarden, ref=ref, fouten=fouten, info=info)
    return RedirectResponse(f"/casus/{casus.ref}", status_code=303)


def _mag_wijzigen(kb: Casusbank, ref: str, wie: Gebruiker) -> review.ReviewInfo:
    info = review.info(kb, ref, wie)  # NietGevonden when not even visible
    if not info.mag_wijzigen:
        raise Geweigerd(
            f"Casus '{ref}' is van een collega; alleen de auteur en de redactie wijzigen hem."
        )
    return info


@router.get("/casus/nieuw", summary="Formulier voor een nieuwe casus")
def nieuw(request: Request, _: Gebruiker = Depends(SCHRIJVEN)) -> Response:
    return _formulier(request, forms.leeg(), ref=None)


@router.post("/casus/nieuw", summary="Sla een nieuwe casus op")
async def nieuw_opslaan(
    request: Request, wie: Gebruiker = Depends(SCHRIJVEN), kb: Casusbank = Depends(get_kb)
) -> Response:
    waarden = forms.uit_formulier(await request.form())
    return await run_in_threadpool(_opslaan, request, kb, wie, waarden, None)


@router.post("/casus/anonimiteit", summary="Controleer één tekstveld op persoonsgegevens")
async def anonimiteit(
    request: Request, veld: str = Query(...), _: Gebruiker = Depends(LEZEN)
) -> Response:
    tekst = str((await request.form()).get(veld) or "").replace("\r\n", "\n")
    bevindingen = await run_in_threadpool(get_guard().check_text, tekst)
    context = {
        "veld": veld,
        "tekst": tekst,
        "bevindingen": bevindingen,
        "stukken": forms.gemarkeerd(tekst, bevindingen),
    }
    return render(request, "_anonimiteit.html", context)


@router.get("/casus/{ref}/bewerken", summary="Formulier om een casus te wijzigen")
def bewerken(
    ref: str, request: Request, wie: Gebruiker = Depends(SCHRIJVEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    info = _mag_wijzigen(kb, ref, wie)
    # Commentaar partners wrote in the app is theirs: the form edits only the case's own.
    casus = review.lees(kb, ref, wie, app_commentaar=False)
    return _formulier(
        request, forms.uit_casus(casus.model_dump(mode="json")), ref=ref, info=info
    )


@router.post("/casus/{ref}/bewerken", summary="Sla een gewijzigde casus op")
async def bewerken_opslaan(
    ref: str, request: Request, wie: Gebruiker = Depends(SCHRIJVEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    waarden = forms.uit_formulier(await request.form())
    waarden.velden["ref"] = ref
    return await run_in_threadpool(_opslaan, request, kb, wie, waarden, ref)


@router.post("/casus/{ref}/verwijderen", summary="Verwijder een casus")
async def verwijderen(
    ref: str, request: Request, wie: Gebruiker = Depends(SCHRIJVEN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    if (await request.form()).get("bevestig") != "ja":
        return RedirectResponse(f"/casus/{ref}/bewerken#verwijderen", status_code=303)
    await run_in_threadpool(review.info, kb, ref, wie)  # 404 for a case one cannot see
    if not await run_in_threadpool(lambda: kb.delete(ref, door=wie)):
        raise HTTPException(404, f"Er is geen casus met ref '{ref}'.")
    return RedirectResponse("/mijn", status_code=303)

