"""Leerpaden: ordered sets of published cases on a theme, for new consulenten.

A leerpad is a YAML file in `seeds/leerpaden/` (next to the seed cases and read
from the same `seeds_dir`): a name for the URL, a title, an introduction and
steps, each a case ref with a reflection question. The learner first writes
what they would decide and why (`kb.oefenen.Keuze`), then sees the real
decision, the commentary, the outcome and the factors they missed. Answers are
kept per account, so progress follows the learner to another computer.

Only published cases are shown: a step whose case is (no longer) published is
left out of the path rather than shown half. The result (page and CSV) shows a
step's case and decision only once the learner has answered it: first decide,
then see. Answers and restarts go into the audit log under the path's name and
the step number, never the answer itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import delete
from sqlmodel import col, select

from ingest.anonymity import eis_anoniem
from kb import audit
from kb.db import bij_botsing_opnieuw
from kb.export_csv import csv_tekst
from kb.models import LeerpadAntwoord, _nu
from kb.oefenen import Keuze, Vergelijking, gepubliceerde_casussen, vergelijk
from kb.schema import REF_PATTERN, Casus
from kb.service import Casusbank
from kb.toegang import Gebruiker
from kb.vocabulary import label

MAP = "leerpaden"


class LeerpadFout(ValueError):
    """A leerpad file is wrong; the message names the file and the field."""


class OnbekendLeerpad(LookupError):
    """No leerpad or step by that name or number."""


class _Strikt(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Stap(_Strikt):
    ref: str = Field(pattern=REF_PATTERN)
    vraag: str = Field(min_length=10, max_length=1000)


class Leerpad(_Strikt):
    naam: str = Field(pattern=r"^[a-z0-9-]{3,64}$")
    titel: str = Field(min_length=3, max_length=120)
    volgorde: int = 100
    inleiding: str = Field(min_length=20, max_length=3000)
    stappen: tuple[Stap, ...] = Field(min_length=1, max_length=30)


def laad(map_: Path) -> list[Leerpad]:
    """All leerpaden in a folder, in their `volgorde`; every file must be right."""
    paden: list[Leerpad] = []
    fouten: list[str] = []
    for bestand in sorted(map_.glob("*.y*ml")):
        try:
            data = yaml.safe_load(bestand.read_text(encoding="utf-8"))
            paden.append(Leerpad.model_validate(data))
        except yaml.YAMLError as exc:
            fouten.append(f"{bestand.name}: geen geldige YAML ({exc})")
        except ValidationError as exc:
            for e in exc.errors():
                veld = ".".join(str(d) for d in e["loc"]) or "leerpad"
                fouten.append(f"{bestand.name}: {veld}: {e['msg']}")
    namen = [p.naam for p in paden]
    fouten += [
        f"leerpad '{n}' komt meer dan eens voor" for n in sorted(set(namen)) if namen.count(n) > 1
    ]
    if fouten:
        raise LeerpadFout("; ".join(fouten))
    return sorted(paden, key=lambda p: (p.volgorde, p.titel))


def alle(kb: Casusbank) -> list[Leerpad]:
    return laad(kb.settings.seeds_dir / MAP)


def zoek_leerpad(kb: Casusbank, naam: str) -> Leerpad:
    for pad in alle(kb):
        if pad.naam == naam:
            return pad
    raise OnbekendLeerpad(f"Er is geen leerpad '{naam}'. Kies er een op /leerpad.")


def niet_gepubliceerd(kb: Casusbank, paden: list[Leerpad]) -> list[str]:
    """'leerpad: ref' for every step whose case is not a published case (for checks)."""
    refs = {s.ref for p in paden for s in p.stappen}
    gevonden = gepubliceerde_casussen(kb, refs)
    return [f"{p.naam}: {s.ref}" for p in paden for s in p.stappen if s.ref not in gevonden]


# --- a learner on a path ---------------------------------------------------------------


@dataclass
class StapStand:
    nr: int
    vraag: str
    casus: Casus
    keuze: Keuze | None
    vergelijking: Vergelijking | None
    # The first decision (besluit and against whom), made before the case's was shown.
    eerste: Keuze | None = None

    @property
    def gewijzigd(self) -> bool:
        """The learner changed the decision after seeing the case's."""
        return (
            self.keuze is not None
            and self.eerste is not None
            and (self.eerste.besluit, set(self.eerste.pv_tegen))
            != (self.keuze.besluit, set(self.keuze.pv_tegen))
        )

    @property
    def eerst_zelfde(self) -> bool:
        """The first decision was the case's, against the same person(s): what counts,
        since a decision changed after the reveal is no judgement of one's own."""
        return self.eerste is not None and vergelijk(self.eerste, self.casus).zelfde


@dataclass
class Voortgang:
    leerpad: Leerpad
    stappen: list[StapStand]

    @property
    def beantwoord(self) -> int:
        return sum(1 for s in self.stappen if s.keuze is not None)

    @property
    def eerst_zelfde(self) -> int:
        """Steps whose first decision was the case's."""
        return sum(1 for s in self.stappen if s.eerst_zelfde)

    @property
    def klaar(self) -> bool:
        return self.beantwoord == len(self.stappen)

    @property
    def volgende_nr(self) -> int:
        """The first step without an answer (the last one when all are done)."""
        return next((s.nr for s in self.stappen if s.keuze is None), len(self.stappen))

    def stap(self, nr: int) -> StapStand:
        if not 1 <= nr <= len(self.stappen):
            raise OnbekendLeerpad(
                f"Leerpad '{self.leerpad.titel}' heeft stap 1 tot en met {len(self.stappen)}."
            )
        return self.stappen[nr - 1]


def _antwoorden(kb: Casusbank, wie: Gebruiker, naam: str) -> dict[str, tuple[Keuze, Keuze]]:
    """Per ref: the answer as it stands, and the first decision (besluit, against whom)."""
    with kb.session() as s:
        rijen = s.exec(
            select(LeerpadAntwoord).where(
                LeerpadAntwoord.gebruiker_id == wie.id, LeerpadAntwoord.leerpad == naam
            )
        ).all()
        return {
            r.ref: (
                Keuze.uit_opslag(r.besluit, r.pv_tegen, r.factoren, r.motivatie),
                # Every row has its first decision: set on insert, backfilled by 0006.
                Keuze.uit_opslag(r.eerste_besluit, r.eerste_pv_tegen, r.factoren, r.motivatie),
            )
            for r in rijen
        }


def voortgang(kb: Casusbank, wie: Gebruiker, pad: Leerpad) -> Voortgang:
    casussen = gepubliceerde_casussen(kb, [s.ref for s in pad.stappen])
    antwoorden = _antwoorden(kb, wie, pad.naam)
    stappen = []
    for stap in (s for s in pad.stappen if s.ref in casussen):
        casus = casussen[stap.ref]
        keuze, eerste = antwoorden.get(stap.ref, (None, None))
        stappen.append(
            StapStand(
                len(stappen) + 1,
                stap.vraag,
                casus,
                keuze,
                vergelijk(keuze, casus) if keuze else None,
                eerste,
            )
        )
    return Voortgang(pad, stappen)


def overzicht(kb: Casusbank, wie: Gebruiker) -> list[Voortgang]:
    return [voortgang(kb, wie, pad) for pad in alle(kb)]


def beantwoord(kb: Casusbank, wie: Gebruiker, pad: Leerpad, nr: int, keuze: Keuze) -> None:
    """Save the learner's answer to step `nr` (answering again replaces it, but the
    first decision is kept: it is what the result counts).

    A motivation with personal data is refused (`Persoonsgegevens`): it is stored,
    shown and exported like everything else in the knowledge base.
    """
    eis_anoniem("motivatie", keuze.motivatie)
    stap = voortgang(kb, wie, pad).stap(nr)

    def schrijf() -> None:
        with kb.session() as s:
            rij = s.exec(
                select(LeerpadAntwoord).where(
                    LeerpadAntwoord.gebruiker_id == wie.id,
                    LeerpadAntwoord.leerpad == pad.naam,
                    LeerpadAntwoord.ref == stap.casus.ref,
                )
            ).first()
            if rij is None:
                assert wie.id is not None, "progress is kept per account"
                rij = LeerpadAntwoord(
                    gebruiker_id=wie.id, leerpad=pad.naam, ref=stap.casus.ref, besluit=""
                )
            if not rij.eerste_besluit:
                opslag = keuze.opslag()
                rij.eerste_besluit, rij.eerste_pv_tegen = opslag["besluit"], opslag["pv_tegen"]
            for veld, waarde in keuze.opslag().items():
                setattr(rij, veld, waarde)
            rij.beantwoord = _nu()
            s.add(rij)
            audit.schrijf(s, "leerpad_antwoord", wie, onderwerp=f"{pad.naam} stap {nr}")

    bij_botsing_opnieuw(schrijf)


def opnieuw(kb: Casusbank, wie: Gebruiker, pad: Leerpad) -> None:
    """Forget the learner's answers on this path, to walk it again."""
    with kb.session() as s:
        gewist = s.exec(
            delete(LeerpadAntwoord).where(
                col(LeerpadAntwoord.gebruiker_id) == wie.id,
                col(LeerpadAntwoord.leerpad) == pad.naam,
            )
        ).rowcount
        audit.schrijf(
            s, "leerpad_opnieuw", wie, onderwerp=pad.naam, details=f"{gewist} antwoorden gewist"
        )


CSV_KOLOMMEN = (
    "Leerpad",
    "Stap",
    "Ref",
    "Titel",
    "Reflectievraag",
    "Mijn eerste besluit",
    "Mijn eerste pv tegen",
    "Mijn besluit",
    "Mijn pv tegen",
    "Besluit in de casus",
    "Pv tegen in de casus",
    "Zelfde besluit",
    "Mijn factoren",
    "Gedeelde factoren",
    "Gemiste factoren",
    "Mijn motivatie",
)


NIET_BEANTWOORD = "nog niet beantwoord"


def als_csv(v: Voortgang) -> str:
    """The learner's result, one row per step; an unanswered step without its case."""

    def labels(soort: str, codes: tuple[str, ...] | list[str] | None) -> str:
        return ", ".join(label(soort, c) for c in codes or [])

    rijen = []
    for s in v.stappen:
        k, vg = s.keuze, s.vergelijking
        if k is None or vg is None:
            rijen.append(
                [
                    v.leerpad.titel,
                    s.nr,
                    "",
                    "",
                    s.vraag,
                    NIET_BEANTWOORD,
                    "",
                    NIET_BEANTWOORD,
                    *[""] * (len(CSV_KOLOMMEN) - 8),
                ]
            )
            continue
        a = s.casus.afweging
        eerste = s.eerste or k
        rijen.append(
            [
                v.leerpad.titel,
                s.nr,
                s.casus.ref,
                s.casus.titel,
                s.vraag,
                label("besluit", eerste.besluit),
                labels("pv_tegen", eerste.pv_tegen),
                label("besluit", k.besluit),
                labels("pv_tegen", k.pv_tegen),
                label("besluit", a.besluit),
                labels("pv_tegen", a.pv_tegen),
                "ja" if s.eerst_zelfde else "nee",
                labels("factor", k.factoren),
                ", ".join(f["label"] for f in vg.gedeeld),
                ", ".join(f["label"] for f in vg.gemist),
                k.motivatie,
            ]
        )
    return csv_tekst(CSV_KOLOMMEN, rijen)
