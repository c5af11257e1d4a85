"""Database engine and schema migrations.

SQLite runs in WAL mode with foreign keys on, so readers (the web app) are not
blocked by an import and deleting a case removes its list values and
commentaar. The schema is owned by Alembic from the first table on; `open_db`
upgrades to the newest revision every time the knowledge base is opened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
T = TypeVar("T")


def _lower(tekst: str | None) -> str | None:
    return tekst.lower() if isinstance(tekst, str) else tekst


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # SQLite's own lower() only knows ASCII: "ÉÉN" and "COÖRDINATOR" found nothing in
    # the case-insensitive text filter, where PostgreSQL finds them. Python's does.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a no-op when it is already there."""
    command.upgrade(alembic_config(engine), revision)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back otherwise."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def unieke_botsing(exc: BaseException) -> bool:
    """A unique constraint hit (two requests inserting the same row), not another
    integrity error such as a missing foreign key, which is a bug and must stay one."""
    if not isinstance(exc, IntegrityError):
        return False
    if getattr(exc.orig, "sqlstate", None) == "23505":  # PostgreSQL: unique_violation
        return True
    return "UNIQUE constraint failed" in str(exc.orig)  # SQLite


def bij_botsing_opnieuw(schrijf: Callable[[], T]) -> T:
    """Run a check-then-insert write once more when a parallel request inserted the same
    row first (a double-click, two tabs): the second run finds the row and updates it,
    instead of the unique constraint's error reaching the user as a 500."""
    try:
        return schrijf()
    except IntegrityError as exc:
        if not unieke_botsing(exc):
            raise
        return schrijf()
