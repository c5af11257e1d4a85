"""Which text of a case is embedded and searched.

Measured with `kb eval` on the seed corpus (see docs/search-quality.md): the
description and the officer's reasoning carry what a new twijfelgeval is
compared on; commentaar and lessen add noise for the dense model but help BM25
find OM/RvdK terms. Long texts are cut into overlapping chunks of words, so
that a detail at the end of a long description is not truncated away at the
model's 512-token limit; a case scores by its best chunk.
"""

from __future__ import annotations

from kb.models import CasusRij

CHUNK_WOORDEN = 120
CHUNK_OVERLAP = 30
MAX_CHUNKS = 16  # vector id = casus_id * MAX_CHUNKS + chunk number


def dense_text(rij: CasusRij) -> str:
    return f"{rij.titel}. {rij.beschrijving} {rij.toelichting}"


def lexical_text(rij: CasusRij) -> str:
    delen = [
        rij.titel,
        rij.beschrijving,
        rij.toelichting,
        rij.uitkomst_toelichting or "",
        rij.lessen or "",
    ]
    delen.extend(c.tekst for c in rij.commentaren)
    return "\n".join(delen)


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
