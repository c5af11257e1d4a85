"""Browsing the knowledge base: a page of cases, a free-text filter and facet counts.

`/bladeren` and `GET /api/cases` both call `lijst`; the page adds `facetten`,
the number of cases per value of the fields officers narrow a list by. A facet
is counted under every filter except its own, so the other values of that
field stay visible and can be added (values of one field are alternatives).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import col, select

from kb.models import CasusRij, CasusWaarde, CommentaarRij
from kb.schema import Casus
from kb.service import Casusbank
from kb.store import (
    LIJST_FILTERS,
    SCALAIRE_FILTERS,
    Filters,
    apply_filters,
    naar_casus,
    volledig,
    zichtbaar,
)
from kb.toegang import Gebruiker
from kb.vocabulary import Status

# The fields /bladeren offers as facets, named as filters are named everywhere.
FACET_VELDEN: tuple[str, ...] = (
    "afweging.besluit",
    "route",
    "verzuim.soort",
    "leerling.onderwijs",
    "schooljaar",
    "themas",
)

# Texts the free-text filter looks in, besides the commentaar.
_TEKSTKOLOMMEN = (
    CasusRij.ref,
    CasusRij.titel,
    CasusRij.regio,
    CasusRij.beschrijving,
    CasusRij.toelichting,
    CasusRij.uitkomst_toelichting,
    CasusRij.lessen,
)


@dataclass
class Pagina:
    casussen: list[Casus]
    totaal: int
    limit: int
    offset: int
    # Ref -> review status (kb.vocabulary.Status): a list shows the viewer's own
    # unpublished cases among the published ones, and must say which they are.
    status: dict[str, str] = field(default_factory=dict)
    # How many of `totaal` are such unpublished cases of the viewer.
    ongepubliceerd: int = 0


def _met_tekst(stmt: Any, tekst: str) -> Any:
    """Every word of `tekst` must occur in one of the case's texts or comments (any case)."""
    for woord in tekst.split():
        patroon = f"%{woord}%"
        in_commentaar = select(CommentaarRij.casus_id).where(
            col(CommentaarRij.tekst).ilike(patroon)
        )
        stmt = stmt.where(
            or_(
                *(col(k).ilike(patroon) for k in _TEKSTKOLOMMEN),
                col(CasusRij.id).in_(in_commentaar),
            )
        )
    return stmt


def lijst(
    kb: Casusbank, filters: Filters | None = None, *, tekst: str = "", limit: int = 20,
    offset: int = 0, kijker: Gebruiker | None = None,
) -> Pagina:
    """One page of the cases `kijker` sees (kb.store.zichtbaar) matching the filters and
    the free text, ordered by ref."""
    with kb.session() as s:
        telling = zichtbaar(_met_tekst(
            apply_filters(select(func.count()).select_from(CasusRij), filters), tekst), kijker)
        totaal = int(s.exec(telling).one())
        # Without a viewer only published cases are visible: no second count needed.
        ongepubliceerd = (
            int(s.exec(telling.where(CasusRij.status != Status.gepubliceerd)).one())
            if kijker is not None
            else 0
        )
        stmt = volledig(
            zichtbaar(_met_tekst(apply_filters(select(CasusRij), filters), tekst), kijker)
        )
        rijen = s.exec(stmt.order_by(CasusRij.ref).offset(offset).limit(limit)).all()
        return Pagina([naar_casus(r) for r in rijen], totaal, limit, offset,
                      {r.ref: r.status for r in rijen}, ongepubliceerd)


def facetten(
    kb: Casusbank, filters: Filters | None = None, *, tekst: str = "",
    kijker: Gebruiker | None = None,
) -> dict[str, dict[str, int]]:
    """Per facet field: value -> number of matching cases, under all other filters."""
    filters = filters or Filters()
    result: dict[str, dict[str, int]] = {}
    with kb.session() as s:
        for veld in FACET_VELDEN:
            overige = Filters({k: v for k, v in filters.waarden.items() if k != veld})
            if veld in SCALAIRE_FILTERS:
                kolom = SCALAIRE_FILTERS[veld]
                stmt = select(kolom, func.count()).select_from(CasusRij)
            else:
                kolom = CasusWaarde.waarde
                stmt = (
                    select(kolom, func.count())
                    .select_from(CasusRij)
                    .join(CasusWaarde, col(CasusWaarde.casus_id) == CasusRij.id)
                    .where(CasusWaarde.veld == LIJST_FILTERS[veld])
                )
            stmt = zichtbaar(_met_tekst(apply_filters(stmt, overige), tekst), kijker)
            stmt = stmt.group_by(kolom)
            result[veld] = {str(w): int(n) for w, n in s.exec(stmt) if w is not None}
    return result
