"""Service functions over stored cases: save, read, filter, delete, export.

The CLI, the web pages and the JSON API all call these; none of them touches
the tables directly. Conversion between the exchange format (`kb.schema.Casus`)
and the flat rows (`kb.models`) happens only here, in `_naar_rij` and
`naar_casus`, so the two can never drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from kb.models import LIJSTVELDEN, CasusRij, CasusWaarde, CommentaarRij, _nu
from kb.schema import Casus, naar_uitwisseling
from kb.toegang import Gebruiker
from kb.vocabulary import LABELS, Status

# Scalar filters: name as users write it -> column.
SCALAIRE_FILTERS: dict[str, Any] = {
    "ref": CasusRij.ref,
    "schooljaar": CasusRij.schooljaar,
    "regio": CasusRij.regio,
    "bron": CasusRij.bron,
    "leerling.geslacht": CasusRij.geslacht,
    "leerling.onderwijs": CasusRij.onderwijs,
    "leerling.gezinssituatie": CasusRij.gezinssituatie,
    "verzuim.soort": CasusRij.verzuim_soort,
    "route": CasusRij.route,
    "afweging.besluit": CasusRij.besluit,
    "uitkomst.verzuim_na": CasusRij.verzuim_na,
    "uitkomst.onderwijs_na": CasusRij.onderwijs_na,
}
# Numeric filters accept a range "12-16", a bound "12-" / "-16" or one value.
BEREIK_FILTERS: dict[str, Any] = {
    "leerling.leeftijd": CasusRij.leeftijd,
    "verzuim.uren": CasusRij.verzuim_uren,
    "verzuim.duur_weken": CasusRij.verzuim_duur_weken,
    "verzuim.eerdere_meldingen": CasusRij.verzuim_eerdere_meldingen,
    "verzuim.keer_te_laat": CasusRij.verzuim_keer_te_laat,
    "uitkomst.termijn_maanden": CasusRij.termijn_maanden,
}
# List filters: the case matches when the list holds the value.
LIJST_FILTERS: dict[str, str] = {".".join(pad): veld for veld, pad in LIJSTVELDEN.items()}
# Filters over a closed vocabulary (kb.vocabulary.LABELS): other values are refused.
# Themes are free tags, and ref, schooljaar and regio free text: those are not checked.
VOCABULAIRE_FILTERS: dict[str, str] = {
    "bron": "bron",
    "leerling.geslacht": "geslacht",
    "leerling.onderwijs": "onderwijs",
    "leerling.gezinssituatie": "gezinssituatie",
    "verzuim.soort": "verzuim_soort",
    "route": "route",
    "afweging.besluit": "besluit",
    "uitkomst.verzuim_na": "verzuim_na",
    "uitkomst.onderwijs_na": "onderwijs_na",
    "verzuim.meldingen": "melding",
    "problematiek": "problematiek",
    "interventies": "interventie",
    "afweging.pv_tegen": "pv_tegen",
    "afweging.factoren": "factor",
    "uitkomst.maatregelen": "maatregel",
}
ALLE_FILTERS: tuple[str, ...] = (*SCALAIRE_FILTERS, *BEREIK_FILTERS, *LIJST_FILTERS)


class FilterFout(ValueError):
    """A filter the user gave cannot be applied; the message says why, in Dutch."""


@dataclass
class Filters:
    """Structured filters: field name -> accepted values (any of them matches)."""

    waarden: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, paren: Iterable[str]) -> Filters:
        """Read `veld=waarde` pairs as the CLI and the query string give them."""
        result = cls()
        for paar in paren:
            veld, sep, waarde = paar.partition("=")
            veld, waarde = veld.strip(), waarde.strip()
            if not sep or not veld or not waarde:
                raise FilterFout(f"filter '{paar}' heeft de vorm veld=waarde nodig")
            result.add(veld, waarde)
        return result

    def add(self, veld: str, waarde: str) -> None:
        veld = _volledige_veldnaam(veld)
        soort = VOCABULAIRE_FILTERS.get(veld)
        if soort and waarde not in LABELS[soort]:
            # A typo would otherwise answer "0 casussen", a conclusion nobody should draw.
            raise FilterFout(
                f"filter {veld}={waarde}: onbekende waarde; mogelijk zijn: "
                + ", ".join(LABELS[soort])
            )
        self.waarden.setdefault(veld, []).append(waarde)

    def __bool__(self) -> bool:
        return bool(self.waarden)


def _volledige_veldnaam(veld: str) -> str:
    if veld in ALLE_FILTERS:
        return veld
    korte = [f for f in ALLE_FILTERS if f.rsplit(".", 1)[-1] == veld]
    if len(korte) == 1:
        return korte[0]
    raise FilterFout(f"onbekend filterveld '{veld}'; mogelijk zijn: {', '.join(ALLE_FILTERS)}")


MAX_GETAL = 2**31 - 1  # the largest value of an integer column on PostgreSQL


def _bereik(veld: str, waarde: str) -> tuple[int | None, int | None]:
    """A number or a range "12-16" (either end may be left open). A range whose start
    lies above its end is refused rather than answered with nothing: it is a typo, and
    "no similar cases" would send an officer away with a wrong conclusion."""
    laag, sep, hoog = waarde.partition("-")
    try:
        if not sep:
            van = tot = int(laag)
        else:
            van = int(laag) if laag.strip() else None
            tot = int(hoog) if hoog.strip() else None
    except ValueError as exc:
        raise FilterFout(
            f"filter {veld}={waarde}: gebruik een getal of een bereik zoals 12-16"
        ) from exc
    if any(g is not None and not 0 <= g <= MAX_GETAL for g in (van, tot)):
        # The columns are 32-bit integers: PostgreSQL would refuse a larger number.
        raise FilterFout(f"filter {veld}={waarde}: gebruik een getal van 0 tot en met {MAX_GETAL}")
    if van is not None and tot is not None and van > tot:
        raise FilterFout(f"filter {veld}={waarde}: 'van' ({van}) is groter dan 'tot' ({tot})")
    return van, tot


def apply_filters(stmt: Any, filters: Filters | None) -> Any:
    """Narrow a select over CasusRij to the cases matching every filter."""
    if not filters:
        return stmt
    for veld, waarden in filters.waarden.items():
        if veld in SCALAIRE_FILTERS:
            stmt = stmt.where(col(SCALAIRE_FILTERS[veld]).in_(waarden))
        elif veld in BEREIK_FILTERS:
            kolom = BEREIK_FILTERS[veld]
            for waarde in waarden:
                laag, hoog = _bereik(veld, waarde)
                if laag is not None:
                    stmt = stmt.where(kolom >= laag)
                if hoog is not None:
                    stmt = stmt.where(kolom <= hoog)
        else:
            sub = select(CasusWaarde.casus_id).where(
                CasusWaarde.veld == LIJST_FILTERS[veld], col(CasusWaarde.waarde).in_(waarden)
            )
            stmt = stmt.where(col(CasusRij.id).in_(sub))
    return stmt


def _get(data: dict[str, Any], pad: Sequence[str]) -> Any:
    for deel in pad:
        if data is None:
            return None
        data = data.get(deel)
    return data


def _vul_rij(rij: CasusRij, casus: Casus) -> None:
    data = naar_uitwisseling(casus)
    uitkomst = data.get("uitkomst")
    rij.ref = casus.ref
    rij.titel = casus.titel
    rij.schooljaar = casus.schooljaar
    rij.regio = casus.regio
    rij.bron = casus.bron
    rij.beschrijving = casus.beschrijving
    rij.leeftijd = casus.leerling.leeftijd
    rij.geslacht = casus.leerling.geslacht
    rij.onderwijs = casus.leerling.onderwijs
    rij.gezinssituatie = casus.leerling.gezinssituatie
    rij.verzuim_soort = casus.verzuim.soort
    rij.verzuim_uren = casus.verzuim.uren
    rij.verzuim_keer_te_laat = casus.verzuim.keer_te_laat
    rij.verzuim_duur_weken = casus.verzuim.duur_weken
    rij.verzuim_eerdere_meldingen = casus.verzuim.eerdere_meldingen
    rij.route = casus.route
    rij.besluit = casus.afweging.besluit
    rij.toelichting = casus.afweging.toelichting
    rij.heeft_uitkomst = uitkomst is not None
    rij.verzuim_na = _get(data, ("uitkomst", "verzuim_na"))
    rij.onderwijs_na = _get(data, ("uitkomst", "onderwijs_na"))
    rij.termijn_maanden = _get(data, ("uitkomst", "termijn_maanden"))
    rij.uitkomst_toelichting = _get(data, ("uitkomst", "toelichting"))
    rij.lessen = casus.lessen
    rij.waarden = [
        CasusWaarde(veld=veld, waarde=waarde)
        for veld, pad in LIJSTVELDEN.items()
        for waarde in (_get(data, pad) or [])
    ]
    # Commentaar written in the app by a keten account belongs to that account and
    # outlives edits of the case; the rest is part of the case text and is replaced.
    # An exported and re-imported case carries the app commentaar too: not twice.
    van_app = [c for c in rij.commentaren if c.auteur_id is not None]
    rij.commentaren = van_app + [CommentaarRij(**c) for c in _zonder_app(data, rij)]


def _zonder_app(data: dict[str, Any], rij: CasusRij) -> list[dict[str, Any]]:
    """The commentaar of imported case data that is not app commentaar `rij` holds
    already (an export carries it, and a re-import must not add it twice)."""
    bekend = {(c.partij, c.oordeel, c.tekst, c.moment) for c in rij.commentaren if c.auteur_id}
    return [
        c
        for c in data.get("commentaar") or []
        if (c["partij"], c["oordeel"], c["tekst"], c.get("moment")) not in bekend
    ]


def _ongewijzigd(rij: CasusRij, casus: Casus) -> bool:
    """Would saving `casus` over `rij` change the case text? (Status aside.)"""
    opgeslagen = naar_uitwisseling(naar_casus(rij, app_commentaar=False))
    nieuw = naar_uitwisseling(casus)
    nieuw["commentaar"] = _zonder_app(nieuw, rij)
    for data in (opgeslagen, nieuw):
        if not data.get("commentaar"):
            data.pop("commentaar", None)
    return opgeslagen == nieuw


def naar_casus(rij: CasusRij, *, app_commentaar: bool = True) -> Casus:
    """The stored case back in the exchange format.

    `app_commentaar=False` leaves out commentaar keten accounts wrote in the app:
    the case form edits only the commentaar that is part of the case text.
    """
    lijsten: dict[str, list[str]] = {}
    for waarde in rij.waarden:
        lijsten.setdefault(waarde.veld, []).append(waarde.waarde)
    verzuim = {
        "soort": rij.verzuim_soort,
        "meldingen": lijsten.get("meldingen"),
        "uren": rij.verzuim_uren,
        "keer_te_laat": rij.verzuim_keer_te_laat,
        "duur_weken": rij.verzuim_duur_weken,
        "eerdere_meldingen": rij.verzuim_eerdere_meldingen,
    }
    uitkomst = None
    if rij.heeft_uitkomst:
        uitkomst = {
            "maatregelen": lijsten.get("maatregelen"),
            "verzuim_na": rij.verzuim_na,
            "onderwijs_na": rij.onderwijs_na,
            "termijn_maanden": rij.termijn_maanden,
            "toelichting": rij.uitkomst_toelichting,
        }
    commentaar = [
        {"partij": c.partij, "oordeel": c.oordeel, "tekst": c.tekst, "moment": c.moment}
        for c in rij.commentaren
        if app_commentaar or c.auteur_id is None
    ]
    return Casus.model_validate(
        {
            "ref": rij.ref,
            "titel": rij.titel,
            "schooljaar": rij.schooljaar,
            "regio": rij.regio,
            "bron": rij.bron,
            "beschrijving": rij.beschrijving,
            "leerling": {
                "leeftijd": rij.leeftijd,
                "geslacht": rij.geslacht,
                "onderwijs": rij.onderwijs,
                "gezinssituatie": rij.gezinssituatie,
            },
            "verzuim": verzuim,
            "problematiek": lijsten.get("problematiek"),
            "route": rij.route,
            "interventies": lijsten.get("interventies"),
            "afweging": {
                "besluit": rij.besluit,
                "pv_tegen": lijsten.get("pv_tegen"),
                "factoren": lijsten.get("factoren"),
                "toelichting": rij.toelichting,
            },
            "commentaar": commentaar or None,
            "uitkomst": uitkomst,
            "lessen": rij.lessen,
            "themas": lijsten.get("themas"),
        }
    )


@dataclass
class Opgeslagen:
    """What `save_cases` did, for progress messages and the search index."""

    nieuw: list[int] = field(default_factory=list)
    bijgewerkt: list[int] = field(default_factory=list)
    # Already stored exactly so, with the same status: left alone (not even the
    # "gewijzigd" time moves), so importing the same file twice changes nothing.
    ongewijzigd: list[int] = field(default_factory=list)
    # Published before and not any more (a changed case saved for review): out of
    # search until the redactie publishes it again, which the user should be told.
    uit_publicatie: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [*self.nieuw, *self.bijgewerkt]


def save_cases(
    session: Session,
    cases: Sequence[Casus],
    *,
    status: str = Status.gepubliceerd,
    door_id: int | None = None,
) -> Opgeslagen:
    """Upsert on `ref`, inside the caller's transaction (all or nothing).

    Every saved case gets `status`; a new case gets `door_id` as its author, and
    `door_id` is recorded as the last editor (four eyes at publication). A published
    case whose content is unchanged stays published when the import is for review.
    """
    result = Opgeslagen()
    refs = [c.ref for c in cases]
    bestaand: dict[str, CasusRij] = {}
    for start in range(0, len(refs), 500):  # stay under the database's parameter limit
        deel = refs[start : start + 500]
        rows = session.exec(volledig(select(CasusRij).where(col(CasusRij.ref).in_(deel))))
        bestaand.update((r.ref, r) for r in rows)
    rijen: list[tuple[CasusRij, bool]] = []
    for casus in cases:
        rij = bestaand.get(casus.ref)
        # Left alone: stored exactly so with this status, or published and unchanged while
        # this import is for review (which would only take it out of search). A concept
        # imported for review does move on to the queue.
        laten = rij is not None and (
            rij.status == status
            or (rij.status == Status.gepubliceerd and status != Status.gepubliceerd)
        )
        if laten and rij is not None and _ongewijzigd(rij, casus):
            assert rij.id is not None
            result.ongewijzigd.append(rij.id)
            continue
        if rij is None:
            rij = CasusRij(aangemaakt=_nu(), auteur_id=door_id)
        elif rij.status == Status.gepubliceerd and status != Status.gepubliceerd:
            result.uit_publicatie.append(rij.ref)
        rijen.append((rij, casus.ref not in bestaand))
        _vul_rij(rij, casus)
        rij.gewijzigd = _nu()
        rij.status = status
        rij.bewerkt_door_id = door_id
        if status == Status.gepubliceerd:
            rij.gepubliceerd_op, rij.review_reden = rij.gewijzigd, None
        session.add(rij)
    session.flush()  # once for the whole batch: per-case flushes made large imports crawl
    for rij, is_nieuw in rijen:
        assert rij.id is not None
        (result.nieuw if is_nieuw else result.bijgewerkt).append(rij.id)
    return result


def get_row(session: Session, ref: str) -> CasusRij | None:
    return session.exec(select(CasusRij).where(CasusRij.ref == ref)).first()


def ref_zoals_bedoeld(session: Session, ref: str, kijker: Gebruiker | None) -> str | None:
    """A visible case whose ref differs from `ref` only in capitals ("seed-085" for
    "SEED-085"), for a "bedoelt u ...?" after a miss; None when there is none."""
    gevonden = session.exec(
        zichtbaar(select(CasusRij.ref), kijker).where(func.lower(CasusRij.ref) == ref.lower())
    ).first()
    return gevonden if gevonden != ref else None


def get_case(session: Session, ref: str, *, app_commentaar: bool = True) -> Casus | None:
    rij = get_row(session, ref)
    return naar_casus(rij, app_commentaar=app_commentaar) if rij else None


def zichtbaar(stmt: Any, kijker: Gebruiker | None) -> Any:
    """Narrow a select over CasusRij to what `kijker` sees in lists, search and exports:
    published cases, and the cases they wrote themselves. None: published only."""
    voorwaarde = CasusRij.status == Status.gepubliceerd
    if kijker is not None and kijker.id is not None:
        voorwaarde = or_(voorwaarde, col(CasusRij.auteur_id) == kijker.id)
    return stmt.where(voorwaarde)


def delete_case(session: Session, ref: str) -> int | None:
    """Delete a case; returns its id (for the search index) or None if unknown."""
    rij = get_row(session, ref)
    if rij is None:
        return None
    casus_id = rij.id
    session.delete(rij)
    session.flush()
    return casus_id


def volledig(stmt: Any) -> Any:
    """Load the cases of a select with their list values and commentaar: two extra
    queries in all instead of two per case (on a network database each is a round trip;
    a test holds that a page of 50 takes as many queries as a page of 5)."""
    return stmt.options(selectinload(CasusRij.waarden), selectinload(CasusRij.commentaren))


def list_rows(
    session: Session,
    filters: Filters | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    alleen_gepubliceerd: bool = False,
) -> list[CasusRij]:
    stmt = volledig(apply_filters(select(CasusRij), filters))
    if alleen_gepubliceerd:
        stmt = zichtbaar(stmt, None)
    stmt = stmt.order_by(CasusRij.ref).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt))


def count_cases(session: Session, filters: Filters | None = None) -> int:
    stmt = apply_filters(select(func.count()).select_from(CasusRij), filters)
    return int(session.exec(stmt).one())


def list_cases(
    session: Session, filters: Filters | None = None, *, alleen_gepubliceerd: bool = False
) -> list[Casus]:
    rijen = list_rows(session, filters, alleen_gepubliceerd=alleen_gepubliceerd)
    return [naar_casus(r) for r in rijen]


def rows_by_id(session: Session, ids: Iterable[int]) -> dict[int, CasusRij]:
    ids = list(ids)
    if not ids:
        return {}
    rows = session.exec(select(CasusRij).where(col(CasusRij.id).in_(ids)))
    return {r.id: r for r in rows if r.id is not None}
