"""Which text of a case is embedded and searched.

Measured with `kb eval --teksten` on the seed corpus (docs/zoekkwaliteit.md):
for the dense model the title and description work best (an officer's query
describes a situation, as the description does); adding the reasoning changed
nothing, adding commentaar and lessen made it worse, and cutting short cases
into 120-word chunks cost 0.09 nDCG. BM25 gets all text, since OM/RvdK terms
in the commentaar are exactly what a lexical match should find. Only texts
longer than the model's 512-token window (about 300 words) are cut into
overlapping chunks; a case then scores by its best chunk.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.models import CasusRij

CHUNK_WOORDEN = 300
CHUNK_OVERLAP = 50
MAX_CHUNKS = 16  # vector id = casus_id * MAX_CHUNKS + chunk number
# Stamped into the index: when what is embedded changes, the index is rebuilt.
TEKST_VERSIE = f"titel+beschrijving/{CHUNK_WOORDEN}/{CHUNK_OVERLAP}"


def dense_text(rij: CasusRij) -> str:
    return f"{rij.titel}. {rij.beschrijving}"


# Everything a lexical match may find, OM/RvdK commentaar included.
LEXICAL_KOLOMMEN = ("titel", "beschrijving", "toelichting", "uitkomst_toelichting", "lessen")


def join_lexical(teksten: Iterable[str | None], commentaren: Iterable[str]) -> str:
    return "\n".join([*(t or "" for t in teksten), *commentaren])


def lexical_text(rij: CasusRij) -> str:
    return join_lexical(
        (getattr(rij, k) for k in LEXICAL_KOLOMMEN), (c.tekst for c in rij.commentaren)
    )


def chunks(tekst: str, woorden: int = CHUNK_WOORDEN, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """Overlapping word windows; short texts stay whole."""
    alle = tekst.split()
    if len(alle) <= woorden:
        return [tekst]
    stap = woorden - overlap
    result = []
    for start in range(0, len(alle), stap):
        result.append(" ".join(alle[start : start + woorden]))
        if start + woorden >= len(alle) or len(result) == MAX_CHUNKS:
            break
    return result
