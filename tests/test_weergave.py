"""What the pages say, as a Dutch user reads them: times on the Dutch clock, the user's own
unpublished cases marked as such, singular and plural, page numbers that exist, labels
rather than codes in downloads, and no library debug lines on the console.

A real seeded knowledge base and the real app (TestClient), as in test_web_routes.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlmodel import update
from typer.testing import CliRunner

from kb import intervisie, ketenoverleg, review
from kb.cli import app as cli
from kb.export_csv import lees_csv
from kb.models import AuditRij, CasusRij, CommentaarVersie, GebruikerRij, IntervisieRij, VraagRij
from kb.schema import Casus
from kb.service import Casusbank, serialise
from kb.vocabulary import LABELS
from tests.conftest import DATA, gebruiker, log_in
from web.app import create_app
from web.templating import lokaal, templates

VOORBEELD: dict[str, Any] = yaml.safe_load((DATA / "voorbeeld.yaml").read_text(encoding="utf-8"))
REF = "WEER-2024-001"

# 22:30 UTC on 1 July is half past midnight on 2 July in the Netherlands (summer time).
ZOMERNACHT_UTC = datetime(2024, 7, 1, 22, 30)
ZOMERNACHT_NL = "02-07-2024 00:30"
ZOMERNACHT_ALS_UTC = "01-07-2024 22:30"


def nieuw(kb: Casusbank, door: str = "lp", **wijzigingen: Any) -> str:
    data = copy.deepcopy(VOORBEELD)
    data.update({"ref": REF, **wijzigingen})
    return kb.save(data, door=gebruiker(kb, door)).ref


@pytest.fixture
def client(kb: Casusbank) -> Iterator[TestClient]:
    with TestClient(create_app(kb)) as c:
        yield log_in(c, "lp")


# --- times -----------------------------------------------------------------------------


def test_a_stored_utc_time_is_shown_on_the_dutch_clock_in_winter_and_in_summer() -> None:
    assert lokaal(datetime(2024, 1, 15, 23, 30)) == "16-01-2024 00:30"  # UTC+1
    assert lokaal(ZOMERNACHT_UTC) == ZOMERNACHT_NL  # UTC+2
    assert lokaal(datetime(2024, 1, 15, 12, 0), "%d-%m-%Y") == "15-01-2024"
    assert lokaal(None) == ""


def test_every_page_shows_stored_times_on_the_dutch_clock(kb: Casusbank) -> None:
    lp, om = gebruiker(kb, "lp"), gebruiker(kb, "om")
    nieuw(kb)
    ketenoverleg.stel_vraag(kb, REF, lp, partij="om",
                            tekst="Zou het OM bij deze ouders een pv verwachten?")
    review.bied_aan(kb, REF, lp)
    cid = ketenoverleg.voeg_toe(kb, "SEED-001", om, oordeel="oneens", moment="achteraf",
                                tekst="Het OM had hier eerder een strafbeschikking verwacht.")
    ketenoverleg.wijzig(kb, cid, om, oordeel="aanvullend", moment="achteraf",
                        tekst="Het OM had hier eerder een strafbeschikking verwacht, na Halt.")
    code = intervisie.start(kb, lp, refs=["SEED-042"])
    with kb.session() as s:
        for kolom in (CasusRij.gewijzigd, GebruikerRij.laatst_ingelogd, VraagRij.gesteld_op,
                      CommentaarVersie.geschreven, IntervisieRij.aangemaakt, AuditRij.tijd):
            s.exec(update(kolom.class_).values({kolom.key: ZOMERNACHT_UTC}))
        s.commit()

    paginas = {
        "lp": ["/mijn", f"/casus/{REF}", "/casus/SEED-001", "/intervisie",
               f"/intervisie/{code}/samenvatting"],
        "red": ["/review"],
        "om": ["/vragen"],
        "beheer": ["/beheer/gebruikers", "/beheer/audit"],  # other users' last login
    }
    with TestClient(create_app(kb)) as c:
        for naam, adressen in paginas.items():
            log_in(c, naam)
            for adres in adressen:
                html = c.get(adres).text
                verwacht = ZOMERNACHT_NL[:10] if adres.startswith("/intervisie") else ZOMERNACHT_NL
                assert verwacht in html, adres
                assert ZOMERNACHT_ALS_UTC[:10] not in html, adres
        audit = c.get("/beheer/audit").text
        assert f"{ZOMERNACHT_NL}:00" in audit and "Tijden in Nederlandse tijd" in audit
        assert "Tijden in UTC" not in audit


def test_the_audit_csv_keeps_utc_and_says_so(kb: Casusbank) -> None:
    with kb.session() as s:
        s.exec(update(AuditRij).values(tijd=ZOMERNACHT_UTC))
        s.commit()
    with TestClient(create_app(kb)) as c:
        log_in(c, "beheer")
        kop, *rijen = lees_csv(c.get("/beheer/audit.csv").text)
    assert kop[0] == "Tijd (UTC)"
    assert "2024-07-01 22:30:00" in [r[0] for r in rijen]


# --- the user's own unpublished cases ----------------------------------------------------


def _lijstregel(html: str, ref: str) -> str:
    gevonden = re.search(rf'<li>\s*<a class="casuslijst-titel" href="/casus/{ref}">.*?</li>',
                         html, re.S)
    assert gevonden, f"{ref} staat niet in de lijst"
    return gevonden.group(0)


def test_browsing_marks_the_users_own_concept_and_says_how_many_are_unpublished(
    kb: Casusbank, client: TestClient
) -> None:
    nieuw(kb)
    html = client.get("/bladeren", params={"q": REF}).text
    assert 'class="badge ongepubliceerd status-concept"' in _lijstregel(html, REF)
    assert ">Concept<" in _lijstregel(html, REF)
    totaal = kb.count()
    alles = client.get("/bladeren").text
    assert f"{totaal} casussen, waarvan 1 van u nog niet gepubliceerd" in alles
    assert "ongepubliceerd" not in _lijstregel(alles, "SEED-001")


def test_a_concept_offered_for_review_is_marked_ter_review(
    kb: Casusbank, client: TestClient
) -> None:
    nieuw(kb)
    review.bied_aan(kb, REF, gebruiker(kb, "lp"))
    regel = _lijstregel(client.get("/bladeren", params={"q": REF}).text, REF)
    assert "status-ter_review" in regel and ">Ter review<" in regel


def test_colleagues_see_neither_the_concept_nor_a_note_about_it(kb: Casusbank) -> None:
    gepubliceerd = kb.count()
    nieuw(kb)
    with TestClient(create_app(kb)) as c:
        html = log_in(c, "lp2").get("/bladeren").text
    assert f"{gepubliceerd} casussen" in html
    assert "nog niet gepubliceerd" not in html and REF not in html


def test_search_results_mark_the_users_own_concept_and_the_summary_says_it_counts(
    kb: Casusbank, client: TestClient
) -> None:
    nieuw(kb)
    html = client.get("/", params={"q": VOORBEELD["beschrijving"]}).text
    kaarten = re.findall(r'<article class="resultaat".*?</article>', html, re.S)
    concept = [k for k in kaarten if f'id="r-{REF}"' in k]
    assert concept, "het eigen concept hoort bij deze beschrijving in de resultaten"
    assert ">Concept<" in concept[0]
    assert sum("ongepubliceerd" in k for k in kaarten) == 1
    assert "Daarbij telt 1 eigen casus mee die nog niet is gereviewd." in html
    kop, *rijen = lees_csv(client.get("/zoeken.csv", params={"q": VOORBEELD["beschrijving"]}).text)
    status = {r[kop.index("Ref")]: r[kop.index("Status")] for r in rijen}
    assert status[REF] == "Concept"
    assert {s for ref, s in status.items() if ref != REF} == {"Gepubliceerd"}


def test_a_search_without_own_concepts_adds_no_note(client: TestClient) -> None:
    html = client.get("/", params={"q": VOORBEELD["beschrijving"]}).text
    assert "ongepubliceerd" not in html and "nog niet is gereviewd" not in html


# --- singular and plural -------------------------------------------------------------------


def _situatie(duur_weken: int) -> str:
    data = copy.deepcopy(VOORBEELD)
    data["verzuim"]["duur_weken"] = duur_weken
    macro = '{% from "intervisie_macros.html" import situatie %}{{ situatie(s) }}'
    return templates.env.from_string(macro).render(s=Casus.model_validate(data))


def test_the_exercise_case_says_one_week_and_three_weeks() -> None:
    assert "<span>1 week</span>" in _situatie(1)
    assert "<span>3 weken</span>" in _situatie(3)


def test_the_intervisie_summary_says_one_participant(kb: Casusbank, client: TestClient) -> None:
    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    intervisie.doe_mee(kb, code, "Anna")
    assert "<span>1 deelnemer</span>" in client.get(f"/intervisie/{code}/samenvatting").text
    assert "<span>1 deelnemer</span>" in client.get("/intervisie").text
    intervisie.doe_mee(kb, code, "Bram")
    assert "<span>2 deelnemers</span>" in client.get(f"/intervisie/{code}/samenvatting").text


def test_the_intervisie_verslag_dates_on_the_dutch_clock_and_counts_one_participant(
    kb: Casusbank,
) -> None:
    from sqlmodel import select

    from kb.models import IntervisieRij

    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    intervisie.doe_mee(kb, code, "Anna")
    with kb.session() as s:  # started late on a summer evening, UTC
        rij = s.exec(select(IntervisieRij).where(IntervisieRij.code == code)).one()
        rij.aangemaakt = ZOMERNACHT_UTC
        s.add(rij)
    kop = intervisie.als_markdown(intervisie.stand(kb, code)).splitlines()[2]
    assert lokaal(ZOMERNACHT_UTC, "%d-%m-%Y") in kop and kop.endswith("· 1 deelnemer")


def test_a_dry_run_of_one_case_says_one_case(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "data"))
    pad = tmp_path / "een.yaml"
    pad.write_text(serialise([VOORBEELD], "yaml"), encoding="utf-8")
    uitvoer = CliRunner().invoke(cli, ["import", "--dry-run", str(pad)])
    assert uitvoer.exit_code == 0, uitvoer.output
    assert "Controle geslaagd: 1 casus in orde (niets opgeslagen)." in uitvoer.output


# --- paging through /bladeren --------------------------------------------------------------


def test_a_page_past_the_end_shows_the_last_page(kb: Casusbank, client: TestClient) -> None:
    laatste = -(-kb.count() // 20)
    html = client.get("/bladeren", params={"pagina": "99"}).text
    assert f"pagina {laatste} van {laatste}" in html and "pagina 99" not in html
    assert html.count('class="casuslijst-titel"') > 0
    assert 'id="pagina-vorige"' in html and 'id="pagina-volgende"' not in html


def test_an_empty_list_names_only_what_narrowed_it(client: TestClient) -> None:
    alleen_tekst = client.get("/bladeren", params={"q": "xyzzyonbekendwoord"}).text
    assert "Geen casussen met deze woorden." in alleen_tekst
    assert "filters" not in re.search(r'<li class="leeg">.*?</li>', alleen_tekst, re.S).group(0)
    met_filter = client.get(
        "/bladeren", params={"q": "xyzzyonbekendwoord", "afweging.besluit": "pv"}
    ).text
    assert "Geen casussen met deze filters en woorden." in met_filter


# --- labels in downloads -------------------------------------------------------------------


def test_the_search_csv_gives_labels_for_absence_afterwards_like_for_education_afterwards(
    client: TestClient,
) -> None:
    kop, *rijen = lees_csv(client.get("/zoeken.csv", params={"q": VOORBEELD["beschrijving"]}).text)
    verzuim = [r[kop.index("Verzuim daarna")] for r in rijen if r[kop.index("Verzuim daarna")]]
    onderwijs = [r[kop.index("Onderwijs daarna")] for r in rijen if r[kop.index("Onderwijs daarna")]]
    assert verzuim and onderwijs
    assert set(verzuim) <= {"Gestopt", "Verminderd", "Onveranderd", "Toegenomen", "Onbekend"}
    assert set(onderwijs) <= set(LABELS["onderwijs_na"].values())


def test_the_inzicht_csv_heads_its_columns_with_labels(client: TestClient) -> None:
    kop, *_ = lees_csv(client.get("/inzicht/verzuim_na.csv").text)
    assert kop == ["Besluit", "Gestopt", "Verminderd", "Onveranderd", "Toegenomen", "Onbekend",
                   "Totaal"]


# --- console ---------------------------------------------------------------------------------


def test_a_search_from_the_cli_logs_no_bm25s_debug_lines(
    kb: Casusbank, monkeypatch, caplog: pytest.LogCaptureFixture
) -> None:
    """bm25s logs "Building index from IDs objects" at DEBUG on every rebuild of the BM25
    index (the first search after a change): `kb serve` printed it after every save."""
    monkeypatch.setenv("KB_DATA_DIR", str(kb.settings.data_dir))
    with caplog.at_level(logging.DEBUG):
        uitvoer = CliRunner().invoke(cli, ["search", VOORBEELD["beschrijving"], "--limit", "1"])
    assert uitvoer.exit_code == 0, uitvoer.output
    assert not [r for r in caplog.records if r.name.startswith("bm25s") and r.levelno < logging.WARNING]
