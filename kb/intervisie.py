"""Intervisie sessions: a group decides on the same precedents, then sees what really happened.

A signed-in facilitator starts a session from one or more cases or from a
theme and gets a short code. Participants join with that code and a name or
nickname only; their browser keeps a random key (the database keeps its hash),
so no account is needed. Per round (one case) each participant records a
`Keuze`; the facilitator reveals the real afweging, and `telling` sets the
group's choices against it. The summary goes out as Markdown, CSV or a page.

Names live only in the session's own tables, never with a case; deleting a
session deletes its participants and answers. The audit log records starting,
closing, deleting and exporting a session under its code, never names or case text.

A case deleted during a session takes its round with it (ON DELETE CASCADE); a
case no longer published is not shown either. The session keeps the place of
such a round (`Ronde.weg`), so the facilitator can move on or close.
"""

from __future__ import annotations

import hashlib
import random
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ingest.anonymity import eis_anoniem
from kb import audit
from kb.db import bij_botsing_opnieuw
from kb.export_csv import csv_tekst
from kb.models import (
    CasusRij,
    GebruikerRij,
    IntervisieAntwoord,
    IntervisieDeelnemer,
    IntervisieRij,
    IntervisieRonde,
    _nu,
)
from kb.oefenen import Keuze, Vergelijking, gepubliceerde_casussen, refs_met_thema, vergelijk
from kb.schema import Casus
from kb.service import Casusbank
from kb.store import naar_casus
from kb.tijd import lokaal
from kb.toegang import Gebruiker, Geweigerd
from kb.vocabulary import FACTOR_BY_CODE, LABELS, Status, label
from search.explain import factor_info

# No 0/O, 1/I/L: the code is read aloud and typed from a projected slide.
CODE_TEKENS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTE = 6
MAX_NAAM = 40
# A session is a meeting: joining stays open for a day after the start. The six-character
# code is all a participant needs, so it must not stay valid for ever.
MEEDOEN_DUUR = timedelta(hours=24)
MAX_RONDES = 10
STANDAARD_RONDES_PER_THEMA = 3
VERWIJDERD = "Deze casus is inmiddels verwijderd."
NIET_GEPUBLICEERD = "Deze casus is op dit moment niet gepubliceerd."


class IntervisieFout(ValueError):
    """The session cannot do this now; the message says why, in Dutch."""


class OnbekendeSessie(LookupError):
    """No session with this code."""


def _hash(sleutel: str) -> str:
    return hashlib.sha256(sleutel.encode()).hexdigest()


def normaliseer_code(code: str) -> str:
    return "".join(code.split()).upper()


def _sessie_rij(s: Session, code: str) -> IntervisieRij:
    rij = s.exec(select(IntervisieRij).where(IntervisieRij.code == normaliseer_code(code))).first()
    if rij is None:
        raise OnbekendeSessie(
            f"Er is geen intervisiesessie met code '{code}'. Controleer de code bij de "
            "begeleider; een verwijderde sessie is er niet meer."
        )
    return rij


def _eis_begeleider(rij: IntervisieRij, wie: Gebruiker) -> None:
    if wie.id is None or rij.begeleider_id != wie.id:
        raise Geweigerd("Alleen de begeleider van deze sessie kan dit doen.")


# --- starting and steering ------------------------------------------------------------


def start(
    kb: Casusbank,
    begeleider: Gebruiker,
    *,
    refs: list[str] | None = None,
    thema: str | None = None,
    aantal: int = STANDAARD_RONDES_PER_THEMA,
    titel: str = "",
    kies: random.Random | None = None,
) -> str:
    """Start a session on the given published cases, or on `aantal` cases of a theme.

    Returns the join code. A theme's cases are drawn at random, so a group that
    meets again on the same theme gets other cases. Without a title the session is
    named after the theme or the date, never the refs: participants see the title,
    and so it must be anonymous (`Persoonsgegevens` otherwise).
    """
    refs = [r.strip() for r in (refs or []) if r.strip()]
    thema = (thema or "").strip() or None
    if not refs and not thema:
        raise IntervisieFout("Kies een casus (ref) of een thema om de sessie mee te beginnen.")
    if refs:
        gevonden = gepubliceerde_casussen(kb, refs)
        ontbreekt = [r for r in refs if r not in gevonden]
        if ontbreekt:
            raise IntervisieFout(
                f"Geen gepubliceerde casus met ref {', '.join(ontbreekt)}; alleen gepubliceerde "
                "casussen zijn te bespreken."
            )
        gekozen = list(dict.fromkeys(refs))
    else:
        assert thema is not None
        beschikbaar = refs_met_thema(kb, thema)
        if not beschikbaar:
            raise IntervisieFout(f"Er zijn geen gepubliceerde casussen met thema '{thema}'.")
        gekozen = (kies or random.Random()).sample(beschikbaar, min(aantal, len(beschikbaar)))
    if len(gekozen) > MAX_RONDES:
        raise IntervisieFout(f"Een sessie heeft ten hoogste {MAX_RONDES} casussen.")
    titel = " ".join(titel.split())[:120]
    # A session's own date ("Intervisie 12 maart") says nothing about a pupil.
    eis_anoniem("titel", titel, behalve=frozenset({"datum"}))
    titel = titel or (
        label("thema", thema) if thema and not refs else f"Sessie van {date.today():%d-%m-%Y}"
    )
    with kb.session() as s:
        ids = {
            ref: id_
            for ref, id_ in s.exec(
                select(CasusRij.ref, CasusRij.id).where(col(CasusRij.ref).in_(gekozen))
            )
        }
        code = _nieuwe_code(s)
        sessie = IntervisieRij(
            code=code,
            titel=titel,
            thema=thema if not refs else None,
            begeleider_id=begeleider.id,
            aantal_rondes=len(gekozen),
        )
        s.add(sessie)
        s.flush()
        assert sessie.id is not None
        for nr, ref in enumerate(gekozen, start=1):
            s.add(IntervisieRonde(intervisie_id=sessie.id, volgorde=nr, casus_id=ids[ref]))
        audit.schrijf(
            s,
            "intervisie_gestart",
            begeleider,
            onderwerp=code,
            details=(f"thema {sessie.thema}, " if sessie.thema else "") + ", ".join(gekozen),
        )
    return code


def _nieuwe_code(s: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_TEKENS) for _ in range(CODE_LENGTE))
        if s.exec(select(IntervisieRij.id).where(IntervisieRij.code == code)).first() is None:
            return code


def _huidige_ronde(s: Session, rij: IntervisieRij) -> IntervisieRonde | None:
    """The current round, or None when its case was deleted (and the round with it)."""
    return s.exec(
        select(IntervisieRonde).where(
            IntervisieRonde.intervisie_id == rij.id, IntervisieRonde.volgorde == rij.huidige_ronde
        )
    ).first()


def _weg(s: Session, ronde: IntervisieRonde | None) -> str | None:
    """Why a round's case cannot be shown (deleted, not published), or None if it can."""
    if ronde is None:
        return VERWIJDERD
    if s.exec(select(CasusRij.status).where(CasusRij.id == ronde.casus_id)).one() != (
        Status.gepubliceerd
    ):
        return NIET_GEPUBLICEERD
    return None


def _open_ronde(s: Session, rij: IntervisieRij) -> IntervisieRonde:
    """The current round, if its case can still be discussed."""
    ronde = _huidige_ronde(s, rij)
    weg = _weg(s, ronde)
    if weg:
        raise IntervisieFout(f"{weg} Ga naar de volgende casus of sluit de sessie af.")
    assert ronde is not None
    return ronde


def onthul(kb: Casusbank, code: str, wie: Gebruiker) -> None:
    with kb.session() as s:
        rij = _sessie_rij(s, code)
        _eis_begeleider(rij, wie)
        _open_ronde(s, rij).onthuld = True


def volgende(kb: Casusbank, code: str, wie: Gebruiker) -> None:
    """On to the next case; only after the current one has been revealed (or has gone)."""
    with kb.session() as s:
        rij = _sessie_rij(s, code)
        _eis_begeleider(rij, wie)
        ronde = _huidige_ronde(s, rij)
        if ronde is not None and not ronde.onthuld and _weg(s, ronde) is None:
            raise IntervisieFout("Onthul eerst het besluit van deze casus.")
        if rij.huidige_ronde >= _aantal_rondes(s, rij):
            raise IntervisieFout("Dit was de laatste casus van de sessie.")
        rij.huidige_ronde += 1


def sluit(kb: Casusbank, code: str, wie: Gebruiker) -> None:
    """End the session: nobody can join or answer any more.

    Rounds not revealed stay hidden: the verslag lists them as not discussed
    rather than showing a decision nobody talked about.
    """
    with kb.session() as s:
        rij = _sessie_rij(s, code)
        _eis_begeleider(rij, wie)
        rij.afgesloten = True
        audit.schrijf(s, "intervisie_afgesloten", wie, onderwerp=rij.code)


def verwijder(kb: Casusbank, code: str, wie: Gebruiker) -> None:
    """Delete the session with its participants' names and answers."""
    with kb.session() as s:
        rij = _sessie_rij(s, code)
        _eis_begeleider(rij, wie)
        deelnemers = len(
            s.exec(
                select(IntervisieDeelnemer.id).where(IntervisieDeelnemer.intervisie_id == rij.id)
            ).all()
        )
        audit.schrijf(
            s, "intervisie_verwijderd", wie, onderwerp=rij.code, details=f"deelnemers: {deelnemers}"
        )
        s.delete(rij)


def _aantal_rondes(s: Session, rij: IntervisieRij) -> int:
    """Rounds deleted with their case still count: they keep their place in the session."""
    hoogste = s.exec(
        select(func.max(IntervisieRonde.volgorde)).where(IntervisieRonde.intervisie_id == rij.id)
    ).one()
    return max(rij.aantal_rondes, hoogste or 0, rij.huidige_ronde)


# --- participants ---------------------------------------------------------------------


def doe_mee(kb: Casusbank, code: str, naam: str) -> str:
    """Join under a name or nickname; returns the key the participant's browser keeps."""
    naam = " ".join(naam.split())
    if not naam:
        raise IntervisieFout(
            "Vul een naam of bijnaam in; die zien alleen de groep en de begeleider."
        )
    if len(naam) > MAX_NAAM:
        raise IntervisieFout(f"Een naam heeft ten hoogste {MAX_NAAM} tekens.")
    sleutel = secrets.token_urlsafe(32)
    try:
        _voeg_deelnemer_toe(kb, code, naam, sleutel)
    except IntegrityError as exc:  # the same name joined at the same instant
        raise IntervisieFout(
            f"De naam '{naam}' is in deze sessie al gekozen; kies een andere."
        ) from exc
    return sleutel


def _voeg_deelnemer_toe(kb: Casusbank, code: str, naam: str, sleutel: str) -> None:
    with kb.session() as s:
        rij = _sessie_rij(s, code)
        if rij.afgesloten:
            raise IntervisieFout("Deze sessie is afgesloten; meedoen kan niet meer.")
        if _nu() - rij.aangemaakt > MEEDOEN_DUUR:
            raise IntervisieFout(
                "Deze sessie is meer dan een dag geleden gestart; nieuwe deelnemers kunnen "
                "niet meer meedoen. Vraag de begeleider om een nieuwe sessie."
            )
        namen = s.exec(
            select(IntervisieDeelnemer.naam).where(IntervisieDeelnemer.intervisie_id == rij.id)
        ).all()
        if naam.casefold() in {n.casefold() for n in namen}:
            raise IntervisieFout(f"De naam '{naam}' is in deze sessie al gekozen; kies een andere.")
        assert rij.id is not None
        s.add(IntervisieDeelnemer(intervisie_id=rij.id, naam=naam, sleutel_hash=_hash(sleutel)))


@dataclass(frozen=True)
class Deelnemer:
    id: int
    naam: str


def deelnemer(kb: Casusbank, code: str, sleutel: str | None) -> Deelnemer | None:
    """The participant whose browser holds `sleutel`, if it belongs to this session."""
    if not sleutel:
        return None
    with kb.session() as s:
        rij = _sessie_rij(s, code)
        d = s.exec(
            select(IntervisieDeelnemer).where(
                IntervisieDeelnemer.sleutel_hash == _hash(sleutel),
                IntervisieDeelnemer.intervisie_id == rij.id,
            )
        ).first()
        return Deelnemer(d.id, d.naam) if d and d.id is not None else None


def antwoord(
    kb: Casusbank, code: str, wie: Deelnemer, keuze: Keuze, *, voor_casus: int | None = None
) -> None:
    """Record or change the participant's answer to the current case, until the reveal.

    The group, the facilitator and the verslag see the motivation, so one with personal
    data is refused (`Persoonsgegevens`). `voor_casus` is the number of the case the
    answer was written for (the form carries it): when the facilitator has moved on in
    the meantime, the answer is refused rather than counted for a case its writer never
    saw.
    """
    eis_anoniem("motivatie", keuze.motivatie)

    def schrijf() -> None:
        with kb.session() as s:
            rij = _sessie_rij(s, code)
            if rij.afgesloten:
                raise IntervisieFout("Deze sessie is afgesloten; antwoorden kan niet meer.")
            if voor_casus is not None and voor_casus != rij.huidige_ronde:
                raise IntervisieFout(
                    f"Uw antwoord was voor casus {voor_casus}, maar de begeleider is al naar "
                    f"casus {rij.huidige_ronde} gegaan; het telt niet mee."
                )
            ronde = _open_ronde(s, rij)
            if ronde.onthuld:
                raise IntervisieFout(
                    "Het besluit van deze casus is al onthuld; uw antwoord telt niet meer mee."
                )
            bestaand = s.exec(
                select(IntervisieAntwoord).where(
                    IntervisieAntwoord.ronde_id == ronde.id,
                    IntervisieAntwoord.deelnemer_id == wie.id,
                )
            ).first()
            assert ronde.id is not None
            if bestaand is None:
                bestaand = IntervisieAntwoord(ronde_id=ronde.id, deelnemer_id=wie.id, besluit="")
            for veld, waarde in keuze.opslag().items():
                setattr(bestaand, veld, waarde)
            bestaand.gewijzigd = _nu()
            s.add(bestaand)

    bij_botsing_opnieuw(schrijf)


# --- reading a session ----------------------------------------------------------------


@dataclass
class Antwoord:
    naam: str
    keuze: Keuze
    vergelijking: Vergelijking


@dataclass
class Telling:
    """The group against the real afweging, for the reveal and the summary."""

    aantal: int
    per_besluit: list[tuple[str, int, bool]]  # besluit, count, is the real decision
    zelfde_besluit: int  # the case's decision, against the same person(s)
    ander_tegen: int  # the case's decision (pv or Halt), but against someone else
    pv_tegen: list[tuple[str, int]]
    factoren: list[tuple[dict[str, str], int, bool]]  # factor_info, named by, in the case
    door_niemand_genoemd: list[dict[str, str]]

    @property
    def zin(self) -> str:
        """'2 van 3 kozen het besluit uit de casus; 1 koos het, maar tegen iemand anders'."""

        def kozen(n: int) -> str:
            return "koos" if n == 1 else "kozen"

        zin = (
            f"{self.zelfde_besluit} van {self.aantal} {kozen(self.aantal)} het besluit uit de casus"
        )
        if self.ander_tegen:
            zin += f"; {self.ander_tegen} {kozen(self.ander_tegen)} het, maar tegen iemand anders"
        return zin


@dataclass
class Ronde:
    """One case of the session; `weg` says why it cannot be shown (then `casus` is None)."""

    volgorde: int
    casus: Casus | None
    onthuld: bool
    antwoorden: list[Antwoord]
    telling: Telling | None
    weg: str | None = None
    ref: str | None = None  # kept for a case that is no longer published, for the verslag

    @property
    def besproken(self) -> bool:
        return self.onthuld and self.casus is not None


@dataclass
class Stand:
    """A session as every page of it needs it."""

    code: str
    titel: str
    thema: str | None
    begeleider: str | None
    begeleider_id: int | None
    aangemaakt: datetime
    afgesloten: bool
    huidige: int
    rondes: list[Ronde]
    deelnemers: list[Deelnemer] = field(default_factory=list)

    @property
    def ronde(self) -> Ronde:
        return self.rondes[self.huidige - 1]

    @property
    def laatste(self) -> bool:
        return self.huidige == len(self.rondes)

    @property
    def beantwoord(self) -> set[str]:
        """Names of the participants who answered the current case."""
        return {a.naam for a in self.ronde.antwoorden}

    @property
    def niet_besproken(self) -> str:
        """What the verslag says of a round whose decision was never revealed."""
        return "Niet besproken." if self.afgesloten else "Nog niet besproken."

    @property
    def versie(self) -> str:
        """Changes when participants must see another screen (next case, reveal, end)."""
        return (
            f"{self.huidige}-{int(self.ronde.onthuld)}-{int(self.afgesloten)}"
            f"-{int(self.ronde.weg is not None)}"
        )


def telling(casus: Casus, antwoorden: list[Antwoord]) -> Telling:
    echt = casus.afweging
    besluiten = Counter(a.keuze.besluit for a in antwoorden)
    tegen = Counter(p for a in antwoorden for p in a.keuze.pv_tegen)
    genoemd = Counter(f for a in antwoorden for f in a.keuze.factoren)
    in_casus = set(echt.factoren or [])
    return Telling(
        aantal=len(antwoorden),
        per_besluit=[(b, besluiten[b], b == echt.besluit) for b in LABELS["besluit"]],
        zelfde_besluit=sum(1 for a in antwoorden if a.vergelijking.zelfde),
        ander_tegen=sum(
            1 for a in antwoorden if a.vergelijking.zelfde_besluit and not a.vergelijking.zelfde
        ),
        pv_tegen=[(p, tegen[p]) for p in LABELS["pv_tegen"] if tegen[p]],
        factoren=[
            (factor_info(code), genoemd[code], code in in_casus)
            for code in FACTOR_BY_CODE
            if genoemd[code] or code in in_casus
        ],
        door_niemand_genoemd=[
            factor_info(c) for c in FACTOR_BY_CODE if c in in_casus and not genoemd[c]
        ],
    )


def stand(kb: Casusbank, code: str) -> Stand:
    with kb.session() as s:
        rij = _sessie_rij(s, code)
        begeleider = s.get(GebruikerRij, rij.begeleider_id) if rij.begeleider_id else None
        deelnemers = s.exec(
            select(IntervisieDeelnemer)
            .where(IntervisieDeelnemer.intervisie_id == rij.id)
            .order_by(col(IntervisieDeelnemer.id))
        ).all()
        namen = {d.id: d.naam for d in deelnemers}
        per_volgorde = {
            r.volgorde: r
            for r in s.exec(select(IntervisieRonde).where(IntervisieRonde.intervisie_id == rij.id))
        }
        rondes = []
        for nr in range(1, _aantal_rondes(s, rij) + 1):
            r = per_volgorde.get(nr)
            weg = _weg(s, r)
            if weg or r is None:
                ref = s.get_one(CasusRij, r.casus_id).ref if r else None
                rondes.append(Ronde(nr, None, bool(r and r.onthuld), [], None, weg, ref))
                continue
            casus = naar_casus(s.get_one(CasusRij, r.casus_id))
            antwoorden = [
                Antwoord(namen[a.deelnemer_id], k, vergelijk(k, casus))
                for a in s.exec(
                    select(IntervisieAntwoord)
                    .where(IntervisieAntwoord.ronde_id == r.id)
                    .order_by(col(IntervisieAntwoord.deelnemer_id))
                )
                for k in [Keuze.uit_opslag(a.besluit, a.pv_tegen, a.factoren, a.motivatie)]
            ]
            rondes.append(
                Ronde(
                    r.volgorde,
                    casus,
                    r.onthuld,
                    antwoorden,
                    telling(casus, antwoorden),
                    ref=casus.ref,
                )
            )
        return Stand(
            code=rij.code,
            titel=rij.titel,
            thema=rij.thema,
            begeleider=begeleider.naam if begeleider else None,
            begeleider_id=rij.begeleider_id,
            aangemaakt=rij.aangemaakt,
            afgesloten=rij.afgesloten,
            huidige=rij.huidige_ronde,
            rondes=rondes,
            deelnemers=[Deelnemer(d.id, d.naam) for d in deelnemers if d.id is not None],
        )


def begeleid(kb: Casusbank, code: str, wie: Gebruiker) -> Stand:
    """The session for its facilitator's pages; anyone else is refused."""
    st = stand(kb, code)
    if wie.id is None or st.begeleider_id != wie.id:
        raise Geweigerd("Alleen de begeleider van deze sessie ziet deze pagina.")
    return st


def eigen_antwoord(st: Stand, wie: Deelnemer) -> Antwoord | None:
    return next((a for a in st.ronde.antwoorden if a.naam == wie.naam), None)


@dataclass(frozen=True)
class SessieRegel:
    code: str
    titel: str
    aangemaakt: datetime
    afgesloten: bool
    deelnemers: int


def mijn_sessies(kb: Casusbank, wie: Gebruiker) -> list[SessieRegel]:
    """The sessions `wie` facilitates, newest first."""
    with kb.session() as s:
        rijen = s.exec(
            select(IntervisieRij)
            .where(IntervisieRij.begeleider_id == wie.id)
            .order_by(col(IntervisieRij.aangemaakt).desc(), col(IntervisieRij.id).desc())
        ).all()
        return [
            SessieRegel(
                r.code,
                r.titel,
                r.aangemaakt,
                r.afgesloten,
                len(
                    s.exec(
                        select(IntervisieDeelnemer.id).where(
                            IntervisieDeelnemer.intervisie_id == r.id
                        )
                    ).all()
                ),
            )
            for r in rijen
        ]


# --- export ----------------------------------------------------------------------------

CSV_KOLOMMEN = (
    "Sessie",
    "Casus nr",
    "Ref",
    "Titel",
    "Besluit in de casus",
    "Pv tegen in de casus",
    "Deelnemer",
    "Besluit deelnemer",
    "Pv tegen deelnemer",
    "Zelfde besluit",
    "Factoren deelnemer",
    "Gedeelde factoren",
    "Gemiste factoren",
    "Motivatie",
)


def _labels(soort: str, codes: list[str] | tuple[str, ...] | None) -> str:
    return ", ".join(label(soort, c) for c in codes or [])


def _namen(factoren: list[dict[str, str]]) -> str:
    return ", ".join(f["label"] for f in factoren)


def als_csv(st: Stand) -> str:
    """One row per answer, discussed rounds only: the decision of a hidden round stays hidden."""
    rijen = []
    for r in st.rondes:
        if not r.besproken:
            continue
        assert r.casus is not None
        a_echt = r.casus.afweging
        for a in r.antwoorden:
            rijen.append(
                [
                    st.code,
                    r.volgorde,
                    r.casus.ref,
                    r.casus.titel,
                    label("besluit", a_echt.besluit),
                    _labels("pv_tegen", a_echt.pv_tegen),
                    a.naam,
                    label("besluit", a.keuze.besluit),
                    _labels("pv_tegen", a.keuze.pv_tegen),
                    "ja" if a.vergelijking.zelfde else "nee",
                    _labels("factor", a.keuze.factoren),
                    _namen(a.vergelijking.gedeeld),
                    _namen(a.vergelijking.gemist),
                    a.keuze.motivatie,
                ]
            )
    return csv_tekst(CSV_KOLOMMEN, rijen)


# Characters that make Markdown markup (emphasis, links, code, tables, headings).
_MD_TEKENS = re.compile(r"([\\`*_\[\]|~#])")
_MD_REGELBEGIN = re.compile(r"^(\d+)([.)])|^([-+=])")


def _md(tekst: str | None) -> str:
    """Typed text (names, titles, motivations) and case text as literal text in Markdown.

    One line; Markdown punctuation backslash-escaped; `<` and `>` as entities, which
    every renderer shows as text, so a name like `<img onerror=...>` never becomes HTML.
    """
    tekst = " ".join((tekst or "").split())
    tekst = _MD_TEKENS.sub(r"\\\1", tekst).replace("<", "&lt;").replace(">", "&gt;")
    return _MD_REGELBEGIN.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", tekst)


def _besluit(besluit: str, pv_tegen: list[str] | tuple[str, ...] | None) -> str:
    tegen = " en ".join(label("pv_tegen", p) for p in pv_tegen or [])
    return label("besluit", besluit) + (f" tegen {tegen}" if tegen else "")


def als_markdown(st: Stand) -> str:
    """The verslag of the session: per discussed case the group's choices and the real afweging."""
    regels = [
        f"# Intervisie: {_md(st.titel)}",
        "",
        f"Code {st.code} · {lokaal(st.aangemaakt, '%d-%m-%Y')}"
        + (f" · begeleider {_md(st.begeleider)}" if st.begeleider else "")
        + f" · {len(st.deelnemers)} {'deelnemer' if len(st.deelnemers) == 1 else 'deelnemers'}",
    ]
    for r in st.rondes:
        c, t = r.casus, r.telling
        if c is None or t is None or not r.onthuld:
            # No title: titles often name the decision, and this one was never revealed.
            regels += [
                "",
                f"## Casus {r.volgorde}" + (f" ({r.ref})" if r.ref else ""),
                "",
                r.weg or st.niet_besproken,
            ]
            continue
        regels += ["", f"## Casus {r.volgorde}: {_md(c.titel)} ({c.ref})", ""]
        regels += [
            f"**Besluit in de casus:** {_besluit(c.afweging.besluit, c.afweging.pv_tegen)}",
            "",
            "**Keuzes van de groep:** "
            + (
                " · ".join(f"{label('besluit', b)} {n}" for b, n, _ in t.per_besluit if n)
                or "geen antwoorden"
            )
            + f" ({t.zin})",
            "",
            "**Factoren in de casus:** "
            + (", ".join(f"{f['label']} ({n}×)" for f, n, echt in t.factoren if echt) or "geen"),
            "",
            "**Door niemand genoemd:** " + (_namen(t.door_niemand_genoemd) or "geen"),
            "",
            "**Genoemd maar niet in de casus:** "
            + (
                ", ".join(f"{f['label']} ({n}×)" for f, n, echt in t.factoren if not echt) or "geen"
            ),
            "",
            "### Antwoorden",
            "",
            "| Deelnemer | Besluit | Factoren | Motivatie |",
            "|---|---|---|---|",
        ]
        regels += [
            f"| {_md(a.naam)} | {_besluit(a.keuze.besluit, a.keuze.pv_tegen)} | "
            f"{_labels('factor', a.keuze.factoren)} | {_md(a.keuze.motivatie)} |"
            for a in r.antwoorden
        ]
        regels += [
            "",
            "### Toelichting van de leerplichtambtenaar",
            "",
            _md(c.afweging.toelichting),
        ]
        if c.commentaar:
            regels += ["", "### Commentaar uit de keten", ""]
            regels += [
                f"- {label('partij', k.partij)} ({label('oordeel', k.oordeel)}"
                + (f", {k.moment}" if k.moment else "")
                + f"): {_md(k.tekst)}"
                for k in c.commentaar
            ]
        if c.uitkomst:
            u = c.uitkomst
            regels += ["", "### Uitkomst", ""]
            if u.maatregelen:
                regels.append(f"- Maatregelen: {_labels('maatregel', u.maatregelen)}")
            if u.verzuim_na:
                regels.append(f"- Verzuim daarna: {label('verzuim_na', u.verzuim_na)}")
            if u.onderwijs_na:
                regels.append(f"- Onderwijs daarna: {label('onderwijs_na', u.onderwijs_na)}")
            if u.toelichting:
                regels.append(f"- {_md(u.toelichting)}")
        if c.lessen:
            regels += ["", "### Lessen", "", _md(c.lessen)]
    return "\n".join(regels) + "\n"


EXPORTFORMATEN = {"md": ("Markdown", als_markdown), "csv": ("CSV", als_csv)}


def exporteer(kb: Casusbank, code: str, wie: Gebruiker, formaat: str) -> str:
    """The verslag as Markdown ("md") or the answers as CSV ("csv"), for the facilitator.

    Both hold participants' names, so every export goes into the audit log.
    """
    naam, maak = EXPORTFORMATEN[formaat]
    st = begeleid(kb, code, wie)
    tekst = maak(st)
    with kb.session() as s:
        audit.schrijf(s, "intervisie_geexporteerd", wie, onderwerp=st.code, details=naam)
    return tekst
