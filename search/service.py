"""The search service: one function the CLI, the web pages and the JSON API call.

`zoek` takes an officer's description, optional structured filters and
factors, and returns ranked precedents with their explanation and a summary
of what was decided and what followed. Modes: `bm25`, `dense`, and `hybrid`
(reciprocal rank fusion of both, plus factor overlap when factors are known,
plus the cases that share themes with the best match: see `_thema_ranking`;
the fused candidates are then reordered by a small learned model, see
`search.herrangschikken`). A domain abbreviation that no case uses is searched
with its written-out form (`zoektekst`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import or_
from sqlmodel import Session, col, select

from kb.models import CasusRij
from kb.service import Casusbank
from kb.store import Filters, apply_filters, naar_casus, ref_zoals_bedoeld, volledig
from kb.toegang import Gebruiker
from kb.vocabulary import FACTOR_BY_CODE, Status
from search import afkortingen, herrangschikken
from search.explain import herken_factoren, samenvatting, snippet, vergelijk_factoren
from search.fusion import ranking, rrf
from search.lexical import contains_phrases, phrases
from search.text import lexical_text

MODI = ("hybrid", "dense", "bm25")
KANDIDATEN = 100


class ZoekFout(ValueError):
    """The search request cannot be carried out; the message says why, in Dutch."""


@dataclass
class Zoekvraag:
    tekst: str
    filters: Filters = field(default_factory=Filters)
    factoren: list[str] = field(default_factory=list)
    limit: int = 10
    modus: str = "hybrid"
    uitsluiten: list[str] = field(default_factory=list)
    # Whose search: published cases plus their own concepts. None: published only.
    kijker: Gebruiker | None = None
    # Read factors from the text (an officer's description). Not for a stored case,
    # whose factors were coded by its author: text recognition would add ones it lacks.
    herken: bool = True

    @property
    def vrije_tekst(self) -> str:
        """The description without the quotes that mark required phrases."""
        return self.tekst.replace('"', " ").strip()

    def controleer(self) -> None:
        if self.modus not in MODI:
            raise ZoekFout(f"onbekende modus '{self.modus}'; kies uit {', '.join(MODI)}")
        if not 1 <= self.limit <= 100:
            raise ZoekFout("limit moet tussen 1 en 100 liggen")
        onbekend = [f for f in self.factoren if f not in FACTOR_BY_CODE]
        if onbekend:
            raise ZoekFout(f"onbekende factor: {', '.join(onbekend)}")
        if not self.tekst.strip() and not self.factoren and not self.filters:
            raise ZoekFout("beschrijf de casus, of kies factoren of filters")


def _toegestane_ids(session: Session, filters: Filters) -> set[int] | None:
    if not filters:
        return None
    stmt = apply_filters(select(CasusRij.id), filters)
    return {int(i) for i in session.exec(stmt)}


def _verborgen_ids(session: Session, kijker: Gebruiker | None) -> set[int]:
    """Cases the searcher may not see: unpublished ones of others (usually few or none)."""
    stmt = select(CasusRij.id).where(CasusRij.status != Status.gepubliceerd)
    if kijker is not None and kijker.id is not None:
        stmt = stmt.where(
            or_(col(CasusRij.auteur_id).is_(None), col(CasusRij.auteur_id) != kijker.id)
        )
    return {int(i) for i in session.exec(stmt)}


@dataclass
class _Rangschikking:
    volgorde: list[int]
    scores: dict[int, float]
    beste: int | None = None
    beste_themas: set[str] = field(default_factory=set)
    # Hybrid only: the candidates the reranker may reorder, and their features.
    kandidaten: list[int] = field(default_factory=list)
    kenmerken: np.ndarray | None = None
    # The text searched and the abbreviations written out in it (see `zoektekst`).
    tekst: str = ""
    uitgeschreven: dict[str, str] = field(default_factory=dict)


def zoektekst(kb: Casusbank, vraag: Zoekvraag) -> tuple[str, dict[str, str]]:
    """The text that is searched: the description without quotes, plus the written-out
    form of each domain abbreviation in it that no case uses ("JR": the cases write
    "jeugdreclassering"), which neither BM25 nor the model could place otherwise."""
    tekst = vraag.vrije_tekst
    if not tekst or not afkortingen.afkortingen_in(tekst):
        return tekst, {}
    lexicaal = kb.index.lexical()
    # One the officer put in quotes must stand in the case as written: reading it as
    # its written-out form would say it was searched for, while it is required.
    vast = {w.upper() for frase in phrases(vraag.tekst) for w in re.findall(r"\w+", frase)}
    gebruikt = afkortingen.uitgeschreven(tekst, lambda w: bool(lexicaal.scores(w, k=1)))
    uit = {w: voluit for w, voluit in gebruikt.items() if w.upper() not in vast}
    return afkortingen.met_voluit(tekst, uit), uit


def zoek(kb: Casusbank, vraag: Zoekvraag) -> dict[str, Any]:
    vraag.controleer()
    index = kb.index
    index.ensure_current()
    herkend = herken_factoren(vraag.tekst) if vraag.herken else []
    query_factoren = list(dict.fromkeys([*vraag.factoren, *herkend]))
    frases = phrases(vraag.tekst)

    with Session(kb.engine) as s:
        rang = _rangschik(s, kb, vraag)
        volgorde, scores = rang.volgorde, rang.scores
        # Not when the user chose factors: the model was trained on descriptions alone,
        # and it would push the cases sharing the chosen factors back down.
        model = None if vraag.factoren else herrangschikken.voor(index.embedder.name)
        if model is not None and rang.kenmerken is not None and rang.kandidaten:
            volgorde, scores = herrangschikken.herorden(
                rang.kandidaten, model.scores(rang.kenmerken), volgorde
            )
        beste, beste_themas = rang.beste, rang.beste_themas
        # Named in the explanation: after reranking it need not be the first result shown.
        beste_ref = (
            s.exec(select(CasusRij.ref).where(CasusRij.id == beste)).first()
            if beste is not None and beste_themas
            else None
        )

        resultaten: list[dict[str, Any]] = []
        # Load only as many cases as can be shown; more only when phrases filter some out.
        stap = 50 if frases else vraag.limit
        for start in range(0, len(volgorde), stap):
            if len(resultaten) >= vraag.limit:
                break
            ids = volgorde[start : start + stap]
            rows = {
                r.id: r
                for r in s.exec(volledig(select(CasusRij).where(col(CasusRij.id).in_(ids))))
            }
            for cid in ids:
                rij = rows.get(cid)
                if rij is None or (frases and not contains_phrases(lexical_text(rij), frases)):
                    continue
                # Why a case of the same kind came up: the themes it shares with the best match.
                thema_bron = beste_themas if cid != beste else set()
                resultaten.append(
                    _resultaat(rij, scores[cid], rang.tekst, query_factoren, thema_bron, beste_ref)
                )
                if len(resultaten) >= vraag.limit:
                    break
    return {
        "query": vraag.tekst,
        "mode": vraag.modus,
        "filters": vraag.filters.waarden,
        "factoren": [
            {"code": f, "herkend_in_tekst": f in herkend and f not in vraag.factoren}
            for f in query_factoren
        ],
        "uitgeschreven": rang.uitgeschreven,
        "results": resultaten,
        "samenvatting": samenvatting(resultaten),
    }


def kandidaatkenmerken(kb: Casusbank, vraag: Zoekvraag) -> tuple[list[str], np.ndarray]:
    """The refs of a hybrid search's candidates for reranking, and their features
    (`search.herrangschikken.KENMERKEN`): what the reranker is trained on."""
    vraag.controleer()
    kb.index.ensure_current()
    with Session(kb.engine) as s:
        r = _rangschik(s, kb, vraag)
        refs = {
            cid: ref
            for cid, ref in s.exec(
                select(CasusRij.id, CasusRij.ref).where(col(CasusRij.id).in_(r.kandidaten))
            )
        }
    leeg = np.empty((0, len(herrangschikken.KENMERKEN)))
    return [refs[c] for c in r.kandidaten], r.kenmerken if r.kenmerken is not None else leeg


def _rangschik(s: Session, kb: Casusbank, vraag: Zoekvraag) -> _Rangschikking:
    """The fused order of the visible cases that pass the filters; for hybrid search
    with text also the theme feedback and the reranker's features."""
    index = kb.index
    toegestaan = _toegestane_ids(s, vraag.filters)
    uit = _verborgen_ids(s, vraag.kijker)
    if vraag.uitsluiten:
        uit |= {
            int(i)
            for i in s.exec(select(CasusRij.id).where(col(CasusRij.ref).in_(vraag.uitsluiten)))
        }
    if uit:
        if toegestaan is None:
            toegestaan = {int(i) for i in s.exec(select(CasusRij.id))}
        toegestaan -= uit
    # The index calls below take the index's lock, and its holder may need a connection
    # of its own (to see whether the database changed). Holding ours while waiting for
    # that lock starved it once the pool was used up: parallel searches then stalled the
    # server for minutes. Ending the read transaction gives the connection back.
    s.rollback()
    vrije_tekst, uitgeschreven = zoektekst(kb, vraag)
    lijsten: list[list[int]] = []
    dense: dict[int, float] = {}
    lex: dict[int, float] = {}
    if vrije_tekst and vraag.modus in ("dense", "hybrid"):
        dense = index.dense_scores(vrije_tekst, toegestaan, k=KANDIDATEN * 4)
        lijsten.append(ranking(dense)[:KANDIDATEN])
    if vrije_tekst and vraag.modus in ("bm25", "hybrid"):
        lex = index.lexical().scores(vrije_tekst, k=KANDIDATEN, toegestaan=toegestaan)
        lijsten.append(ranking(lex))
    if vraag.factoren and (vraag.modus == "hybrid" or not vrije_tekst):
        # Only factors the user chose: factors recognised in free text were too
        # noisy to rank on (kb eval: hybrid nDCG@10 0.77 -> 0.64); they do
        # appear in the explanation.
        lijsten.append(_factor_ranking(s, vraag.factoren, toegestaan))
    if not vrije_tekst and not vraag.factoren:
        # Filters only: list the matching cases in a stable order.
        lijsten.append(sorted(toegestaan or []))
    scores = rrf(lijsten) if len(lijsten) > 1 else _enkel(lijsten)
    volgorde = ranking(scores)
    if not (vrije_tekst and vraag.modus == "hybrid" and volgorde):
        return _Rangschikking(volgorde, scores, tekst=vrije_tekst, uitgeschreven=uitgeschreven)
    dense_lijst, bm25_lijst = lijsten[0], lijsten[1]
    beste = volgorde[0]
    beste_themas, thema_lijst, gedeeld = _thema_ranking(s, volgorde)
    lijsten.append(thema_lijst)
    scores = rrf(lijsten)
    volgorde = ranking(scores)
    kandidaten = volgorde[:KANDIDATEN]
    signalen = herrangschikken.Signalen(
        fusie=scores,
        dense=dense,
        bm25=lex,
        dense_lijst=dense_lijst,
        bm25_lijst=bm25_lijst,
        thema_lijst=thema_lijst,
        gedeelde_themas=gedeeld,
    )
    return _Rangschikking(
        volgorde,
        scores,
        beste,
        beste_themas,
        kandidaten,
        herrangschikken.kenmerken(kandidaten, signalen),
        vrije_tekst,
        uitgeschreven,
    )


def _enkel(lijsten: list[list[int]]) -> dict[int, float]:
    if not lijsten:
        return {}
    n = len(lijsten[0])
    return {cid: float(n - i) / max(n, 1) for i, cid in enumerate(lijsten[0])}


def _factor_ranking(s: Session, factoren: list[str], toegestaan: set[int] | None) -> list[int]:
    """Cases ranked by how many of the query's factors they share (at least one)."""
    from kb.models import CasusWaarde

    stmt = select(CasusWaarde.casus_id, CasusWaarde.waarde).where(
        CasusWaarde.veld == "factoren", col(CasusWaarde.waarde).in_(factoren)
    )
    telling: dict[int, float] = {}
    for cid, _ in s.exec(stmt):
        if toegestaan is None or cid in toegestaan:
            telling[cid] = telling.get(cid, 0) + 1
    return ranking(telling)


def _thema_ranking(s: Session, volgorde: list[int]) -> tuple[set[str], list[int], dict[int, int]]:
    """The best match's themes, the candidates sharing them (most shared first), and how
    many each candidate shares (a feature of the reranker).

    Feedback on the curated themes (halt-of-pv, luxe-verzuim, thuiszitters, ...):
    the first hybrid result is nearly always a precedent the officer wants
    (MRR 0.95), and cases of the same kind are what they read next. Measured with
    `kb eval` and per half of the query set (docs/zoekkwaliteit.md): hybrid
    nDCG@10 0.784 -> 0.816, better on both halves and all query lengths, and
    0.723 -> 0.757 on a second query set written after the tuning. Feedback from
    the first 3 or 5 results, or on factors, did worse. Ties keep the order
    of the first fusion. Only its first KANDIDATEN candidates are reordered (already
    filtered, and a bounded number: at 100k cases a theme is shared by thousands).
    The limit bounds the cost (session 3 cut it from 200 to 100 for speed at 100k
    cases); with 90 seed cases it changes no ranking, and its effect on quality at
    larger scale has not been measured.
    """
    from kb.models import CasusWaarde

    kandidaten = volgorde[:KANDIDATEN]
    per: dict[int, set[str]] = {}
    # Filtered on case id in SQL and on the field here: with `veld = 'themas'` in the
    # WHERE clause SQLite used the index on veld and read every theme row of the
    # knowledge base (tens of milliseconds per search at 100k cases).
    for cid, veld, waarde in s.exec(
        select(CasusWaarde.casus_id, CasusWaarde.veld, CasusWaarde.waarde).where(
            col(CasusWaarde.casus_id).in_(kandidaten)
        )
    ):
        if veld == "themas":
            per.setdefault(cid, set()).add(waarde)
    beste = per.get(volgorde[0], set())
    telling = {cid: len(per.get(cid, set()) & beste) for cid in kandidaten}
    gedeeld = [cid for cid in kandidaten if telling[cid]]  # in fused order
    return beste, sorted(gedeeld, key=lambda c: -telling[c])[:KANDIDATEN], telling


def _resultaat(
    rij: CasusRij,
    score: float,
    tekst: str,
    query_factoren: list[str],
    thema_bron: frozenset[str] | set[str] = frozenset(),
    thema_van: str | None = None,
) -> dict[str, Any]:
    casus = naar_casus(rij)
    gedeeld, alleen = vergelijk_factoren(query_factoren, casus.afweging.factoren or [])
    uitkomst = casus.uitkomst.model_dump(mode="json", exclude_none=True) if casus.uitkomst else {}
    return {
        "ref": casus.ref,
        "titel": casus.titel,
        "status": rij.status,
        "score": round(score, 5),
        "besluit": casus.afweging.besluit,
        "pv_tegen": casus.afweging.pv_tegen or [],
        "route": casus.route,
        "leeftijd": casus.leerling.leeftijd,
        "onderwijs": casus.leerling.onderwijs,
        "schooljaar": casus.schooljaar,
        "gedeelde_factoren": gedeeld,
        "gedeelde_themas": (gedeelde_themas := sorted(thema_bron & set(casus.themas or []))),
        # The case whose themes these are (the best match of the fusion).
        "thema_van": thema_van if gedeelde_themas else None,
        "alleen_in_precedent": alleen,
        "snippet": snippet(tekst, [casus.beschrijving, casus.afweging.toelichting])
        if tekst
        else "",
        "uitkomst": uitkomst,
        "commentaar": [
            c.model_dump(mode="json", exclude_none=True) for c in casus.commentaar or []
        ],
    }


def vergelijkbaar(
    kb: Casusbank, ref: str, limit: int = 5, *, kijker: Gebruiker | None = None
) -> dict[str, Any]:
    """Precedents similar to a stored case: its description and factors as the query.

    The caller checks that `kijker` may see the case itself (kb.review).
    """
    casus = kb.get(ref)
    if casus is None:
        with kb.session() as s:
            bedoeld = ref_zoals_bedoeld(s, ref, kijker)
        suggestie = f"; bedoelt u {bedoeld}?" if bedoeld else ""
        raise ZoekFout(f"casus '{ref}' bestaat niet{suggestie}")
    vraag = Zoekvraag(
        tekst=f"{casus.titel}. {casus.beschrijving}".replace('"', ""),
        factoren=list(casus.afweging.factoren or []),
        limit=limit,
        uitsluiten=[ref],
        kijker=kijker,
        herken=False,
    )
    result = zoek(kb, vraag)
    result["query"] = ref
    return result
