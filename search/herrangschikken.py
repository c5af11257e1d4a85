"""Reranking: the fused hybrid candidates reordered by a small learned model.

Reciprocal rank fusion only sees ranks. How far ahead a case is in cosine or in BM25
score, and how many themes it shares with the best match, are thrown away, yet they
say something about whether a case is one an officer wants to read. A logistic
regression over seven such signals (`KENMERKEN`) reorders the first `KANDIDATEN` fused
candidates; the fusion itself stays as it is and decides which cases are candidates.
Not used when the officer chose factors: it was trained on descriptions alone.

Trained on the second query set only (`search/eval_queries_2.yaml`), so the model's
weights never saw the first set; the fusion that supplies the candidates was tuned on
the first set, though, so the figure that holds up is the gain, measured in both
directions (docs/zoekkwaliteit.md). The model is a handful of numbers in
`herrangschikker.json`, written by

    python -m search.herrangschikken

which trains it again and prints the hybrid figures on both sets. It is trained on
cosines of one embedder and is only used with that embedder: with another
(`KB_EMBEDDER`), hybrid search is the plain fusion. It was trained on the 90 seed cases,
where every case is in every list; at the scale of thousands, candidates missing from
the dense list are outside anything it saw. With 2,000 synthetic cases added it was
about neutral (`python -m search.experimenten schaal`).

Its score orders the candidates of one search; it is not a calibrated probability (every
signal is relative to the query's own best candidate, so a first result scores high
even for a query that matches nothing well).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from search.fusion import RRF_K

if TYPE_CHECKING:
    from kb.service import Casusbank

MODEL = Path(__file__).with_name("herrangschikker.json")

KENMERKEN = (
    "fusie",  # the fused RRF score, relative to the best candidate's
    "dense_rang",  # 60 / (60 + i), i = 0 for the first of the dense list; 0 when not in it
    "bm25_rang",  # the same in the BM25 list
    "thema_rang",  # the same in the theme feedback list
    "cosinus",  # cosine minus the best cosine of this query
    "bm25",  # BM25 score relative to the best of this query
    "gedeelde_themas",  # themes shared with the first result of the first fusion
)


@dataclass(frozen=True)
class Signalen:
    """What the hybrid search knows about its candidates, per case id."""

    fusie: dict[int, float]
    dense: dict[int, float]
    bm25: dict[int, float]
    dense_lijst: Sequence[int]
    bm25_lijst: Sequence[int]
    thema_lijst: Sequence[int]
    gedeelde_themas: dict[int, int]


def kenmerken(kandidaten: Sequence[int], sig: Signalen) -> np.ndarray:
    """One row of `KENMERKEN` per candidate.

    A case outside the dense top gets the lowest cosine that was returned (its own is
    no higher); outside the BM25 top it scores 0. With the seed corpus (the training
    data) every case is in both tops; in a larger knowledge base these fallbacks occur.
    """

    def rang(lijst: Sequence[int]) -> dict[int, float]:
        return {cid: RRF_K / (RRF_K + i) for i, cid in enumerate(lijst)}

    rd, rb, rt = rang(sig.dense_lijst), rang(sig.bm25_lijst), rang(sig.thema_lijst)
    beste_fusie = max(sig.fusie.values(), default=1.0) or 1.0
    beste_cos = max(sig.dense.values(), default=0.0)
    laagste_cos = min(sig.dense.values(), default=0.0)
    beste_bm25 = max(sig.bm25.values(), default=1.0) or 1.0
    return np.array(
        [
            [
                sig.fusie.get(cid, 0.0) / beste_fusie,
                rd.get(cid, 0.0),
                rb.get(cid, 0.0),
                rt.get(cid, 0.0),
                sig.dense.get(cid, laagste_cos) - beste_cos,
                sig.bm25.get(cid, 0.0) / beste_bm25,
                float(sig.gedeelde_themas.get(cid, 0)),
            ]
            for cid in kandidaten
        ],
        dtype=np.float64,
    ).reshape(len(kandidaten), len(KENMERKEN))


@dataclass(frozen=True)
class Herrangschikker:
    """Standardised features times weights: the logistic regression sklearn fitted,
    kept as plain numbers so that searching needs no sklearn and no pickle."""

    embedder: str
    gemiddelde: tuple[float, ...]
    schaal: tuple[float, ...]
    gewichten: tuple[float, ...]
    intercept: float
    getraind_op: str
    vragen: int

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Per row, the logistic model's output (0 to 1): an ordering score within one
        search, not a calibrated probability of relevance."""
        z = (x - np.asarray(self.gemiddelde)) / np.asarray(self.schaal)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.gewichten) + self.intercept)))

    def bewaar(self, pad: Path = MODEL) -> None:
        data = {"kenmerken": list(KENMERKEN), **self.__dict__}
        pad.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def lees(cls, pad: Path = MODEL) -> Herrangschikker:
        data = json.loads(pad.read_text(encoding="utf-8"))
        if tuple(data.pop("kenmerken")) != KENMERKEN:
            raise ValueError(f"{pad}: andere kenmerken dan deze code; train opnieuw")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


@cache
def standaard() -> Herrangschikker | None:
    """The committed model; None when the file is missing (search is then plain fusion)."""
    return Herrangschikker.lees() if MODEL.exists() else None


_STANDAARD = object()
_actief: object = _STANDAARD


@contextmanager
def gebruik(model: Herrangschikker | None) -> Iterator[None]:
    """Search with another model, or with none (plain fusion), for measuring: `kb eval`
    prints both, and the model trained the other way round is measured with it."""
    global _actief
    vorig, _actief = _actief, model
    try:
        yield
    finally:
        _actief = vorig


def voor(embedder: str) -> Herrangschikker | None:
    """The model in use, when it was trained on this embedder's cosines."""
    model = standaard() if _actief is _STANDAARD else _actief
    if isinstance(model, Herrangschikker) and model.embedder == embedder:
        return model
    return None


def herorden(
    kandidaten: Sequence[int], model_scores: np.ndarray, volgorde: Sequence[int]
) -> tuple[list[int], dict[int, float]]:
    """The candidates by the model's score (ties in fused order), then the rest of the
    fused order; scores that descend along it: the model's for candidates, and for the
    rest a little under the lowest of those, still in fused order."""
    paren = sorted(zip(kandidaten, model_scores.tolist(), strict=True), key=lambda p: -p[1])
    nieuw = [cid for cid, _ in paren]
    scores = dict(paren)
    rest = [cid for cid in volgorde if cid not in scores]
    laagste = min(scores.values(), default=1.0)
    for i, cid in enumerate(rest):
        scores[cid] = laagste * (1 - (i + 1) / (len(rest) + 1))
    return nieuw + rest, scores


def train(vragen_pad: Path | None = None, kb: Casusbank | None = None) -> Herrangschikker:
    """Fit the model on a query set (by default the second) through the search itself,
    over the seed corpus (`kb`: a knowledge base holding exactly the seed cases)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from search.evaluate import QUERIES_2, eval_kb, laad_queries
    from search.service import Zoekvraag, kandidaatkenmerken

    pad = vragen_pad or QUERIES_2
    kb = kb or eval_kb()
    queries = laad_queries(pad)
    xs, ys, gewichten = [], [], []
    for q in queries:
        refs, x = kandidaatkenmerken(kb, Zoekvraag(q["vraag"]))
        xs.append(x)
        for ref in refs:
            graad = q["relevant"].get(ref, 0)
            ys.append(int(graad >= 1))
            gewichten.append(3.0 if graad == 2 else 1.0)  # the gain nDCG gives grade 2
    x_alle = np.vstack(xs)
    schaler = StandardScaler().fit(x_alle)
    regressie = LogisticRegression(C=1.0, max_iter=2000)
    regressie.fit(schaler.transform(x_alle), ys, sample_weight=gewichten)
    return Herrangschikker(
        embedder=kb.index.embedder.name,
        gemiddelde=tuple(float(v) for v in schaler.mean_),
        schaal=tuple(float(v) for v in schaler.scale_),
        gewichten=tuple(float(v) for v in regressie.coef_[0]),
        intercept=float(regressie.intercept_[0]),
        getraind_op=pad.name,
        vragen=len(queries),
    )


def main(argv: Sequence[str]) -> None:
    """Train on the second set, save, and print `kb eval`'s hybrid figures on every set
    with and without the model, over all queries and per half (odd / even id).
    `--andersom` trains on the first set instead and saves nothing: the check that the
    gain is not particular to one set. The third set was written after the model."""
    from search.evaluate import (
        DELEN,
        QUERIES,
        QUERIES_2,
        QUERIES_3,
        K,
        eval_kb,
        laad_queries,
        meet_per_deel,
    )
    from search.service import Zoekvraag, zoek

    andersom = "--andersom" in argv
    train_op = QUERIES if andersom else QUERIES_2
    meet_op = [p for p in (QUERIES, QUERIES_2, QUERIES_3) if p != train_op]
    print(f"Herrangschikker trainen op {train_op.name}...")
    model = train(train_op)
    if not andersom:
        model.bewaar()
        standaard.cache_clear()
        print(f"opgeslagen: {MODEL}")
    for naam, gewicht in zip(KENMERKEN, model.gewichten, strict=True):
        print(f"  {naam:<16} {gewicht:+.3f}")
    kb = eval_kb()
    print(f"\nhybrid nDCG@{K} {' / '.join(DELEN[:3])}, recall@{K}, MRR")
    for pad in (*meet_op, train_op):
        queries = laad_queries(pad)
        rol = "de trainingsset" if pad == train_op else "niet gezien bij het trainen"
        for naam, gebruikt in (("fusie", None), ("herrangschikt", model)):
            with gebruik(gebruikt):
                rankings = [
                    [r["ref"] for r in zoek(kb, Zoekvraag(q["vraag"], limit=K))["results"]]
                    for q in queries
                ]
            m = meet_per_deel(rankings, queries)
            ndcg = " / ".join(f"{m[d].ndcg:.3f}" for d in DELEN[:3])
            print(
                f"{pad.name} ({rol}), {naam}: {ndcg}, {m['alle'].recall:.3f}, {m['alle'].mrr:.3f}"
            )


if __name__ == "__main__":
    # Run as the imported module, whose model the search uses (not a second copy as __main__).
    from search import herrangschikken

    herrangschikken.main(sys.argv[1:])
