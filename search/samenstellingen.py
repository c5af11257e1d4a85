"""Dutch compounds split into parts the corpus knows, so "melding" finds "verzuimmelding".

Dutch writes compounds as one word (schoolverzuim, leerplichtambtenaar,
zorgmelding), so a query that says "verzuim op school" shares no term with a
case that says "schoolverzuim". Without a Dutch dictionary at hand the corpus
is the dictionary: a word is split when every part is itself a word of the
corpus, allowing the linking -s- (gezinscoach = gezin + coach). Among the
possible splits the one with the highest geometric mean of part frequencies
wins (Koehn & Knight, 2003). The whole word is always kept too, so an exact
match still scores as before.

Measured and not adopted (docs/zoekkwaliteit.md: BM25 +0.005 to +0.008 but hybrid
-0.003 to -0.006); kept so that `python -m search.experimenten samenstellingen`
prints the figures again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import cache

MIN_DEEL = 4  # shorter parts ("uur", "dag", "ik") match too much by accident
MAX_DELEN = 3


def splitser(
    frequenties: Mapping[str, int], min_deel: int = MIN_DEEL
) -> Callable[[str], tuple[str, ...]]:
    """A function from a word to its parts (empty when it is no compound of known words)."""

    def bekend(deel: str) -> int:
        return frequenties.get(deel, 0) if len(deel) >= min_deel else 0

    @cache
    def opties(woord: str, diepte: int) -> tuple[tuple[str, ...], ...]:
        """Every way to write `woord` as 1..diepte known words (with an optional -s- link)."""
        gevonden: list[tuple[str, ...]] = [(woord,)] if bekend(woord) else []
        if diepte == 1:
            return tuple(gevonden)
        for i in range(min_deel, len(woord) - min_deel + 1):
            kop, rest = woord[:i], woord[i:]
            koppen = [kop] if bekend(kop) else []
            if kop.endswith("s") and bekend(kop[:-1]):
                koppen.append(kop[:-1])
            for k in koppen:
                gevonden.extend((k, *staart) for staart in opties(rest, diepte - 1))
        return tuple(gevonden)

    def splits(woord: str) -> tuple[str, ...]:
        if len(woord) < 2 * min_deel:
            return ()
        kandidaten = [o for o in opties(woord, MAX_DELEN) if len(o) > 1]
        if not kandidaten:
            return ()
        return max(
            kandidaten,
            key=lambda o: sum(math.log(frequenties[d]) for d in o) / len(o),
        )

    return splits
