"""Working with the chain partners: commentaar in the app, and asking a partner.

A keten account (OM, RvdK, Halt, jeugdreclassering) comments on a published
case as its own partij; editing keeps the earlier wording as a version. A
leerplicht officer can put their concept twijfelgeval to OM or RvdK as a
question; that partij's users see it among their open questions, and the
answer becomes `vooraf` commentaar on the case. Every text passes the
anonymity guard and the exchange format's rules for commentaar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlmodel import Session, col, select

from ingest.anonymity import get_guard
from kb import audit
from kb.models import CasusRij, CommentaarRij, CommentaarVersie, GebruikerRij, VraagRij, _nu
from kb.review import NietGevonden, ReviewFout, gevraagde_partijen
from kb.schema import Commentaar, veldfouten
from kb.service import Casusbank
from kb.store import get_row
from kb.toegang import VRAAG_PARTIJEN, Gebruiker, Geweigerd, Recht, mag_inzien
from kb.vocabulary import Status, label

MIN_VRAAG = 20


class OngeldigeInvoer(ValueError):
    """Refused input; `fouten` maps a form field to its Dutch messages."""

    def __init__(self, fouten: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {m}" for k, ms in fouten.items() for m in ms))
        self.fouten = fouten


def _controleer_commentaar(partij: str, oordeel: str, tekst: str, moment: str | None) -> None:
    fouten: dict[str, list[str]] = {}
    try:
        Commentaar.model_validate(
            {"partij": partij, "oordeel": oordeel, "tekst": tekst, "moment": moment or None}
        )
    except ValidationError as exc:
        for veld, melding in veldfouten(exc.errors()):
            fouten.setdefault(veld or "tekst", []).append(melding)
    for b in get_guard().check_text(tekst):
        fouten.setdefault("tekst", []).append(
            f"mogelijk persoonsgegevens: {b.label} '{b.tekst}'; schrijf het zonder"
        )
    if fouten:
        raise OngeldigeInvoer(fouten)


def _raak_aan(rij: CasusRij) -> None:
    # The case's texts changed (lexical search reads commentaar): the index sees a new stamp.
    rij.gewijzigd = _nu()


def voeg_toe(
    kb: Casusbank, ref: str, wie: Gebruiker, *, oordeel: str, tekst: str, moment: str | None
) -> int:
    """Commentaar of `wie`'s partij on a published case; returns its id."""
    wie.eis(Recht.commentaar, "commentaar geven")
    assert wie.partij is not None
    tekst = tekst.strip().replace("\r\n", "\n")
    _controleer_commentaar(wie.partij, oordeel, tekst, moment)
    with kb.session() as s:
        rij = get_row(s, ref)
        if rij is None or not mag_inzien(rij, wie, gevraagde_partijen(s, rij.id)):
            raise NietGevonden(ref)
        if rij.status != Status.gepubliceerd:
            raise ReviewFout(
                "Commentaar kan bij een gepubliceerde casus; op een concept antwoordt u "
                "via de vraag die u gesteld is."
            )
        c = CommentaarRij(
            casus_id=rij.id, partij=wie.partij, oordeel=oordeel, tekst=tekst,
            moment=moment or None, auteur_id=wie.id, gewijzigd=_nu(),
        )
        s.add(c)
        _raak_aan(rij)
        s.add(rij)
        s.flush()
        audit.schrijf(s, "commentaar_toegevoegd", wie, onderwerp=ref,
                      details=f"{wie.partij}, {oordeel}")
        commentaar_id = c.id
    kb.index.sync()
    assert commentaar_id is not None
    return commentaar_id


def wijzig(
    kb: Casusbank, commentaar_id: int, wie: Gebruiker, *, oordeel: str, tekst: str,
    moment: str | None,
) -> None:
    """Edit one's own commentaar; the previous wording is kept as a version."""
    wie.eis(Recht.commentaar, "commentaar wijzigen")
    tekst = tekst.strip().replace("\r\n", "\n")
    with kb.session() as s:
        c = s.get(CommentaarRij, commentaar_id)
        if c is None or c.auteur_id is None or c.auteur_id != wie.id:
            raise Geweigerd("U kunt alleen uw eigen commentaar wijzigen.")
        _controleer_commentaar(c.partij, oordeel, tekst, moment)
        s.add(
            CommentaarVersie(
                commentaar_id=c.id, versie=c.versie, oordeel=c.oordeel, moment=c.moment,
                tekst=c.tekst, geschreven=c.gewijzigd,
            )
        )
        c.oordeel, c.tekst, c.moment = oordeel, tekst, moment or None
        c.versie += 1
        c.gewijzigd = _nu()
        s.add(c)
        rij = s.get(CasusRij, c.casus_id)
        assert rij is not None
        _raak_aan(rij)
        s.add(rij)
        audit.schrijf(s, "commentaar_gewijzigd", wie, onderwerp=rij.ref,
                      details=f"versie {c.versie}")
    kb.index.sync()


@dataclass(frozen=True)
class AppCommentaar:
    """Commentaar written in the app, with who wrote it and its earlier versions."""

    id: int
    partij: str
    oordeel: str
    moment: str | None
    tekst: str
    auteur: str | None
    auteur_id: int | None
    versie: int
    gewijzigd: datetime | None
    eerdere: list[CommentaarVersie]


def bij_casus(kb: Casusbank, ref: str) -> list[AppCommentaar]:
    """App commentaar on a case (the caller has checked the viewer may see the case)."""
    with kb.session() as s:
        rij = get_row(s, ref)
        if rij is None:
            return []
        result = []
        for c in rij.commentaren:
            if c.auteur_id is None:
                continue
            auteur = s.get(GebruikerRij, c.auteur_id)
            eerdere = list(
                s.exec(
                    select(CommentaarVersie)
                    .where(CommentaarVersie.commentaar_id == c.id)
                    .order_by(col(CommentaarVersie.versie).desc())
                )
            )
            assert c.id is not None
            result.append(
                AppCommentaar(
                    c.id, c.partij, c.oordeel, c.moment, c.tekst, auteur.naam if auteur else None,
                    c.auteur_id, c.versie, c.gewijzigd, eerdere,
                )
            )
        return result


# --- asking a partner --------------------------------------------------------


@dataclass(frozen=True)
class Vraag:
    id: int
    ref: str
    titel: str
    partij: str
    tekst: str
    gesteld_door: str | None
    gesteld_op: datetime
    beantwoord_op: datetime | None
    antwoord: str | None
    antwoord_oordeel: str | None


def stel_vraag(kb: Casusbank, ref: str, wie: Gebruiker, *, partij: str, tekst: str) -> int:
    """The author puts their concept to OM or RvdK; returns the question's id."""
    wie.eis(Recht.schrijven, "een ketenpartner iets vragen")
    tekst = tekst.strip().replace("\r\n", "\n")
    fouten: dict[str, list[str]] = {}
    if partij not in VRAAG_PARTIJEN:
        namen = " of ".join(label("partij", p) for p in VRAAG_PARTIJEN)
        fouten["partij"] = [f"kies aan wie u het vraagt: {namen}"]
    if len(tekst) < MIN_VRAAG:
        fouten["tekst"] = [f"schrijf uw vraag in minstens {MIN_VRAAG} tekens"]
    elif len(tekst) > 4000:
        fouten["tekst"] = ["hoogstens 4000 tekens"]
    for b in get_guard().check_text(tekst):
        fouten.setdefault("tekst", []).append(
            f"mogelijk persoonsgegevens: {b.label} '{b.tekst}'; schrijf het zonder"
        )
    if fouten:
        raise OngeldigeInvoer(fouten)
    with kb.session() as s:
        rij = get_row(s, ref)
        if rij is None or not mag_inzien(rij, wie):
            raise NietGevonden(ref)
        if rij.auteur_id != wie.id:
            raise Geweigerd("Alleen de auteur van de casus legt hem voor aan een ketenpartner.")
        if rij.status == Status.gepubliceerd:
            raise ReviewFout(
                "Deze casus is al gepubliceerd; ketenpartners kunnen er gewoon commentaar "
                "op geven."
            )
        vraag = VraagRij(casus_id=rij.id, partij=partij, tekst=tekst, gesteld_door_id=wie.id)
        s.add(vraag)
        s.flush()
        audit.schrijf(s, "vraag_gesteld", wie, onderwerp=ref, details=f"aan {partij}")
        assert vraag.id is not None
        return vraag.id


def _vragen(s: Session, stmt) -> list[Vraag]:  # type: ignore[no-untyped-def]
    result = []
    for v, rij in s.exec(stmt):
        door = s.get(GebruikerRij, v.gesteld_door_id) if v.gesteld_door_id else None
        antwoord = s.get(CommentaarRij, v.commentaar_id) if v.commentaar_id else None
        result.append(
            Vraag(
                v.id, rij.ref, rij.titel, v.partij, v.tekst, door.naam if door else None,
                v.gesteld_op, v.beantwoord_op, antwoord.tekst if antwoord else None,
                antwoord.oordeel if antwoord else None,
            )
        )
    return result


def open_vragen(kb: Casusbank, wie: Gebruiker) -> list[Vraag]:
    """Unanswered questions to `wie`'s partij, oldest first."""
    wie.eis(Recht.commentaar, "vragen van leerplicht beantwoorden")
    with kb.session() as s:
        stmt = (
            select(VraagRij, CasusRij)
            .join(CasusRij, col(CasusRij.id) == VraagRij.casus_id)
            .where(VraagRij.partij == wie.partij, col(VraagRij.commentaar_id).is_(None))
            .order_by(col(VraagRij.gesteld_op))
        )
        return _vragen(s, stmt)


def vragen_bij(kb: Casusbank, ref: str, wie: Gebruiker) -> list[Vraag]:
    """Questions on a case: all for those who may work on it, the own partij's for keten."""
    with kb.session() as s:
        stmt = (
            select(VraagRij, CasusRij)
            .join(CasusRij, col(CasusRij.id) == VraagRij.casus_id)
            .where(CasusRij.ref == ref)
            .order_by(col(VraagRij.gesteld_op))
        )
        if wie.mag(Recht.commentaar):
            stmt = stmt.where(VraagRij.partij == wie.partij)
        return _vragen(s, stmt)


def beantwoord(kb: Casusbank, vraag_id: int, wie: Gebruiker, *, oordeel: str, tekst: str) -> None:
    """The partij's answer, stored as its `vooraf` commentaar on the case."""
    wie.eis(Recht.commentaar, "vragen beantwoorden")
    tekst = tekst.strip().replace("\r\n", "\n")
    with kb.session() as s:
        vraag = s.get(VraagRij, vraag_id)
        if vraag is None or vraag.partij != wie.partij:
            raise Geweigerd("Deze vraag is niet aan uw partij gesteld.")
        if vraag.commentaar_id is not None:
            raise ReviewFout("Deze vraag is al beantwoord.")
        _controleer_commentaar(vraag.partij, oordeel, tekst, "vooraf")
        rij = s.get(CasusRij, vraag.casus_id)
        assert rij is not None
        c = CommentaarRij(
            casus_id=rij.id, partij=vraag.partij, oordeel=oordeel, tekst=tekst, moment="vooraf",
            auteur_id=wie.id, gewijzigd=_nu(),
        )
        s.add(c)
        s.flush()
        vraag.commentaar_id, vraag.beantwoord_op = c.id, _nu()
        s.add(vraag)
        _raak_aan(rij)
        s.add(rij)
        audit.schrijf(s, "vraag_beantwoord", wie, onderwerp=rij.ref, details=oordeel)
    kb.index.sync()
