"""Deciding on a precedent yourself, then comparing: shared by intervisie and leerpaden.

A participant or learner sees a published case without its decision, writes down
their own besluit, against whom a pv would go, the factors that weigh for them
and why (`Keuze`). `vergelijk` then sets that next to the officer's real
afweging in the CATO terms used everywhere else: the factors both named, the
factors the officer named and the learner missed, and the learner's extra ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from kb.models import CasusRij, CasusWaarde
from kb.schema import Casus
from kb.service import Casusbank
from kb.store import naar_casus, volledig, zichtbaar
from kb.vocabulary import FACTOR_BY_CODE, Besluit, PvTegen
from search.explain import vergelijk_factoren

MAX_MOTIVATIE = 2000
# A pv or a Halt referral is made against someone; the exchange format requires it too.
BESLUITEN_MET_PV_TEGEN = frozenset({Besluit.pv, Besluit.halt})


class KeuzeFout(ValueError):
    """The answer cannot be saved; the message says what to fix, in Dutch."""


@dataclass(frozen=True)
class Keuze:
    besluit: str
    pv_tegen: tuple[str, ...] = ()
    factoren: tuple[str, ...] = ()
    motivatie: str = ""

    @classmethod
    def maak(
        cls,
        besluit: str | None,
        pv_tegen: Iterable[str] = (),
        factoren: Iterable[str] = (),
        motivatie: str | None = "",
    ) -> Keuze:
        """Check an answer as a form sends it; lists keep the vocabulary's order."""
        if besluit not in set(Besluit):
            raise KeuzeFout("Kies een besluit: pv, Halt, geen pv of aangehouden.")
        tegen = set(pv_tegen) if besluit in BESLUITEN_MET_PV_TEGEN else set()
        if besluit in BESLUITEN_MET_PV_TEGEN and not tegen:
            wat = "het pv" if besluit == Besluit.pv else "de Halt-verwijzing"
            raise KeuzeFout(
                f"Kies tegen wie {wat} is: ouders, jongere of allebei (vink beide aan)."
            )
        if tegen - set(PvTegen):
            raise KeuzeFout("Pv tegen kan alleen 'ouders' of 'jongere' zijn.")
        onbekend = sorted(set(factoren) - set(FACTOR_BY_CODE))
        if onbekend:
            raise KeuzeFout(f"Onbekende factor: {', '.join(onbekend)}.")
        tekst = " ".join((motivatie or "").split())
        if not tekst:
            raise KeuzeFout("Schrijf in een paar woorden waarom u zo besluit.")
        if len(tekst) > MAX_MOTIVATIE:
            raise KeuzeFout(f"De motivatie is te lang: ten hoogste {MAX_MOTIVATIE} tekens.")
        gekozen = set(factoren)
        return cls(
            besluit=besluit,
            pv_tegen=tuple(p for p in PvTegen if p in tegen),
            factoren=tuple(f for f in FACTOR_BY_CODE if f in gekozen),
            motivatie=tekst,
        )

    @classmethod
    def uit_opslag(cls, besluit: str, pv_tegen: str, factoren: str, motivatie: str) -> Keuze:
        return cls(besluit, tuple(pv_tegen.split()), tuple(factoren.split()), motivatie)

    def opslag(self) -> dict[str, str]:
        """The columns of an answer row: lists as space-separated codes."""
        return {
            "besluit": self.besluit,
            "pv_tegen": " ".join(self.pv_tegen),
            "factoren": " ".join(self.factoren),
            "motivatie": self.motivatie,
        }


@dataclass(frozen=True)
class Vergelijking:
    """An answer next to the real afweging; factor lists are `factor_info` dicts."""

    zelfde_besluit: bool
    zelfde_pv_tegen: bool
    gedeeld: list[dict[str, str]]
    gemist: list[dict[str, str]]
    extra: list[dict[str, str]]

    @property
    def zelfde(self) -> bool:
        """The case's decision, against the same person(s): "pv tegen ouders" is not the
        decision of a case with a pv against the pupil."""
        return self.zelfde_besluit and self.zelfde_pv_tegen


def vergelijk(keuze: Keuze, casus: Casus) -> Vergelijking:
    echt = casus.afweging.factoren or []
    gedeeld, gemist = vergelijk_factoren(keuze.factoren, echt)
    _, extra = vergelijk_factoren(echt, keuze.factoren)
    return Vergelijking(
        zelfde_besluit=keuze.besluit == casus.afweging.besluit,
        zelfde_pv_tegen=set(keuze.pv_tegen) == set(casus.afweging.pv_tegen or []),
        gedeeld=gedeeld,
        gemist=gemist,
        extra=extra,
    )


def zonder_besluit(casus: Casus) -> dict[str, Any]:
    """What a participant sees before deciding: the situation, not what was decided.

    The title, route and interventions are left out: titles often name the decision
    ("pv tegen moeder"), the route follows from it, and interventions include what
    was started at the decision (Halt, raadsonderzoek).
    """
    data = casus.model_dump(mode="json")
    return {
        "schooljaar": data["schooljaar"],
        "regio": data["regio"],
        "beschrijving": data["beschrijving"],
        "leerling": data["leerling"],
        "verzuim": data["verzuim"],
        "problematiek": data["problematiek"] or [],
    }


def gepubliceerde_casussen(kb: Casusbank, refs: Iterable[str]) -> dict[str, Casus]:
    """The published cases among `refs` (concepts never appear in learning material)."""
    refs = list(refs)
    if not refs:
        return {}
    with kb.session() as s:
        stmt = volledig(zichtbaar(select(CasusRij).where(col(CasusRij.ref).in_(refs)), None))
        return {r.ref: naar_casus(r) for r in s.exec(stmt)}


def refs_met_thema(kb: Casusbank, thema: str) -> list[str]:
    """Refs of the published cases tagged with `thema`, in ref order."""
    with kb.session() as s:
        met_thema = select(CasusWaarde.casus_id).where(
            CasusWaarde.veld == "themas", CasusWaarde.waarde == thema
        )
        stmt = zichtbaar(select(CasusRij.ref).where(col(CasusRij.id).in_(met_thema)), None)
        return sorted(s.exec(stmt.order_by(CasusRij.ref)))
