"""Reciprocal rank fusion: combine rankings without calibrating their scores.

BM25 scores and cosine similarities live on different scales; RRF only uses
each case's rank in each list (Cormack et al., 2009), with the usual k = 60.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60


def ranking(scores: Mapping[int, float]) -> list[int]:
    """Ids from best to worst score; ties broken by id for a stable order."""
    return sorted(scores, key=lambda i: (-scores[i], i))


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    fused: dict[int, float] = {}
    for lijst in rankings:
        for rank, item in enumerate(lijst, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused
