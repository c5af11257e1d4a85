"""Review before publishing: concept → ter_review → gepubliceerd, or back with a reason.

A case written in the app is a concept, seen only by its author, the redactie
and beheer (and a keten partij the author asked about it). The author offers it
for review; a redacteur who neither wrote nor last edited it (four eyes) runs
the anonymity check again, confirms it, and publishes. Only then does it show
up in other users' search, similar cases, exports and learning material.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ingest.anonymity import VeldBevindingen, get_guard
from kb import audit
from kb.models import CasusRij, GebruikerRij, VraagRij, _nu
from kb.schema import Casus, naar_uitwisseling
from kb.service import Casusbank
from kb.store import get_row, naar_casus, ref_zoals_bedoeld
from kb.toegang import (
    Gebruiker,
    Geweigerd,
    Recht,
    mag_inzien,
    mag_verwijderen,
    mag_wijzigen,
    vier_ogen,
)
from kb.vocabulary import Status

MIN_REDEN = 10


class ReviewFout(ValueError):
    """The step cannot be taken now (wrong state, missing confirmation); Dutch message."""


class NietGevonden(LookupError):
    """No such case, or not one this user may see: the same answer, so refs do not leak."""

    def __init__(self, ref: str, bedoeld: str | None = None) -> None:
        suggestie = f" Bedoelt u {bedoeld}?" if bedoeld else ""
        super().__init__(
            f"Er is geen casus met ref '{ref}', of u mag hem (nog) niet inzien.{suggestie}"
        )


@dataclass(frozen=True)
class ReviewInfo:
    """Where a case stands, and what the viewer may do with it."""

    ref: str
    status: str
    auteur: str | None
    bewerkt_door: str | None
    review_reden: str | None
    gepubliceerd_op: datetime | None
    mag_wijzigen: bool
    mag_verwijderen: bool
    mag_aanbieden: bool
    mag_publiceren: bool
    eigen: bool


def gevraagde_partijen(s: Session, casus_id: int | None) -> set[str]:
    return set(s.exec(select(VraagRij.partij).where(VraagRij.casus_id == casus_id)))


def _naam(s: Session, gebruiker_id: int | None) -> str | None:
    rij = s.get(GebruikerRij, gebruiker_id) if gebruiker_id is not None else None
    return rij.naam if rij else None


def _zichtbare_rij(s: Session, ref: str, wie: Gebruiker) -> CasusRij:
    rij = get_row(s, ref)
    if rij is None or not mag_inzien(rij, wie, gevraagde_partijen(s, rij.id)):
        # Refs are matched exactly; "seed-085" typed for "SEED-085" gets a pointer, only
        # to a case this user sees, and the same whether or not a hidden case has exactly
        # the typed ref: so neither the pointer nor its absence tells that one exists.
        raise NietGevonden(ref, ref_zoals_bedoeld(s, ref, wie))
    return rij


def info(kb: Casusbank, ref: str, wie: Gebruiker) -> ReviewInfo:
    with kb.session() as s:
        rij = _zichtbare_rij(s, ref, wie)
        eigen = wie.id is not None and rij.auteur_id == wie.id
        return ReviewInfo(
            ref=rij.ref,
            status=rij.status,
            auteur=_naam(s, rij.auteur_id),
            bewerkt_door=_naam(s, rij.bewerkt_door_id),
            review_reden=rij.review_reden,
            gepubliceerd_op=rij.gepubliceerd_op,
            mag_wijzigen=mag_wijzigen(rij, wie),
            mag_verwijderen=mag_verwijderen(rij, wie),
            mag_aanbieden=rij.status == Status.concept and mag_wijzigen(rij, wie),
            mag_publiceren=rij.status == Status.ter_review
            and wie.mag(Recht.reviewen)
            and vier_ogen(rij, wie),
            eigen=eigen,
        )


def lees(kb: Casusbank, ref: str, wie: Gebruiker, *, app_commentaar: bool = True) -> Casus:
    """The case in the exchange format, if `wie` may see it (else `NietGevonden`)."""
    with kb.session() as s:
        return naar_casus(_zichtbare_rij(s, ref, wie), app_commentaar=app_commentaar)


def bied_aan(kb: Casusbank, ref: str, wie: Gebruiker) -> None:
    """The author (or the redactie) offers a concept for review."""
    with kb.session() as s:
        rij = _zichtbare_rij(s, ref, wie)
        if not mag_wijzigen(rij, wie):
            raise Geweigerd("Alleen de auteur of de redactie biedt deze casus ter review aan.")
        if rij.status != Status.concept:
            raise ReviewFout(f"Casus '{ref}' is geen concept meer (status: {rij.status}).")
        rij.status, rij.review_reden = Status.ter_review, None
        s.add(rij)
        audit.schrijf(s, "casus_ter_review", wie, onderwerp=ref)


def controleer_anonimiteit(kb: Casusbank, ref: str, wie: Gebruiker) -> list[VeldBevindingen]:
    """The anonymity check run again on the stored case, as the redacteur sees it."""
    with kb.session() as s:
        data = naar_uitwisseling(naar_casus(_zichtbare_rij(s, ref, wie)))
    return get_guard().check_case(data)


def publiceer(kb: Casusbank, ref: str, wie: Gebruiker, *, anonimiteit_bevestigd: bool) -> None:
    """Publish a case under review: four eyes, a clean anonymity check, and confirmation."""
    wie.eis(Recht.reviewen, "casussen publiceren")
    bevindingen = controleer_anonimiteit(kb, ref, wie)
    with kb.session() as s:
        rij = _zichtbare_rij(s, ref, wie)
        if rij.status != Status.ter_review:
            raise ReviewFout(
                f"Casus '{ref}' staat niet ter review (status: {rij.status}); "
                "de auteur biedt hem eerst aan."
            )
        if not vier_ogen(rij, wie):
            raise Geweigerd(
                "Vier ogen: u hebt deze casus geschreven of als laatste gewijzigd, dus een "
                "andere redacteur publiceert hem."
            )
        if bevindingen:
            velden = ", ".join(b.veld for b in bevindingen)
            raise ReviewFout(
                f"De anonimiteitscontrole vindt nog mogelijke persoonsgegevens in: {velden}. "
                "Stuur de casus terug naar de auteur."
            )
        if not anonimiteit_bevestigd:
            raise ReviewFout(
                "Bevestig dat u de casus op persoonsgegevens hebt nagelezen voordat u publiceert."
            )
        rij.status, rij.gepubliceerd_op, rij.review_reden = Status.gepubliceerd, _nu(), None
        s.add(rij)
        audit.schrijf(s, "casus_gepubliceerd", wie, onderwerp=ref,
                      details="anonimiteit gecontroleerd en bevestigd")


def stuur_terug(kb: Casusbank, ref: str, wie: Gebruiker, reden: str) -> None:
    """Back to concept, with the reason the author will read on the case."""
    wie.eis(Recht.reviewen, "casussen terugsturen")
    reden = reden.strip()
    if len(reden) < MIN_REDEN:
        raise ReviewFout(
            f"Schrijf de auteur in minstens {MIN_REDEN} tekens waarom de casus terug moet."
        )
    if get_guard().check_text(reden):
        raise ReviewFout("De reden bevat mogelijk persoonsgegevens; schrijf hem zonder.")
    with kb.session() as s:
        rij = _zichtbare_rij(s, ref, wie)
        if rij.status != Status.ter_review:
            raise ReviewFout(f"Casus '{ref}' staat niet ter review (status: {rij.status}).")
        rij.status, rij.review_reden = Status.concept, reden[:2000]
        s.add(rij)
        audit.schrijf(s, "casus_teruggestuurd", wie, onderwerp=ref)


@dataclass(frozen=True)
class Regel:
    """One line of a review queue or of 'mijn casussen'."""

    ref: str
    titel: str
    status: str
    auteur: str | None
    gewijzigd: datetime
    review_reden: str | None


def _regels(s: Session, stmt) -> list[Regel]:  # type: ignore[no-untyped-def]
    return [
        Regel(r.ref, r.titel, r.status, _naam(s, r.auteur_id), r.gewijzigd, r.review_reden)
        for r in s.exec(stmt)
    ]


def wachtrij(kb: Casusbank, wie: Gebruiker) -> list[Regel]:
    """Cases waiting for review, oldest first."""
    wie.eis(Recht.reviewen, "de reviewwachtrij bekijken")
    with kb.session() as s:
        stmt = (
            select(CasusRij)
            .where(CasusRij.status == Status.ter_review)
            .order_by(col(CasusRij.gewijzigd))
        )
        return _regels(s, stmt)


def mijn_casussen(kb: Casusbank, wie: Gebruiker) -> list[Regel]:
    """The cases `wie` wrote, unpublished first, newest first."""
    with kb.session() as s:
        stmt = (
            select(CasusRij)
            .where(CasusRij.auteur_id == wie.id)
            .order_by(col(CasusRij.status) == Status.gepubliceerd, col(CasusRij.gewijzigd).desc())
        )
        return _regels(s, stmt)
