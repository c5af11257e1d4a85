"""Beheer pages: accounts, the audit log (view and CSV) and the export of cases.

Same functions as `kb user ...` and `kb export` (kb.accounts, kb.audit,
Casusbank.export), so the CLI and the web app cannot disagree on the rules.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kb import accounts, audit
from kb.accounts import AccountFout
from kb.service import EXPORT_FORMATEN, Casusbank
from kb.toegang import KETEN_PARTIJEN, Gebruiker, Rol
from web.auth import BEHEREN, client_adres
from web.deps import get_kb
from web.templating import render

router = APIRouter(prefix="/beheer", include_in_schema=False)
AUDIT_PER_PAGINA = 100
MEDIA = {"yaml": "application/yaml", "json": "application/json", "jsonl": "application/jsonl"}


def _gebruikerspagina(
    request: Request, kb: Casusbank, *, fouten: dict[str, str] | None = None,
    invoer: dict[str, str] | None = None, eenmalig: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    with kb.session() as s:
        gebruikers = accounts.alle(s)
    context = {
        "titel": "Accounts",
        "actief": "beheer",
        "gebruikers": gebruikers,
        "rollen": list(Rol),
        "partijen": KETEN_PARTIJEN,
        "fouten": fouten or {},
        "invoer": invoer or {},
        "eenmalig": eenmalig,
    }
    return render(request, "beheer_gebruikers.html", context, status_code=status_code)


@router.get("/gebruikers", summary="Accounts")
def gebruikers(
    request: Request, _: Gebruiker = Depends(BEHEREN), kb: Casusbank = Depends(get_kb)
) -> Response:
    return _gebruikerspagina(request, kb)


@router.post("/gebruikers", summary="Maak een account")
async def gebruiker_maken(
    request: Request, wie: Gebruiker = Depends(BEHEREN), kb: Casusbank = Depends(get_kb)
) -> Response:
    f = {k: str(v) for k, v in (await request.form()).items()}
    wachtwoord = accounts.nieuw_wachtwoord()

    def maak() -> None:
        with kb.session() as s:
            accounts.maak(
                s, f.get("naam", ""), f.get("rol", ""), wachtwoord,
                partij=f.get("partij") or None, moet_wijzigen=True, door=wie,
            )

    try:
        await run_in_threadpool(maak)
    except AccountFout as exc:
        return _gebruikerspagina(request, kb, fouten={"nieuw": str(exc)}, invoer=f,
                                 status_code=422)
    return _gebruikerspagina(request, kb, eenmalig=(f["naam"].strip(), wachtwoord),
                             status_code=201)


@router.post("/gebruikers/{naam}/wachtwoord", summary="Nieuw eenmalig wachtwoord")
async def wachtwoord_herstellen(
    naam: str, request: Request, wie: Gebruiker = Depends(BEHEREN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    wachtwoord = accounts.nieuw_wachtwoord()

    def zet() -> None:
        with kb.session() as s:
            accounts.zet_wachtwoord(s, naam, wachtwoord, moet_wijzigen=True, door=wie)

    try:
        await run_in_threadpool(zet)
    except AccountFout as exc:
        return _gebruikerspagina(request, kb, fouten={naam: str(exc)}, status_code=404)
    return _gebruikerspagina(request, kb, eenmalig=(naam, wachtwoord))


@router.post("/gebruikers/{naam}/actief", summary="Schakel een account uit of weer in")
async def actief_zetten(
    naam: str, request: Request, wie: Gebruiker = Depends(BEHEREN),
    kb: Casusbank = Depends(get_kb),
) -> Response:
    actief = (await request.form()).get("actief") == "ja"

    def zet() -> None:
        with kb.session() as s:
            accounts.zet_actief(s, naam, actief, door=wie)

    try:
        await run_in_threadpool(zet)
    except AccountFout as exc:
        return _gebruikerspagina(request, kb, fouten={naam: str(exc)}, status_code=409)
    return RedirectResponse("/beheer/gebruikers", status_code=303)


@router.get("/audit", summary="Auditlog")
def auditlog(
    request: Request, _: Gebruiker = Depends(BEHEREN), kb: Casusbank = Depends(get_kb)
) -> Response:
    actie = request.query_params.get("actie") or None
    naam = request.query_params.get("gebruiker") or None
    try:
        pagina_nr = max(int(request.query_params.get("pagina", "1")), 1)
    except ValueError:
        pagina_nr = 1
    with kb.session() as s:
        pagina = audit.lees(s, actie=actie if actie in audit.ACTIES else None,
                            gebruiker=naam, limit=AUDIT_PER_PAGINA,
                            offset=(pagina_nr - 1) * AUDIT_PER_PAGINA)
    context = {
        "titel": "Auditlog",
        "actief": "beheer",
        "pagina": pagina,
        "pagina_nr": pagina_nr,
        "meer": pagina_nr * AUDIT_PER_PAGINA < pagina.totaal,
        "acties": audit.ACTIES,
        "filter_actie": actie or "",
        "filter_gebruiker": naam or "",
    }
    return render(request, "beheer_audit.html", context)


@router.get("/audit.csv", summary="Auditlog als CSV")
def audit_csv(
    request: Request, wie: Gebruiker = Depends(BEHEREN), kb: Casusbank = Depends(get_kb)
) -> Response:
    with kb.session() as s:
        regels = audit.lees(s, limit=None).regels
        audit.schrijf(s, "audit_geexporteerd", wie, adres=client_adres(request),
                      details=f"{len(regels)} regels")
    stempel = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        audit.als_csv(regels),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="auditlog-{stempel}.csv"'},
    )


@router.get("/export", summary="Exporteer de gepubliceerde casussen")
def export(
    request: Request, wie: Gebruiker = Depends(BEHEREN), kb: Casusbank = Depends(get_kb)
) -> Response:
    formaat = request.query_params.get("formaat")
    if formaat not in EXPORT_FORMATEN:
        context = {"titel": "Export", "actief": "beheer", "formaten": EXPORT_FORMATEN,
                   "aantal": kb.count(), "fout": "Kies een formaat." if formaat else None}
        return render(request, "beheer_export.html", context, status_code=422 if formaat else 200)
    tekst = kb.export(formaat, door=wie)
    stempel = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        tekst,
        media_type=f"{MEDIA[formaat]}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="casusbank-{stempel}.{formaat}"'},
    )
