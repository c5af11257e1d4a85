"""Reciprocal rank fusion: combine rankings without calibrating their scores.

BM25 scores and cosine similarities live on different scales; RRF only uses
each case's rank in each list (Cormack et al., 2009), with the usual k = 60.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

RRF_K = 60


def ranking(scores: Mapping[Any, float]) -> list[Any]:
    """Ids from best to worst score; ties broken by id for a stable order."""
    return sorted(scores, key=lambda i: (-scores[i], i))


def rrf(
    rankings: Sequence[Sequence[Any]],
    k: int = RRF_K,
    gewichten: Sequence[float] | None = None,
) -> dict[Any, float]:
    """Sum of 1 / (k + rank) over the lists. Search uses equal weights; `gewichten` is
    for measuring other weightings (`python -m search.experimenten gewichten`)."""
    fused: dict[Any, float] = {}
    for nr, lijst in enumerate(rankings):
        gewicht = gewichten[nr] if gewichten is not None else 1.0
        for rank, item in enumerate(lijst, start=1):
            fused[item] = fused.get(item, 0.0) + gewicht / (k + rank)
    return fused
