"""Local accounts: users, passwords (argon2), login sessions, API tokens, throttling.

The CLI (`kb user ...`) and the web app (login, account and beheer pages) call
these functions. Secrets are only ever stored hashed: passwords with argon2id,
session keys and API tokens (random, 256 bits) with SHA-256, which is enough
for random keys and keeps the per-request lookup cheap.

Room for SSO: `aanmelden` is the only place that checks a password and
returns a `Gebruiker`. An OIDC login (docs/beveiliging.md) would map the
provider's claims to an account by name and open the same kind of session.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from kb import audit
from kb.models import GebruikerRij, InlogPoging, SessieRij, TokenRij, _nu
from kb.toegang import KETEN_PARTIJEN, ROL_LABELS, Gebruiker, Rol

_HASHER = PasswordHasher()
# Compared against when the account does not exist, so a wrong name takes as long as a
# wrong password and the timing does not tell which names exist.
_DUMMY_HASH = _HASHER.hash("geen-account-met-deze-naam")

MIN_WACHTWOORD = 10
SESSIE_DUUR = timedelta(hours=12)
TOKEN_PREFIX = "kb_"
# Throttling: after this many failures the account (or address) waits, doubling each time.
DREMPEL_ACCOUNT = 5
DREMPEL_ADRES = 20  # an office behind one address has many honest typos
EERSTE_WACHTTIJD = timedelta(seconds=30)
MAX_WACHTTIJD = timedelta(minutes=15)
VERGEET_NA = timedelta(hours=1)


class AccountFout(ValueError):
    """An account operation cannot be done; the message says why, in Dutch."""


class TeVeelPogingen(AccountFout):
    def __init__(self, wacht: timedelta) -> None:
        minuten = max(1, round(wacht.total_seconds() / 60))
        super().__init__(
            "Te veel mislukte pogingen om in te loggen. Probeer het over "
            f"{minuten} {'minuut' if minuten == 1 else 'minuten'} opnieuw."
        )
        self.wacht = wacht


def _hash(sleutel: str) -> str:
    return hashlib.sha256(sleutel.encode()).hexdigest()


def als_gebruiker(rij: GebruikerRij) -> Gebruiker:
    return Gebruiker(
        id=rij.id,
        naam=rij.naam,
        rol=Rol(rij.rol),
        partij=rij.partij,
        moet_wachtwoord_wijzigen=rij.moet_wachtwoord_wijzigen,
    )


def nieuw_wachtwoord() -> str:
    """A random password of 20 characters, for the first login only."""
    return secrets.token_urlsafe(15)


def controleer_wachtwoord(naam: str, wachtwoord: str) -> None:
    if len(wachtwoord) < MIN_WACHTWOORD:
        raise AccountFout(f"Een wachtwoord heeft minstens {MIN_WACHTWOORD} tekens.")
    if wachtwoord.strip().lower() == naam.strip().lower():
        raise AccountFout("Het wachtwoord mag niet gelijk zijn aan de gebruikersnaam.")
    if len(wachtwoord) > 200:
        raise AccountFout("Een wachtwoord heeft hoogstens 200 tekens.")


def _rij(session: Session, naam: str) -> GebruikerRij | None:
    return session.exec(select(GebruikerRij).where(GebruikerRij.naam == naam.strip())).first()


def vind(session: Session, naam: str) -> GebruikerRij:
    rij = _rij(session, naam)
    if rij is None:
        raise AccountFout(f"Er is geen account '{naam}'.")
    return rij


def aantal(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(GebruikerRij)).one())


def alle(session: Session) -> list[GebruikerRij]:
    return list(session.exec(select(GebruikerRij).order_by(GebruikerRij.naam)))


def maak(
    session: Session,
    naam: str,
    rol: str,
    wachtwoord: str,
    *,
    partij: str | None = None,
    moet_wijzigen: bool = False,
    door: Gebruiker | None = None,
) -> GebruikerRij:
    """Create an account; a keten account needs its partij, other roles have none."""
    naam = naam.strip()
    if not naam or len(naam) > 64 or any(t.isspace() for t in naam):
        raise AccountFout("Een gebruikersnaam heeft 1 tot 64 tekens, zonder spaties.")
    if rol not in set(Rol):
        raise AccountFout(f"Onbekende rol '{rol}'; kies uit {', '.join(Rol)}.")
    if rol == Rol.keten:
        if partij not in KETEN_PARTIJEN:
            raise AccountFout(
                f"Een ketenaccount hoort bij een partij: {', '.join(KETEN_PARTIJEN)}."
            )
    elif partij:
        raise AccountFout(f"Alleen een ketenaccount heeft een partij, niet {ROL_LABELS[rol]}.")
    if _rij(session, naam) is not None:
        raise AccountFout(f"Er is al een account '{naam}'.")
    controleer_wachtwoord(naam, wachtwoord)
    rij = GebruikerRij(
        naam=naam,
        rol=rol,
        partij=partij,
        wachtwoord_hash=_HASHER.hash(wachtwoord),
        moet_wachtwoord_wijzigen=moet_wijzigen,
    )
    session.add(rij)
    session.flush()
    audit.schrijf(
        session, "gebruiker_aangemaakt", door, onderwerp=naam,
        details=f"rol {rol}" + (f", partij {partij}" if partij else ""),
    )
    return rij


def zet_wachtwoord(
    session: Session,
    naam: str,
    wachtwoord: str,
    *,
    moet_wijzigen: bool = False,
    door: Gebruiker | None = None,
) -> None:
    """Set a new password; every session of the account ends (a stolen one too)."""
    rij = vind(session, naam)
    controleer_wachtwoord(rij.naam, wachtwoord)
    rij.wachtwoord_hash = _HASHER.hash(wachtwoord)
    rij.moet_wachtwoord_wijzigen = moet_wijzigen
    session.add(rij)
    session.exec(delete(SessieRij).where(col(SessieRij.gebruiker_id) == rij.id))  # type: ignore[call-overload]
    session.exec(delete(InlogPoging).where(col(InlogPoging.sleutel) == _sleutel_naam(rij.naam)))  # type: ignore[call-overload]
    audit.schrijf(session, "wachtwoord_gewijzigd", door, onderwerp=rij.naam)


def zet_actief(session: Session, naam: str, actief: bool, *, door: Gebruiker | None) -> None:
    """Disable or re-enable an account; disabling ends its sessions and tokens at once."""
    rij = vind(session, naam)
    if door is not None and door.id == rij.id and not actief:
        raise AccountFout("U kunt uw eigen account niet uitschakelen.")
    rij.actief = actief
    session.add(rij)
    if not actief:
        session.exec(delete(SessieRij).where(col(SessieRij.gebruiker_id) == rij.id))  # type: ignore[call-overload]
    audit.schrijf(
        session, "gebruiker_ingeschakeld" if actief else "gebruiker_uitgeschakeld", door,
        onderwerp=rij.naam,
    )


# --- logging in --------------------------------------------------------------


def _sleutel_naam(naam: str) -> str:
    return f"naam:{naam.strip().lower()[:150]}"


def _sleutel_adres(adres: str | None) -> str:
    return f"adres:{adres or 'onbekend'}"


def _wachttijd(session: Session, sleutel: str, nu: datetime) -> timedelta | None:
    poging = session.get(InlogPoging, sleutel)
    if poging and poging.geblokkeerd_tot and poging.geblokkeerd_tot > nu:
        return poging.geblokkeerd_tot - nu
    return None


def _mislukt(session: Session, sleutel: str, drempel: int, nu: datetime) -> None:
    poging = session.get(InlogPoging, sleutel)
    if poging is None or nu - poging.laatste > VERGEET_NA:
        poging = poging or InlogPoging(sleutel=sleutel)
        poging.mislukt, poging.geblokkeerd_tot = 0, None
    poging.mislukt += 1
    poging.laatste = nu
    if poging.mislukt >= drempel:
        wacht = min(EERSTE_WACHTTIJD * 2 ** (poging.mislukt - drempel), MAX_WACHTTIJD)
        poging.geblokkeerd_tot = nu + wacht
    session.add(poging)


# Logins are checked one at a time in this process. The check reads the failure count,
# verifies the password (slow, on purpose) and records the outcome; attempts sent in
# parallel all passed the read before any failure was recorded, and got far more
# password checks than the threshold. One by one, the threshold holds as written.
# An argon2 check takes some tens of milliseconds: twenty colleagues logging in at
# the same moment wait about a second. The lock is per process; `kb serve` runs one.
_AANMELDEN = threading.Lock()


def aanmelden(session: Session, naam: str, wachtwoord: str, adres: str | None) -> Gebruiker:
    """Check a login; raise `AccountFout` (same message for a wrong name or password).

    Throttled per account and per address: past the threshold each further failure
    doubles the wait, up to `MAX_WACHTTIJD`, and while waiting not even the right
    password gets in; attempts are checked one at a time (`_AANMELDEN`), so guessing
    cannot continue in parallel either.
    """
    with _AANMELDEN:
        return _aanmelden(session, naam, wachtwoord, adres)


def _aanmelden(session: Session, naam: str, wachtwoord: str, adres: str | None) -> Gebruiker:
    nu = _nu()
    sleutels = [(_sleutel_naam(naam), DREMPEL_ACCOUNT), (_sleutel_adres(adres), DREMPEL_ADRES)]
    wachten = [w for s, _ in sleutels if (w := _wachttijd(session, s, nu)) is not None]
    if wachten:
        audit.schrijf(
            session, "login_mislukt", naam.strip()[:64] or None, adres=adres,
            details="geweigerd: te veel pogingen",
        )
        session.commit()  # the refusal is logged although the caller's block raises
        raise TeVeelPogingen(max(wachten))
    rij = _rij(session, naam) if naam.strip() else None
    try:
        _HASHER.verify(rij.wachtwoord_hash if rij else _DUMMY_HASH, wachtwoord)
        goed = rij is not None and rij.actief
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        goed = False
    if not goed or rij is None:
        for sleutel, drempel in sleutels:
            _mislukt(session, sleutel, drempel, nu)
        reden = "onbekend account" if rij is None else (
            "account uitgeschakeld" if not rij.actief else "verkeerd wachtwoord"
        )
        audit.schrijf(session, "login_mislukt", naam.strip()[:64] or None, adres=adres,
                      details=reden)
        session.commit()  # counters and log entry stay although the caller's block raises
        raise AccountFout("Gebruikersnaam of wachtwoord klopt niet.")
    if _HASHER.check_needs_rehash(rij.wachtwoord_hash):
        rij.wachtwoord_hash = _HASHER.hash(wachtwoord)
    rij.laatst_ingelogd = nu
    session.add(rij)
    session.exec(delete(InlogPoging).where(col(InlogPoging.sleutel) == _sleutel_naam(naam)))  # type: ignore[call-overload]
    gebruiker = als_gebruiker(rij)
    audit.schrijf(session, "login", gebruiker, adres=adres)
    session.commit()  # the counter reset is visible before the next attempt's turn
    return gebruiker


class HuidigKloptNiet(AccountFout):
    """The current password given when changing one's own password is wrong."""


def _klopt(rij: GebruikerRij | None, wachtwoord: str) -> bool:
    try:
        return rij is not None and _HASHER.verify(rij.wachtwoord_hash, wachtwoord)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def wijzig_eigen_wachtwoord(session: Session, wie: Gebruiker, huidig: str, nieuw: str) -> None:
    """A user replaces their own password: the current one first (a forgotten open
    session), and the new one must differ from it. Otherwise a one-time password, which
    the administrator has seen, could be "chosen" again and stay valid.
    """
    rij = session.get(GebruikerRij, wie.id)
    if rij is None or not _klopt(rij, huidig):
        raise HuidigKloptNiet("Het huidige wachtwoord klopt niet.")
    if _klopt(rij, nieuw):
        soort = "eenmalige" if rij.moet_wachtwoord_wijzigen else "huidige"
        raise AccountFout(f"Kies een ander wachtwoord dan uw {soort} wachtwoord.")
    zet_wachtwoord(session, rij.naam, nieuw, door=wie)


@dataclass(frozen=True)
class NieuweSessie:
    sleutel: str  # goes into the cookie; only its hash is stored
    csrf: str


def open_sessie(session: Session, gebruiker: Gebruiker) -> NieuweSessie:
    sleutel, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    assert gebruiker.id is not None
    session.add(
        SessieRij(
            sleutel_hash=_hash(sleutel),
            gebruiker_id=gebruiker.id,
            csrf=csrf,
            verloopt=_nu() + SESSIE_DUUR,
        )
    )
    # Expired sessions of anyone are cleared now and then, here, where it costs nothing extra.
    session.exec(delete(SessieRij).where(col(SessieRij.verloopt) < _nu()))  # type: ignore[call-overload]
    return NieuweSessie(sleutel, csrf)


@dataclass(frozen=True)
class Sessie:
    gebruiker: Gebruiker
    csrf: str


def lees_sessie(session: Session, sleutel: str) -> Sessie | None:
    """The session behind a cookie, or None when unknown, expired or the account is off.

    A session in use is extended (at most once per ten minutes, to spare writes).
    """
    if not sleutel or len(sleutel) > 200:
        return None
    rij = session.exec(select(SessieRij).where(SessieRij.sleutel_hash == _hash(sleutel))).first()
    nu = _nu()
    if rij is None or rij.verloopt <= nu:
        return None
    gebruiker = session.get(GebruikerRij, rij.gebruiker_id)
    if gebruiker is None or not gebruiker.actief:
        return None
    if rij.verloopt - nu < SESSIE_DUUR - timedelta(minutes=10):
        rij.verloopt = nu + SESSIE_DUUR
        session.add(rij)
    return Sessie(als_gebruiker(gebruiker), rij.csrf)


def sluit_sessie(session: Session, sleutel: str) -> None:
    session.exec(delete(SessieRij).where(col(SessieRij.sleutel_hash) == _hash(sleutel)))  # type: ignore[call-overload]


# --- API tokens --------------------------------------------------------------


def maak_token(session: Session, gebruiker: Gebruiker, naam: str) -> str:
    """A new personal API token; the returned value is shown once and never stored."""
    naam = naam.strip()
    if not naam or len(naam) > 80:
        raise AccountFout(
            "Geef het token een naam van 1 tot 80 tekens, bijv. 'koppeling rapportage'."
        )
    assert gebruiker.id is not None
    waarde = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        TokenRij(
            gebruiker_id=gebruiker.id, naam=naam, sleutel_hash=_hash(waarde), begin=waarde[:10]
        )
    )
    audit.schrijf(session, "token_aangemaakt", gebruiker, onderwerp=naam)
    return waarde


def tokens(session: Session, gebruiker: Gebruiker) -> list[TokenRij]:
    return list(
        session.exec(
            select(TokenRij)
            .where(TokenRij.gebruiker_id == gebruiker.id, col(TokenRij.ingetrokken).is_(False))
            .order_by(TokenRij.aangemaakt)
        )
    )


def trek_token_in(session: Session, gebruiker: Gebruiker, token_id: int) -> None:
    rij = session.get(TokenRij, token_id)
    if rij is None or rij.gebruiker_id != gebruiker.id or rij.ingetrokken:
        raise AccountFout("Dit token bestaat niet (meer).")
    rij.ingetrokken = True
    session.add(rij)
    audit.schrijf(session, "token_ingetrokken", gebruiker, onderwerp=rij.naam)


def lees_token(session: Session, waarde: str) -> Gebruiker | None:
    if not waarde.startswith(TOKEN_PREFIX) or len(waarde) > 200:
        return None
    rij = session.exec(select(TokenRij).where(TokenRij.sleutel_hash == _hash(waarde))).first()
    if rij is None or rij.ingetrokken:
        return None
    gebruiker = session.get(GebruikerRij, rij.gebruiker_id)
    if gebruiker is None or not gebruiker.actief:
        return None
    nu = _nu()
    if rij.laatst_gebruikt is None or nu - rij.laatst_gebruikt > timedelta(minutes=10):
        rij.laatst_gebruikt = nu
        session.add(rij)
    return als_gebruiker(gebruiker)
