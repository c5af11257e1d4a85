"""The audit log: who did what, when, and from where for logins.

Every write, publication, export, login and failed login adds one row, in the
same transaction as the change it records, so the log and the data cannot
disagree. The log names users, actions and case refs, never case text: it can
be handed to a privacy officer without becoming a second copy of the cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from kb.export_csv import csv_tekst
from kb.models import AuditRij
from kb.toegang import Gebruiker

# Every action the log knows, with its Dutch description for the beheer page.
ACTIES: dict[str, str] = {
    "login": "Ingelogd",
    "login_mislukt": "Inloggen mislukt",
    "logout": "Uitgelogd",
    "casus_aangemaakt": "Casus aangemaakt",
    "casus_gewijzigd": "Casus gewijzigd",
    "casus_verwijderd": "Casus verwijderd",
    "casus_ter_review": "Casus ter review aangeboden",
    "casus_gepubliceerd": "Casus gepubliceerd",
    "casus_teruggestuurd": "Casus teruggestuurd naar concept",
    "import": "Casussen geïmporteerd",
    "export": "Casussen geëxporteerd",
    "commentaar_toegevoegd": "Commentaar toegevoegd",
    "commentaar_gewijzigd": "Commentaar gewijzigd",
    "vraag_gesteld": "Vraag aan ketenpartner gesteld",
    "vraag_beantwoord": "Vraag beantwoord",
    "gebruiker_aangemaakt": "Account aangemaakt",
    "wachtwoord_gewijzigd": "Wachtwoord gewijzigd",
    "gebruiker_uitgeschakeld": "Account uitgeschakeld",
    "gebruiker_ingeschakeld": "Account weer ingeschakeld",
    "token_aangemaakt": "API-token aangemaakt",
    "token_ingetrokken": "API-token ingetrokken",
    "audit_geexporteerd": "Auditlog geëxporteerd",
    "intervisie_gestart": "Intervisiesessie gestart",
    "intervisie_afgesloten": "Intervisiesessie afgesloten",
    "intervisie_verwijderd": "Intervisiesessie verwijderd",
    "intervisie_geexporteerd": "Intervisieverslag geëxporteerd",
    "leerpad_antwoord": "Leerpadstap beantwoord",
    "leerpad_opnieuw": "Leerpad opnieuw begonnen",
}
KOLOMMEN = ("Tijd (UTC)", "Gebruiker", "Rol", "Actie", "Onderwerp", "Adres", "Details")


def schrijf(
    session: Session,
    actie: str,
    wie: Gebruiker | str | None = None,
    *,
    onderwerp: str | None = None,
    adres: str | None = None,
    details: str | None = None,
) -> None:
    """Add one entry inside the caller's transaction."""
    if actie not in ACTIES:
        raise ValueError(f"onbekende auditactie '{actie}'")
    naam = wie.naam if isinstance(wie, Gebruiker) else wie
    rol = None
    if isinstance(wie, Gebruiker):  # a chain partner's party matters: "keten (om)"
        rol = f"{wie.rol} ({wie.partij})" if wie.partij else str(wie.rol)
    session.add(
        AuditRij(
            gebruiker=naam[:64] if naam else None,
            rol=rol,
            actie=actie,
            onderwerp=onderwerp[:120] if onderwerp else None,
            adres=adres[:64] if adres else None,
            details=details[:500] if details else None,
        )
    )


@dataclass
class AuditPagina:
    regels: list[AuditRij]
    totaal: int


def lees(
    session: Session,
    *,
    actie: str | None = None,
    gebruiker: str | None = None,
    limit: int | None = 100,
    offset: int = 0,
) -> AuditPagina:
    """Newest first, optionally narrowed to one action or one user."""
    stmt = select(AuditRij)
    telling = select(func.count()).select_from(AuditRij)
    if actie:
        stmt, telling = stmt.where(AuditRij.actie == actie), telling.where(AuditRij.actie == actie)
    if gebruiker:
        stmt = stmt.where(AuditRij.gebruiker == gebruiker)
        telling = telling.where(AuditRij.gebruiker == gebruiker)
    stmt = stmt.order_by(col(AuditRij.tijd).desc(), col(AuditRij.id).desc()).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return AuditPagina(list(session.exec(stmt)), int(session.exec(telling).one()))


def _tijd(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def als_csv(regels: Sequence[AuditRij]) -> str:
    """The log as CSV (kb.export_csv: semicolons, Excel-ready, formulas defused), UTC times.

    User names come from the login form, so an attacker can choose them: the shared CSV
    writer makes sure a name like =HYPERLINK(...) stays text in a spreadsheet.
    """
    return csv_tekst(
        KOLOMMEN,
        (
            (_tijd(r.tijd), r.gebruiker, r.rol, ACTIES.get(r.actie, r.actie), r.onderwerp,
             r.adres, r.details)
            for r in regels
        ),
    )
