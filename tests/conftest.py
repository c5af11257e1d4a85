"""Shared fixtures: real databases, the real embedder and the real seed corpus.

Embedding the seed corpus takes a while on two cores, so it is done once per
test session (`seeded_dir`); a test that writes gets its own copy of that
directory, database and index files together (`kb`).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from kb import accounts
from kb.service import Casusbank
from kb.settings import PROJECT_ROOT, Settings
from kb.toegang import Gebruiker

DATA = Path(__file__).parent / "data"
SEEDS = PROJECT_ROOT / "seeds"


WACHTWOORD = "een-lang-testwachtwoord"
# The accounts every seeded test knowledge base has: name -> (role, partij).
ACCOUNTS: dict[str, tuple[str, str | None]] = {
    "lp": ("leerplicht", None),
    "lp2": ("leerplicht", None),
    "red": ("redactie", None),
    "red2": ("redactie", None),
    "om": ("keten", "om"),
    "rvdk": ("keten", "rvdk"),
    "halt": ("keten", "halt"),
    "beheer": ("beheer", None),
}


def maak_accounts(kb: Casusbank) -> None:
    with kb.session() as s:
        for naam, (rol, partij) in ACCOUNTS.items():
            accounts.maak(s, naam, rol, WACHTWOORD, partij=partij)


def gebruiker(kb: Casusbank, naam: str) -> Gebruiker:
    with kb.session() as s:
        return accounts.als_gebruiker(accounts.vind(s, naam))


def csrf_uit(html: str) -> str:
    gevonden = re.search(r'name="csrf" value="([^"]+)"', html)
    assert gevonden, "geen CSRF-veld in de pagina"
    return gevonden.group(1)


def log_in(client: TestClient, naam: str, wachtwoord: str = WACHTWOORD) -> TestClient:
    """Log in through the login form, as a browser does; afterwards every request the
    client makes carries the session's CSRF token as htmx would send it."""
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    pagina = client.get("/login")
    r = client.post(
        "/login",
        data={"naam": naam, "wachtwoord": wachtwoord, "csrf": csrf_uit(pagina.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, f"inloggen als {naam} mislukt: {r.status_code}"
    client.headers["X-CSRF-Token"] = csrf_uit(client.get("/account").text)
    return client


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pad = tmp_path_factory.mktemp("seeded") / "data"
    kb = Casusbank(Settings.for_dir(pad, seeds_dir=SEEDS))
    kb.seed_if_empty()
    maak_accounts(kb)
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


# The local PostgreSQL server of these machines (trust auth, database `test`).
PG_URL = os.environ.get("KB_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        with create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://")).connect():
            return True
    except Exception:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema per test, dropped afterwards."""
    if not _pg_available():
        pytest.skip(f"PostgreSQL niet bereikbaar op {PG_URL}")
    schema = f"kbtest_{uuid.uuid4().hex[:8]}"
    beheer = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
    with beheer.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with beheer.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
