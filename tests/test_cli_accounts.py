"""`kb user ...`, `kb import --concept`, `kb export` and `kb audit`: the CLI acts as beheer.

Run through Typer's runner against a real knowledge base directory, as an
administrator types them on the server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kb import accounts, audit, review
from kb.cli import _eerste_beheerder, app
from kb.export_csv import lees_csv
from kb.service import Casusbank
from kb.settings import Settings
from tests.conftest import DATA, SEEDS, WACHTWOORD, csrf_uit, gebruiker, log_in
from web.app import create_app

runner = CliRunner()


@pytest.fixture
def omgeving(kb: Casusbank, monkeypatch: pytest.MonkeyPatch) -> Casusbank:
    monkeypatch.setenv("KB_DATA_DIR", str(kb.settings.data_dir))
    return kb


def test_user_add_reads_the_password_from_stdin_and_the_account_can_log_in(
    omgeving: Casusbank,
) -> None:
    r = runner.invoke(app, ["user", "add", "officier", "--role", "leerplicht"],
                      input="een-goed-wachtwoord\n")
    assert r.exit_code == 0, r.output
    assert "Account 'officier' (leerplicht) aangemaakt." in r.output
    r = runner.invoke(app, ["user", "add", "om-jansen", "--role", "keten", "--partij", "om"],
                      input="nog-een-wachtwoord\n")
    assert r.exit_code == 0, r.output
    with TestClient(create_app(omgeving)) as c:
        assert "Mijn casussen" in log_in(c, "officier", "een-goed-wachtwoord").get("/").text
        assert "OM" in log_in(c, "om-jansen", "nog-een-wachtwoord").get("/").text


@pytest.mark.parametrize(
    "args, invoer, melding",
    [
        (["user", "add", "x1", "--role", "koning"], "een-goed-wachtwoord\n", "Onbekende rol"),
        (["user", "add", "x2", "--role", "keten"], "een-goed-wachtwoord\n", "partij"),
        (["user", "add", "x3", "--role", "leerplicht", "--partij", "om"], "een-goed-wachtwoord\n",
         "Alleen een ketenaccount"),
        (["user", "add", "x4", "--role", "leerplicht"], "kort\n", "minstens 10 tekens"),
        (["user", "add", "lp", "--role", "leerplicht"], "een-goed-wachtwoord\n", "al een account"),
        (["user", "passwd", "niemand"], "een-goed-wachtwoord\n", "geen account"),
        (["user", "disable", "niemand"], "", "geen account"),
    ],
)
def test_user_commands_refuse_bad_input_with_a_clear_message(
    omgeving: Casusbank, args: list[str], invoer: str, melding: str
) -> None:
    r = runner.invoke(app, args, input=invoer)
    assert r.exit_code == 1 and melding in r.output, r.output


def test_passwd_and_disable_take_effect_for_the_web_app(omgeving: Casusbank) -> None:
    r = runner.invoke(app, ["user", "passwd", "lp2", "--genereer"])
    assert r.exit_code == 0 and "Eenmalig wachtwoord: " in r.output
    eenmalig = r.output.split("Eenmalig wachtwoord: ")[1].split()[0]
    with TestClient(create_app(omgeving)) as c:
        pagina = c.get("/login")
        inlog = {"naam": "lp2", "wachtwoord": eenmalig, "csrf": csrf_uit(pagina.text)}
        r2 = c.post("/login", data=inlog, follow_redirects=False)
        assert r2.headers["location"] == "/account/wachtwoord"  # one-time: choose your own
    assert runner.invoke(app, ["user", "disable", "lp2"]).exit_code == 0
    with omgeving.session() as s, pytest.raises(accounts.AccountFout):
        accounts.aanmelden(s, "lp2", eenmalig, "127.0.0.1")
    lijst = runner.invoke(app, ["user", "list"]).output
    assert "lp2" in lijst and "uitgeschakeld" in lijst


def test_a_generated_password_cannot_be_kept_but_the_administrator_may_reset_any_password(
    omgeving: Casusbank,
) -> None:
    r = runner.invoke(app, ["user", "add", "tester", "--role", "leerplicht", "--genereer"])
    eenmalig = r.output.split("Eenmalig wachtwoord: ")[1].split()[0]
    with TestClient(create_app(omgeving)) as c:
        pagina = c.get("/login")
        c.post("/login", data={"naam": "tester", "wachtwoord": eenmalig,
                               "csrf": csrf_uit(pagina.text)})
        csrf = csrf_uit(c.get("/account/wachtwoord").text)
        r2 = c.post("/account/wachtwoord", data={
            "csrf": csrf, "huidig": eenmalig, "nieuw": eenmalig, "herhaal": eenmalig})
        assert r2.status_code == 422 and "Kies een ander wachtwoord" in r2.text
        assert "Uw wachtwoord is gewijzigd" not in r2.text
    with omgeving.session() as s:
        assert accounts.aanmelden(s, "tester", eenmalig, None).moet_wachtwoord_wijzigen
    # `kb user passwd` is the administrator's path: a new one-time password, or any
    # password at all, the account's current one included.
    r = runner.invoke(app, ["user", "passwd", "tester", "--genereer"])
    assert r.exit_code == 0 and "Eenmalig wachtwoord: " in r.output
    r = runner.invoke(app, ["user", "passwd", "lp"], input=WACHTWOORD + "\n")
    assert r.exit_code == 0, r.output
    with omgeving.session() as s:
        assert not accounts.aanmelden(s, "lp", WACHTWOORD, None).moet_wachtwoord_wijzigen


def test_import_publishes_unless_concept_and_export_carries_only_published_cases(
    omgeving: Casusbank, tmp_path: Path
) -> None:
    r = runner.invoke(app, ["import", "--concept", str(DATA / "voorbeeld.yaml")])
    assert r.exit_code == 0 and "ter review" in r.output, r.output
    ref = "VB-2024-001"
    assert review.info(omgeving, ref, gebruiker(omgeving, "red")).status == "ter_review"
    # In the redactie's queue: imported without an author account, nobody else has it.
    assert ref in [c.ref for c in review.wachtrij(omgeving, gebruiker(omgeving, "red"))]
    assert ref not in runner.invoke(app, ["export", "-f", "jsonl"]).output
    assert ref in runner.invoke(app, ["export", "-f", "jsonl", "--met-concepten"]).output
    r = runner.invoke(app, ["import", str(DATA / "voorbeeld.yaml")])
    assert r.exit_code == 0 and "gepubliceerd" in r.output
    assert review.info(omgeving, ref, gebruiker(omgeving, "lp")).status == "gepubliceerd"
    assert ref in runner.invoke(app, ["export", "-f", "jsonl"]).output


def test_importing_unchanged_cases_for_review_leaves_them_published(
    omgeving: Casusbank, tmp_path: Path
) -> None:
    """A review saw a second `--concept` import of the same file take live cases out of
    search, saying only "bijgewerkt"."""
    bestand = str(DATA / "voorbeeld.yaml")
    assert runner.invoke(app, ["import", bestand]).exit_code == 0
    r = runner.invoke(app, ["import", "--concept", bestand])
    assert r.exit_code == 0 and "ongewijzigd gelaten" in r.output, r.output
    assert "Let op" not in r.output
    ref = "VB-2024-001"
    assert review.info(omgeving, ref, gebruiker(omgeving, "lp")).status == "gepubliceerd"


def test_an_unchanged_concept_imported_for_review_moves_on_to_the_queue(
    omgeving: Casusbank,
) -> None:
    """Concepts left by an import before --concept filled the queue are not stranded."""
    from kb.store import save_cases
    from kb.vocabulary import Status

    bestand = DATA / "voorbeeld.yaml"
    casus = omgeving.import_files([bestand], dry_run=True).cases
    with omgeving.session() as s:
        save_cases(s, casus, status=Status.concept)
        s.commit()
    assert runner.invoke(app, ["import", "--concept", str(bestand)]).exit_code == 0
    ref = "VB-2024-001"
    assert review.info(omgeving, ref, gebruiker(omgeving, "red")).status == "ter_review"


def test_a_changed_published_case_imported_for_review_is_named_as_out_of_search(
    omgeving: Casusbank, tmp_path: Path
) -> None:
    bron = (DATA / "voorbeeld.yaml").read_text(encoding="utf-8")
    assert runner.invoke(app, ["import", str(DATA / "voorbeeld.yaml")]).exit_code == 0
    gewijzigd = tmp_path / "gewijzigd.yaml"
    gewijzigd.write_text(bron.replace("ruim 140 uur", "ruim 141 uur", 1), encoding="utf-8")
    assert gewijzigd.read_text(encoding="utf-8") != bron
    r = runner.invoke(app, ["import", "--concept", str(gewijzigd)])
    assert r.exit_code == 0, r.output
    assert "Let op: 1 gepubliceerde casus staat nu ter review" in r.output
    assert "VB-2024-001" in r.output


def test_audit_exports_the_log_as_csv(omgeving: Casusbank, tmp_path: Path) -> None:
    runner.invoke(app, ["user", "add", "nieuw", "--role", "redactie"], input="een-goed-wachtwoord\n")
    uit = tmp_path / "audit.csv"
    assert runner.invoke(app, ["audit", "-o", str(uit)]).exit_code == 0
    kop, *rijen = lees_csv(uit.read_text(encoding="utf-8"))
    assert tuple(kop) == audit.KOLOMMEN
    per_rij = [dict(zip(kop, r, strict=True)) for r in rijen]
    aangemaakt = [r for r in per_rij if r["Actie"] == audit.ACTIES["gebruiker_aangemaakt"]]
    assert aangemaakt[0]["Onderwerp"] == "nieuw"
    assert aangemaakt[0]["Gebruiker"] == "kb-opdrachtregel"


def test_a_user_name_typed_at_login_cannot_become_a_spreadsheet_formula(
    omgeving: Casusbank, tmp_path: Path
) -> None:
    with omgeving.session() as s, pytest.raises(accounts.AccountFout):
        accounts.aanmelden(s, '=HYPERLINK("http://evil.example","klik")', "x" * 12, "10.0.0.9")
    uit = tmp_path / "audit.csv"
    runner.invoke(app, ["audit", "-o", str(uit)])
    _, *rijen = lees_csv(uit.read_text(encoding="utf-8"))
    namen = [r[1] for r in rijen if r[1]]
    assert "'=HYPERLINK(\"http://evil.example\",\"klik\")" in namen
    assert not any(n.startswith(("=", "+", "-", "@")) for n in namen)


def test_a_fresh_knowledge_base_gets_a_first_beheer_account_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = Casusbank(Settings.for_dir(tmp_path / "vers", seeds_dir=SEEDS))
    monkeypatch.delenv("KB_ADMIN_PASSWORD", raising=False)
    _eerste_beheerder(kb)
    uitvoer = capsys.readouterr().out
    assert "gebruikersnaam 'beheer'" in uitvoer and "Eenmalig wachtwoord: " in uitvoer
    eenmalig = uitvoer.split("Eenmalig wachtwoord: ")[1].split()[0]
    with kb.session() as s:
        wie = accounts.aanmelden(s, "beheer", eenmalig, None)
    assert wie.rol == "beheer" and wie.moet_wachtwoord_wijzigen
    _eerste_beheerder(kb)  # a second start leaves it alone
    assert "Eenmalig" not in capsys.readouterr().out


def test_kb_admin_password_sets_the_first_beheer_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = Casusbank(Settings.for_dir(tmp_path / "vers", seeds_dir=SEEDS))
    monkeypatch.setenv("KB_ADMIN_PASSWORD", WACHTWOORD)
    _eerste_beheerder(kb)
    with kb.session() as s:
        assert not accounts.aanmelden(s, "beheer", WACHTWOORD, None).moet_wachtwoord_wijzigen
