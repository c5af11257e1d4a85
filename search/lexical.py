"""Lexical search: BM25 over Dutch stems, and quoted phrases as required terms.

Officers write "pv", "Halt", "thuiszitter", "16-uursmelding": exact words the
dense model may blur. BM25 with Dutch Snowball stemming and stop words catches
them. A phrase in double quotes ("geen passende plek") must appear in a
result, as in CourtListener's search syntax.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH
from bm25s.tokenization import Tokenized

# bm25s sets its logger to DEBUG when imported, and deduce gives the root logger a
# handler: every rebuild of the index (the first search after a save) would print
# "DEBUG:bm25s:Building index from IDs objects" in the CLI, the server and the tools.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# A word: letters and digits, hyphenated parts included ("16-uursmelding").
WOORD = re.compile(r"\w+(?:-\w+)*")
_FRASE = re.compile(r'"([^"]+)"')
_STOPWOORDEN = frozenset(STOPWORDS_DUTCH) | {"wel", "nog", "al", "heel", "erg"}


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


def woorden(tekst: str) -> list[str]:
    """Lowercased words without stop words; hyphenated words also split (see `_termen`)."""
    return [t for woord in WOORD.findall(tekst) for t in _termen(woord)]


def _termen(woord: str) -> list[str]:
    """One word's terms: lowercased, without stop words, a hyphenated word whole and in parts.

    A stop word in capitals is an abbreviation, not the word: "OM" (Openbaar
    Ministerie) is what a case about a pv decision turns on, "om" is filler.
    """
    if len(woord) > 1 and woord.isupper() and woord.lower() in _STOPWOORDEN:
        return [woord.lower()]
    woord = woord.lower()
    delen = [woord, *woord.split("-")] if "-" in woord else [woord]
    return [d for d in delen if d and d not in _STOPWOORDEN]


def stammen(woorden: list[str]) -> list[str]:
    return _stemmer().stemWords(woorden)


@lru_cache(maxsize=200_000)
def stammen_van_woord(woord: str) -> tuple[str, ...]:
    """The stems of one word as `tokens` gives them, remembered.

    Stemming one word at a time is where tokenising spent its time: rebuilding BM25
    (after every change) and the snippet of every search result look up the same
    words again and again. A Dutch casuistry has tens of thousands of distinct
    words, so the cache holds them all.
    """
    return tuple(stammen(_termen(woord)))


def tokens(tekst: str) -> list[str]:
    """Lowercased Dutch stems without stop words; hyphenated words also split."""
    return [s for w in WOORD.findall(tekst) for s in stammen_van_woord(w)]


def phrases(query: str) -> list[str]:
    """The quoted phrases of a query, normalised for matching."""
    return [normalise(p) for p in _FRASE.findall(query) if p.strip()]


def normalise(tekst: str) -> str:
    return " ".join(WOORD.findall(tekst.lower()))


def contains_phrases(tekst: str, frases: Sequence[str]) -> bool:
    genormaliseerd = f" {normalise(tekst)} "
    return all(f" {f} " in genormaliseerd for f in frases)


class Termen:
    """Each case's BM25 terms as vocabulary ids, kept between rebuilds of the index.

    BM25 is rebuilt in memory after every change to the cases; tokenising every text
    again was most of that (about 20 s at 100k cases). Kept here, only the cases whose
    stamp changed are tokenised again. Ids are int32 arrays (about 1.3 KB per case of
    300 words), and the vocabulary only grows: a term of a deleted case stays known,
    which changes no score.
    """

    def __init__(self, analyse: Callable[[str], list[str]] = tokens) -> None:
        self.analyse = analyse
        self.vocab: dict[str, int] = {}
        self.per_casus: dict[int, tuple[str, np.ndarray]] = {}

    def bij(
        self,
        stempels: dict[int, str],
        teksten: Callable[[list[int]], Iterable[tuple[int, str]]],
    ) -> int:
        """Forget cases that are gone, tokenise those that are new or changed (their
        texts come from `teksten`); returns how many were tokenised."""
        for cid in [c for c in self.per_casus if c not in stempels]:
            del self.per_casus[cid]
        te_doen = [c for c, st in stempels.items() if self.per_casus.get(c, ("",))[0] != st]
        for cid, tekst in teksten(te_doen):
            self.zet(cid, stempels[cid], tekst)
        return len(te_doen)

    def zet(self, cid: int, stempel: str, tekst: str) -> None:
        """One case's terms, as vocabulary ids."""
        termen = (self.vocab.setdefault(t, len(self.vocab)) for t in self.analyse(tekst))
        self.per_casus[cid] = (stempel, np.fromiter(termen, dtype=np.int32))


class LexicalIndex:
    """BM25 over (id, text) pairs; rebuilt when the cases change.

    Texts are tokenised one at a time into vocabulary ids, so memory holds ints
    rather than millions of stem strings (at 100k cases that was the difference
    between 2.6 GB and well under half of it).
    """

    def __init__(
        self,
        documenten: Iterable[tuple[int, str]],
        analyse: Callable[[str], list[str]] = tokens,
    ) -> None:
        termen = Termen(analyse)
        for doc_id, tekst in documenten:
            termen.zet(doc_id, "", tekst)
        self._bouw(termen)

    @classmethod
    def uit_termen(cls, termen: Termen) -> LexicalIndex:
        """The index over the kept terms of every case (see `Termen`)."""
        index = cls.__new__(cls)
        index._bouw(termen)
        return index

    def _bouw(self, termen: Termen) -> None:
        self._analyse = termen.analyse
        ids = sorted(termen.per_casus)
        self.ids = np.asarray(ids, dtype=np.int64)
        self._bm25: bm25s.BM25 | None = None
        if termen.vocab:
            # The int32 arrays themselves: as lists of Python ints they took twice the
            # memory again while building (the peak at 100k cases rose from 1.6 to 1.95 GB).
            corpus = [termen.per_casus[c][1] for c in ids]
            self._bm25 = bm25s.BM25()
            # A copy of the vocabulary: bm25s adds its empty token to the one it is given.
            self._bm25.index(Tokenized(ids=corpus, vocab=dict(termen.vocab)), show_progress=False)

    def scores(
        self, query: str, k: int | None = None, toegestaan: set[int] | None = None
    ) -> dict[int, float]:
        """BM25 score per case id for cases sharing a term with the query: the best `k`
        only, among `toegestaan` when given. Selecting in numpy matters at 100k cases,
        where a common word matches nearly every case."""
        qt = self._analyse(query)
        if self._bm25 is None or not qt:
            return {}
        vocab = self._bm25.vocab_dict
        bekend = [t for t in qt if t in vocab]
        if not bekend:
            return {}
        s = np.asarray(self._bm25.get_scores(bekend), dtype=np.float32)
        if toegestaan is not None:
            s = np.where(np.isin(self.ids, np.fromiter(toegestaan, dtype=np.int64)), s, 0)
        hits = np.flatnonzero(s > 0)
        if k is not None and len(hits) > k:
            hits = hits[np.argpartition(-s[hits], k - 1)[:k]]
        return {int(self.ids[i]): float(s[i]) for i in hits}
