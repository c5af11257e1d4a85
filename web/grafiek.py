"""The small bar chart of the search summary: per decision, what followed.

One horizontal bar per besluit, as long as the number of similar cases with
that decision, split by what the absence did afterwards (verzuim_na). The
geometry is computed here so the template only draws rectangles; colours come
from CSS classes (no inline styles, ready for a strict Content-Security-Policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kb.vocabulary import LABELS, label

BESLUITEN = tuple(LABELS["besluit"])
VERZUIM_NA = ("gestopt", "verminderd", "onveranderd", "toegenomen", "onbekend")

LABEL_BREEDTE = 110
STAAF_BREEDTE = 200
RIJ_HOOGTE = 28
STAAF_HOOGTE = 18


@dataclass
class Segment:
    verzuim_na: str
    aantal: int
    x: float
    breedte: float


@dataclass
class Staaf:
    besluit: str
    label: str
    aantal: int
    y: int
    segmenten: list[Segment] = field(default_factory=list)
    eind_x: float = LABEL_BREEDTE

    @property
    def tekst_y(self) -> int:
        return self.y + STAAF_HOOGTE - 5


@dataclass
class Grafiek:
    staven: list[Staaf]
    breedte: int
    hoogte: int
    legenda: list[tuple[str, str]]


def staafdiagram(per_besluit: dict[str, dict[str, Any]]) -> Grafiek | None:
    """The chart for `samenvatting()["per_besluit"]`; None when there is nothing to draw."""
    if not per_besluit:
        return None
    hoogste = max(b["aantal"] for b in per_besluit.values())
    staven: list[Staaf] = []
    gebruikt: set[str] = set()
    for besluit in BESLUITEN:
        b = per_besluit.get(besluit)
        if not b:
            continue
        staaf = Staaf(besluit, label("besluit", besluit), b["aantal"], len(staven) * RIJ_HOOGTE)
        x = float(LABEL_BREEDTE)
        for na in VERZUIM_NA:
            n = b["verzuim_na"].get(na, 0)
            if n:
                breedte = STAAF_BREEDTE * n / hoogste
                staaf.segmenten.append(Segment(na, n, round(x, 1), round(breedte, 1)))
                gebruikt.add(na)
                x += breedte
        staaf.eind_x = round(x, 1)
        staven.append(staaf)
    legenda = [(na, label("verzuim_na", na)) for na in VERZUIM_NA if na in gebruikt]
    return Grafiek(
        staven, LABEL_BREEDTE + STAAF_BREEDTE + 30, len(staven) * RIJ_HOOGTE, legenda
    )
