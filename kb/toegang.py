"""Who may do what: roles, their rights, and the identity every write carries.

One table (`RECHTEN`) decides what a role may do; the web routes, the API and
the service functions all ask `Gebruiker.mag`, so a right is granted or
withdrawn in one place. Rules about one case (the author edits their own
concept, four eyes at publication, a keten partij reads a concept it was
asked about) live in `kb.review` and `kb.ketenoverleg`, next to the writes.

The CLI runs on the server itself and acts as `SYSTEEM`, a beheer identity
without an account: whoever can run `kb` can already read the database file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Rol(StrEnum):
    leerplicht = "leerplicht"
    keten = "keten"
    redactie = "redactie"
    beheer = "beheer"


class Recht(StrEnum):
    lezen = "lezen"  # search, read published cases, similar cases
    schrijven = "schrijven"  # create cases, edit own, ask a partner
    reviewen = "reviewen"  # publish or return cases of others
    commentaar = "commentaar"  # comment as the account's partij, answer questions
    beheren = "beheren"  # accounts, audit log, export


RECHTEN: dict[Rol, frozenset[Recht]] = {
    Rol.leerplicht: frozenset({Recht.lezen, Recht.schrijven}),
    Rol.keten: frozenset({Recht.lezen, Recht.commentaar}),
    Rol.redactie: frozenset({Recht.lezen, Recht.schrijven, Recht.reviewen}),
    Rol.beheer: frozenset({Recht.lezen, Recht.beheren}),
}

ROL_LABELS: dict[str, str] = {
    Rol.leerplicht: "Leerplicht",
    Rol.keten: "Ketenpartner",
    Rol.redactie: "Redactie",
    Rol.beheer: "Beheer",
}
# The partijen a keten account can belong to; questions go to OM and RvdK.
KETEN_PARTIJEN: tuple[str, ...] = ("om", "rvdk", "halt", "jeugdreclassering")
VRAAG_PARTIJEN: tuple[str, ...] = ("om", "rvdk")


class Geweigerd(PermissionError):
    """The user may not do this; the message says why, in Dutch, for the user."""


@dataclass(frozen=True)
class Gebruiker:
    """The identity a request or command acts as; never holds the password hash."""

    id: int | None
    naam: str
    rol: Rol
    partij: str | None = None
    moet_wachtwoord_wijzigen: bool = False

    def mag(self, recht: Recht) -> bool:
        return recht in RECHTEN[self.rol]

    def eis(self, recht: Recht, wat: str) -> None:
        """Raise `Geweigerd` with a message naming what was refused and which role may."""
        if not self.mag(recht):
            rollen = [ROL_LABELS[r].lower() for r, rechten in RECHTEN.items() if recht in rechten]
            raise Geweigerd(
                f"U mag {wat} niet met de rol {ROL_LABELS[self.rol].lower()}; "
                f"dat mag alleen {' of '.join(rollen)}."
            )

    @property
    def omschrijving(self) -> str:
        rol = ROL_LABELS[self.rol]
        if self.partij:
            from kb.vocabulary import label

            rol = f"{rol} ({label('partij', self.partij)})"
        return f"{self.naam} · {rol}"


SYSTEEM = Gebruiker(id=None, naam="kb-opdrachtregel", rol=Rol.beheer)


class _Casusrij(Protocol):
    status: str
    auteur_id: int | None
    bewerkt_door_id: int | None


def mag_inzien(rij: _Casusrij, wie: Gebruiker, gevraagd_aan: Iterable[str] = ()) -> bool:
    """A published case everyone; a concept its author, the redactie and beheer, and a
    keten partij the author put a question to (`gevraagd_aan`: partijen asked)."""
    return (
        rij.status == "gepubliceerd"
        or (wie.id is not None and rij.auteur_id == wie.id)
        or wie.mag(Recht.reviewen)
        or wie.mag(Recht.beheren)
        or (wie.partij is not None and wie.mag(Recht.commentaar) and wie.partij in gevraagd_aan)
    )


def mag_wijzigen(rij: _Casusrij, wie: Gebruiker) -> bool:
    return wie.mag(Recht.schrijven) and (rij.auteur_id == wie.id or wie.mag(Recht.reviewen))


def mag_verwijderen(rij: _Casusrij, wie: Gebruiker) -> bool:
    if wie.mag(Recht.reviewen):
        return True
    return wie.mag(Recht.schrijven) and rij.auteur_id == wie.id and rij.status != "gepubliceerd"


def vier_ogen(rij: _Casusrij, wie: Gebruiker) -> bool:
    """True when `wie` may publish: neither the author nor the last editor."""
    return wie.id not in (rij.auteur_id, rij.bewerkt_door_id)
