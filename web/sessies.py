"""Logging in and out, and the account page: one's own password and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kb import accounts, audit
from kb.accounts import AccountFout
from kb.service import Casusbank
from kb.toegang import Gebruiker
from web.auth import (
    CSRF_COOKIE,
    LEZEN,
    OPENBAAR,
    SESSIE_COOKIE,
    WACHTWOORD_PAD,
    client_adres,
    naar_wachtwoord,
    veilige_volgende,
    zet_cookie,
)
from web.deps import RijId, get_kb
from web.templating import render

router = APIRouter(include_in_schema=False)
# Logging out and changing one's password need only a signed-in account, whatever its role.
INGELOGD = LEZEN


def _loginpagina(
    request: Request, *, fout: str | None = None, naam: str = "", status_code: int = 200
) -> Response:
    context = {
        "titel": "Inloggen",
        "fout": fout,
        "naam": naam,
        "volgende": veilige_volgende(request.query_params.get("volgende")),
    }
    return render(request, "login.html", context, status_code=status_code)


@router.get("/login", summary="Inlogpagina")
def login(request: Request, wie: Gebruiker | None = Depends(OPENBAAR)) -> Response:
    if wie is not None:
        return RedirectResponse(veilige_volgende(request.query_params.get("volgende")), 303)
    return _loginpagina(request)


@router.post("/login", summary="Inloggen")
async def login_versturen(
    request: Request, _: Gebruiker | None = Depends(OPENBAAR), kb: Casusbank = Depends(get_kb)
) -> Response:
    form = await request.form()
    naam, wachtwoord = str(form.get("naam") or ""), str(form.get("wachtwoord") or "")

    def aanmelden() -> tuple[Gebruiker, accounts.NieuweSessie] | AccountFout:
        try:
            with kb.session() as s:
                gebruiker = accounts.aanmelden(s, naam, wachtwoord, client_adres(request))
                return gebruiker, accounts.open_sessie(s, gebruiker)
        except AccountFout as exc:
            return exc

    uitkomst = await run_in_threadpool(aanmelden)
    if isinstance(uitkomst, AccountFout):
        status = 429 if isinstance(uitkomst, accounts.TeVeelPogingen) else 401
        return _loginpagina(request, fout=str(uitkomst), naam=naam, status_code=status)
    gebruiker, sessie = uitkomst
    volgende = veilige_volgende(str(form.get("volgende") or ""))
    if gebruiker.moet_wachtwoord_wijzigen:
        volgende = naar_wachtwoord(volgende)  # the page asked for comes after the change
    response = RedirectResponse(volgende, status_code=303)
    zet_cookie(request, response, SESSIE_COOKIE, sessie.sleutel,
               max_age=int(accounts.SESSIE_DUUR.total_seconds()))
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout", summary="Uitloggen")
async def logout(
    request: Request, wie: Gebruiker = Depends(INGELOGD), kb: Casusbank = Depends(get_kb)
) -> Response:
    sleutel = request.cookies.get(SESSIE_COOKIE, "")

    def sluit() -> None:
        with kb.session() as s:
            accounts.sluit_sessie(s, sleutel)
            audit.schrijf(s, "logout", wie, adres=client_adres(request))

    await run_in_threadpool(sluit)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSIE_COOKIE, path="/")
    return response


def _accountpagina(
    request: Request, kb: Casusbank, wie: Gebruiker, *, fouten: dict[str, str] | None = None,
    nieuw_token: str | None = None, melding: str | None = None, volgende: str = "/",
    status_code: int = 200,
) -> Response:
    with kb.session() as s:
        tokens = accounts.tokens(s, wie)
    context = {
        "titel": "Mijn account",
        "actief": "account",
        "tokens": tokens,
        "fouten": fouten or {},
        "nieuw_token": nieuw_token,
        "melding": melding,
        "moet_wijzigen": wie.moet_wachtwoord_wijzigen,
        # Where the password form leads after saving; "/" means this account page.
        "volgende": volgende,
    }
    return render(request, "account.html", context, status_code=status_code)


@router.get("/account", summary="Mijn account: wachtwoord en API-tokens")
def account(
    request: Request, wie: Gebruiker = Depends(INGELOGD), kb: Casusbank = Depends(get_kb)
) -> Response:
    return _accountpagina(request, kb, wie)


@router.get(WACHTWOORD_PAD, summary="Wachtwoord wijzigen")
def wachtwoord(
    request: Request, wie: Gebruiker = Depends(INGELOGD), kb: Casusbank = Depends(get_kb)
) -> Response:
    volgende = veilige_volgende(request.query_params.get("volgende"))
    return _accountpagina(request, kb, wie, volgende=volgende)


@router.post(WACHTWOORD_PAD, summary="Sla een nieuw wachtwoord op")
async def wachtwoord_opslaan(
    request: Request, wie: Gebruiker = Depends(INGELOGD), kb: Casusbank = Depends(get_kb)
) -> Response:
    form = await request.form()
    huidig, nieuw = str(form.get("huidig") or ""), str(form.get("nieuw") or "")
    herhaal = str(form.get("herhaal") or "")
    volgende = veilige_volgende(str(form.get("volgende") or ""))

    def wijzig() -> dict[str, str] | accounts.NieuweSessie:
        if nieuw != herhaal:
            return {"herhaal": "De twee nieuwe wachtwoorden zijn niet gelijk."}
        try:
            with kb.session() as s:
                accounts.wijzig_eigen_wachtwoord(s, wie, huidig, nieuw)
                # All sessions ended with the old password; this browser gets a new one.
                return accounts.open_sessie(s, wie)
        except accounts.HuidigKloptNiet as exc:
            return {"huidig": str(exc)}
        except AccountFout as exc:
            return {"nieuw": str(exc)}

    uitkomst = await run_in_threadpool(wijzig)
    if isinstance(uitkomst, dict):
        return _accountpagina(request, kb, wie, fouten=uitkomst, volgende=volgende,
                              status_code=422)
    # Straight on to the page the user was going to: arriving there (rather than back on
    # the password form with a message) is the confirmation. Without one, the account
    # page says so.
    doel = volgende if volgende != "/" else "/account?gewijzigd=1"
    response = RedirectResponse(doel, status_code=303)
    zet_cookie(request, response, SESSIE_COOKIE, uitkomst.sleutel,
               max_age=int(accounts.SESSIE_DUUR.total_seconds()))
    return response


@router.post("/account/tokens", summary="Maak een persoonlijk API-token")
async def token_maken(
    request: Request, wie: Gebruiker = Depends(INGELOGD), kb: Casusbank = Depends(get_kb)
) -> Response:
    naam = str((await request.form()).get("naam") or "")
    try:
        with kb.session() as s:
            waarde = accounts.maak_token(s, wie, naam)
    except AccountFout as exc:
        return _accountpagina(request, kb, wie, fouten={"token": str(exc)}, status_code=422)
    return _accountpagina(request, kb, wie, nieuw_token=waarde, status_code=201)


@router.post("/account/tokens/{token_id}/intrekken", summary="Trek een API-token in")
async def token_intrekken(
    token_id: RijId, request: Request, wie: Gebruiker = Depends(INGELOGD),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    try:
        with kb.session() as s:
            accounts.trek_token_in(s, wie, token_id)
    except AccountFout as exc:
        return _accountpagina(request, kb, wie, fouten={"token": str(exc)}, status_code=404)
    return RedirectResponse("/account", status_code=303)

