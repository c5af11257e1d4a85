"""Lexical search: BM25 over Dutch stems, and quoted phrases as required terms.

Officers write "pv", "Halt", "thuiszitter", "16-uursmelding": exact words the
dense model may blur. BM25 with Dutch Snowball stemming and stop words catches
them. A phrase in double quotes ("geen passende plek") must appear in a
result, as in CourtListener's search syntax.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

_WOORD = re.compile(r"\w+(?:-\w+)*", re.UNICODE)
_FRASE = re.compile(r'"([^"]+)"')
_STOPWOORDEN = frozenset(STOPWORDS_DUTCH) | {"wel", "nog", "al", "heel", "erg"}


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


def tokens(tekst: str) -> list[str]:
    """Lowercased Dutch stems without stop words; hyphenated words also split."""
    woorden: list[str] = []
    for woord in _WOORD.findall(tekst.lower()):
        delen = [woord, *woord.split("-")] if "-" in woord else [woord]
        woorden.extend(d for d in delen if d and d not in _STOPWOORDEN)
    return _stemmer().stemWords(woorden)


def phrases(query: str) -> list[str]:
    """The quoted phrases of a query, normalised for matching."""
    return [normalise(p) for p in _FRASE.findall(query) if p.strip()]


def normalise(tekst: str) -> str:
    return " ".join(_WOORD.findall(tekst.lower()))


def contains_phrases(tekst: str, frases: Sequence[str]) -> bool:
    genormaliseerd = f" {normalise(tekst)} "
    return all(f" {f} " in genormaliseerd for f in frases)


class LexicalIndex:
    """BM25 over a fixed list of (id, text); rebuilt when the cases change."""

    def __init__(self, ids: Sequence[int], teksten: Sequence[str]) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self._bm25: bm25s.BM25 | None = None
        corpus = [tokens(t) for t in teksten]
        if any(corpus):
            self._bm25 = bm25s.BM25()
            self._bm25.index(corpus, show_progress=False)
        self._n = len(corpus)

    def scores(self, query: str) -> dict[int, float]:
        """BM25 score per case id, only for cases that share a term with the query."""
        qt = tokens(query)
        if self._bm25 is None or not qt:
            return {}
        vocab = self._bm25.vocab_dict
        bekend = [t for t in qt if t in vocab]
        if not bekend:
            return {}
        s = self._bm25.get_scores(bekend)
        hits = np.nonzero(s > 0)[0]
        return {int(self.ids[i]): float(s[i]) for i in hits}
