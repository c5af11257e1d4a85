"""Search quality, measured: nDCG@10, recall@10 and MRR per mode on graded queries.

The queries in `eval_queries.yaml` are written as officers type them, in other
words than the seed cases use, with graded judgements (2 = the precedent you
would want to read, 1 = related). The evaluation runs on a knowledge base
holding exactly the seed corpus, built once in a cache folder and reused while
the seeds and the embedder stay the same.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kb.service import Casusbank
from kb.settings import Settings
from search.service import MODI, Zoekvraag, zoek

QUERIES = Path(__file__).with_name("eval_queries.yaml")
# Written later, by another author who saw neither the first set nor any search result:
# a check that choices made on the first set hold on queries they were not made on.
QUERIES_2 = Path(__file__).with_name("eval_queries_2.yaml")
# Written blind on 2026-12-06 by a third author, from the seed cases alone, after every
# choice so far (the reranker included) had been made: the check of those choices.
QUERIES_3 = Path(__file__).with_name("eval_queries_3.yaml")
K = 10


@dataclass
class Meting:
    ndcg: float
    recall: float
    mrr: float


def ndcg_at(ranked: Sequence[str], relevant: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** relevant.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideaal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideaal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: Sequence[str], relevant: dict[str, int], k: int = K) -> float:
    relevante = {r for r, g in relevant.items() if g > 0}
    return len(relevante & set(ranked[:k])) / len(relevante) if relevante else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: dict[str, int]) -> float:
    """1/rank of the first grade-2 precedent (the one the officer wants to read)."""
    for i, r in enumerate(ranked, start=1):
        if relevant.get(r, 0) == 2:
            return 1.0 / i
    return 0.0


def meet(rankings: Sequence[Sequence[str]], queries: Sequence[dict[str, Any]]) -> Meting:
    """Mean nDCG@K, recall@K and MRR; NaN (printed "nan") for no queries, which a length
    class can be (the third set has no query over 60 words)."""
    n = len(queries)
    if not n:
        return Meting(ndcg=math.nan, recall=math.nan, mrr=math.nan)
    return Meting(
        ndcg=sum(ndcg_at(r, q["relevant"]) for r, q in zip(rankings, queries, strict=True)) / n,
        recall=sum(recall_at(r, q["relevant"]) for r, q in zip(rankings, queries, strict=True)) / n,
        mrr=sum(reciprocal_rank(r, q["relevant"]) for r, q in zip(rankings, queries, strict=True))
        / n,
    )


def delen(query: dict[str, Any]) -> tuple[str, str]:
    """The half (odd or even id) and the length class a query counts in.

    A change is adopted only when it helps on both halves: a gain on one half
    alone is likely tuned to those queries (docs/zoekkwaliteit.md).
    """
    nummer = int("".join(ch for ch in query["id"] if ch.isdigit()))
    woorden = len(query["vraag"].split())
    lengte = "kort" if woorden <= 15 else "middel" if woorden <= 60 else "lang"
    return ("oneven" if nummer % 2 else "even"), lengte


DELEN = ("alle", "oneven", "even", "kort", "middel", "lang")


def meet_per_deel(
    rankings: Sequence[Sequence[str]], queries: Sequence[dict[str, Any]]
) -> dict[str, Meting]:
    """`meet` over all queries and over each half and length class."""
    result = {"alle": meet(rankings, queries)}
    for naam in DELEN[1:]:
        paren = [(r, q) for r, q in zip(rankings, queries, strict=True) if naam in delen(q)]
        result[naam] = meet([r for r, _ in paren], [q for _, q in paren])
    return result


class EvalFout(ValueError):
    """A query set cannot be used; the message says which file and query, in Dutch."""


def laad_queries(pad: Path = QUERIES, *, gepoold: bool = True) -> list[dict[str, Any]]:
    """The queries with their judgements; `gepoold=False` leaves out those added later by
    pooling, to show how much of a change in score came from judging more cases.

    A set is checked before anything is measured: a missing field or a grade outside
    0-2 would otherwise surface as a traceback halfway, or silently as a lower score.
    """
    try:
        queries = yaml.safe_load(pad.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        plek = getattr(exc, "problem_mark", None)
        regel = f" (regel {plek.line + 1})" if plek else ""
        uitleg = getattr(exc, "problem", None) or "onleesbaar"
        raise EvalFout(f"{pad.name} is geen geldige YAML{regel}: {uitleg}") from exc
    if not isinstance(queries, list) or not queries:
        raise EvalFout(f"{pad.name} moet een lijst met minstens één zoekvraag zijn")
    for nr, q in enumerate(queries, start=1):
        if not isinstance(q, dict) or "id" not in q:
            raise EvalFout(f"{pad.name}, zoekvraag nummer {nr}: 'id' ontbreekt")
        waar = f"{pad.name}, zoekvraag {q['id']}"
        if not isinstance(q.get("vraag"), str) or not q["vraag"].strip():
            raise EvalFout(f"{waar}: 'vraag' moet een tekst zijn")
        for veld in ("relevant", "gepoold"):
            oordelen = q.get(veld, {})
            if not isinstance(oordelen, dict) or (veld == "relevant" and not oordelen):
                raise EvalFout(f"{waar}: '{veld}' moet casussen met een cijfer geven (ref: 2)")
            if any(g not in (0, 1, 2) for g in oordelen.values()):
                raise EvalFout(f"{waar}: de cijfers in '{veld}' zijn 0, 1 of 2")
    for q in queries:
        extra = q.pop("gepoold", {})
        if gepoold:
            q["relevant"] = {**q["relevant"], **extra}
    return queries


def controleer_refs(queries: Sequence[dict[str, Any]], refs: set[str], naam: str) -> None:
    """Judgements of cases that are not in the corpus would count as unreachable."""
    onbekend = sorted({r for q in queries for r in q["relevant"]} - refs)
    if onbekend:
        raise EvalFout(f"{naam} beoordeelt casussen die er niet zijn: {', '.join(onbekend)}")


def seed_refs(seeds_dir: Path) -> set[str]:
    """The refs of the seed corpus, read from the files (no knowledge base needed)."""
    from kb.service import seedbestanden

    return {
        c["ref"]
        for pad in seedbestanden(seeds_dir)
        for c in yaml.safe_load(pad.read_text(encoding="utf-8")) or []
    }


def _seeds_checksum(seeds_dir: Path) -> str:
    h = hashlib.sha256()
    for pad in sorted(seeds_dir.rglob("*.y*ml")):
        h.update(pad.read_bytes())
    return h.hexdigest()[:16]


def eval_kb(settings: Settings | None = None) -> Casusbank:
    """A knowledge base with exactly the seed corpus, cached per seeds and embedder."""
    settings = settings or Settings.from_env()
    sleutel = hashlib.sha256(
        f"{_seeds_checksum(settings.seeds_dir)}:{settings.embedder}".encode()
    ).hexdigest()[:16]
    pad = settings.data_dir / "eval-cache" / sleutel
    kb = Casusbank(Settings.for_dir(pad, seeds_dir=settings.seeds_dir, embedder=settings.embedder))
    kb.seed_if_empty()
    return kb


def evalueer(
    kb: Casusbank, queries: Sequence[dict[str, Any]], modi: Sequence[str] = MODI
) -> dict[str, Meting]:
    result = {}
    for modus in modi:
        rankings = [
            [r["ref"] for r in zoek(kb, Zoekvraag(q["vraag"], limit=K, modus=modus))["results"]]
            for q in queries
        ]
        result[modus] = meet(rankings, queries)
    return result


def vergelijk_teksten(
    kb: Casusbank,
    queries: Sequence[dict[str, Any]],
    varianten: dict[str, Callable[[Any], list[str]]],
) -> dict[str, Meting]:
    """Dense-only quality for other choices of what text to embed (in memory)."""
    emb = kb.index.embedder
    casussen = kb.all()
    qvecs = np.stack([emb.embed_query(q["vraag"]) for q in queries])
    result = {}
    for naam, tekst_van in varianten.items():
        eigenaar: list[str] = []
        teksten: list[str] = []
        for c in casussen:
            stukken = tekst_van(c)
            teksten.extend(stukken)
            eigenaar.extend([c.ref] * len(stukken))
        vecs = emb.embed_passages(teksten)
        scores = qvecs @ vecs.T
        rankings = []
        for rij in scores:
            beste: dict[str, float] = {}
            for ref, s in zip(eigenaar, rij, strict=True):
                beste[ref] = max(beste.get(ref, -1.0), float(s))
            rankings.append(sorted(beste, key=lambda r: -beste[r])[:K])
        result[naam] = meet(rankings, queries)
    return result


def _tekst(c: Any, *delen: str) -> str:
    waarden = {
        "titel": c.titel,
        "beschrijving": c.beschrijving,
        "toelichting": c.afweging.toelichting,
        "lessen": c.lessen or "",
        "commentaar": " ".join(k.tekst for k in c.commentaar or []),
    }
    return " ".join(waarden[d] for d in delen if waarden[d])


def tekstvarianten() -> dict[str, Callable[[Any], list[str]]]:
    """The choices `kb eval --teksten` compares (see search/text.py for the one in use)."""
    from search.text import chunks

    return {
        "titel+beschrijving": lambda c: [_tekst(c, "titel", "beschrijving")],
        "titel+beschrijving+toelichting": lambda c: [
            _tekst(c, "titel", "beschrijving", "toelichting")
        ],
        "idem, in stukken van 120 woorden": lambda c: chunks(
            _tekst(c, "titel", "beschrijving", "toelichting")
        ),
        "alles (ook commentaar, lessen), in stukken": lambda c: chunks(
            _tekst(c, "titel", "beschrijving", "toelichting", "commentaar", "lessen")
        ),
    }
