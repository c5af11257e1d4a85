"""Shared fixtures: real databases, the real embedder and the real seed corpus.

Embedding the seed corpus takes a while on two cores, so it is done once per
test session (`seeded_dir`); a test that writes gets its own copy of that
directory, database and index files together (`kb`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.service import Casusbank
from kb.settings import PROJECT_ROOT, Settings

DATA = Path(__file__).parent / "data"
SEEDS = PROJECT_ROOT / "seeds"


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pad = tmp_path_factory.mktemp("seeded") / "data"
    kb = Casusbank(Settings.for_dir(pad, seeds_dir=SEEDS))
    kb.seed_if_empty()
    kb.engine.dispose()
    return pad


def copy_kb(bron: Path, doel: Path) -> Casusbank:
    shutil.copytree(bron, doel)
    return Casusbank(Settings.for_dir(doel, seeds_dir=SEEDS))


@pytest.fixture
def kb(seeded_dir: Path, tmp_path: Path) -> Casusbank:
    """A seeded knowledge base of its own, safe to write to."""
    return copy_kb(seeded_dir, tmp_path / "data")


@pytest.fixture
def empty_kb(tmp_path: Path) -> Casusbank:
    return Casusbank(Settings.for_dir(tmp_path / "leeg", seeds_dir=SEEDS))
