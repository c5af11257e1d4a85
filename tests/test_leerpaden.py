"""Leerpaden: the shipped YAML files, and a new consulent walking a path from start to end."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from ingest.anonymity import Persoonsgegevens, get_guard
from kb import audit, leerpaden
from kb.export_csv import lees_csv
from kb.leerpaden import LeerpadFout
from kb.models import LeerpadAntwoord
from kb.oefenen import Keuze
from kb.service import Casusbank
from tests.conftest import SEEDS, gebruiker, log_in
from tests.test_intervisie import app_met_leren

GEVRAAGD = {"Halt of pv", "Luxe verzuim", "Thuiszitters en passend onderwijs",
            "Ouders of jongere aanspreken", "Bijna 18", "Zorg en straf tegelijk"}


@pytest.fixture
def consulent(kb: Casusbank) -> Iterator[TestClient]:
    with TestClient(app_met_leren(kb)) as c:
        yield log_in(c, "lp")


def test_the_shipped_leerpaden_cover_the_themes_of_the_issue() -> None:
    paden = leerpaden.laad(SEEDS / leerpaden.MAP)
    assert {p.titel for p in paden} >= GEVRAAGD
    assert all(len(p.stappen) >= 4 and len({s.ref for s in p.stappen}) == len(p.stappen)
               for p in paden)


def test_every_step_is_a_published_seed_case(kb: Casusbank) -> None:
    assert leerpaden.niet_gepubliceerd(kb, leerpaden.alle(kb)) == []


def test_a_leerpad_file_with_an_unknown_key_is_refused_with_file_and_field(
    tmp_path: Path,
) -> None:
    (tmp_path / "fout.yaml").write_text(
        "naam: fout\ntitel: Fout pad\ninleiding: Een inleiding van genoeg tekens.\n"
        "stappen:\n  - ref: SEED-001\n    vraag: Wat zou u doen en waarom?\n    vragen: typo\n",
        encoding="utf-8",
    )
    with pytest.raises(LeerpadFout, match=r"fout\.yaml: stappen\.0\.vragen"):
        leerpaden.laad(tmp_path)


def test_a_step_whose_case_is_no_longer_published_is_left_out(kb: Casusbank) -> None:
    pad = leerpaden.zoek_leerpad(kb, "halt-of-pv")
    kb.delete(pad.stappen[0].ref)
    v = leerpaden.voortgang(kb, gebruiker(kb, "lp"), pad)
    assert [s.casus.ref for s in v.stappen] == [s.ref for s in pad.stappen[1:]]


def test_progress_belongs_to_the_account(kb: Casusbank) -> None:
    pad = leerpaden.zoek_leerpad(kb, "bijna-18")
    leerpaden.beantwoord(kb, gebruiker(kb, "lp"), pad, 1,
                         Keuze.maak("geen_pv", [], [], "Nog even wachten."))
    assert leerpaden.voortgang(kb, gebruiker(kb, "lp"), pad).beantwoord == 1
    assert leerpaden.voortgang(kb, gebruiker(kb, "lp2"), pad).beantwoord == 0


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m
    return m.group(1)


def test_a_new_consulent_walks_a_leerpad_from_start_to_end(
    consulent: TestClient, kb: Casusbank
) -> None:
    pad = leerpaden.zoek_leerpad(kb, "luxe-verzuim")
    assert "Luxe verzuim" in consulent.get("/leerpad").text
    adres = re.search(r'href="(/leerpad/luxe-verzuim/stap/\d+)"',
                      consulent.get("/leerpad/luxe-verzuim").text)
    assert adres is not None and adres.group(1).endswith("/stap/1")
    for nr, stap in enumerate(pad.stappen, start=1):
        vraag = consulent.get(f"/leerpad/luxe-verzuim/stap/{nr}")
        casus = kb.get(stap.ref)
        assert casus is not None
        assert stap.vraag.split()[0] in vraag.text and casus.titel not in vraag.text
        r = consulent.post(
            f"/leerpad/luxe-verzuim/stap/{nr}",
            data={"csrf": _csrf(vraag.text), "besluit": "pv", "pv_tegen": "ouders",
                  "factor": ["verwijtbaar_ouders"], "motivatie": f"Stap {nr}: regels zijn regels."},
        )
        assert r.status_code == 200
        assert "Wat de leerplichtambtenaar besloot" in r.text and casus.titel in r.text
        assert "Gemist (wel in de casus)" in r.text
        volgende = "Naar uw resultaat" if nr == len(pad.stappen) else "Volgende stap"
        assert volgende in r.text
    overzicht = consulent.get("/leerpad").text
    assert "afgerond" in overzicht
    resultaat = consulent.get("/leerpad/luxe-verzuim/resultaat").text
    assert "data-afdrukken" in resultaat and "regels zijn regels" in resultaat
    rijen = lees_csv(consulent.get("/leerpad/luxe-verzuim/resultaat.csv").text)
    assert rijen[0] == list(leerpaden.CSV_KOLOMMEN) and len(rijen) == len(pad.stappen) + 1
    echte = [kb.get(s.ref).afweging.besluit == "pv" for s in pad.stappen]  # type: ignore[union-attr]
    assert [r[rijen[0].index("Zelfde besluit")] == "ja" for r in rijen[1:]] == echte


def test_a_refused_answer_keeps_what_was_typed(consulent: TestClient) -> None:
    vraag = consulent.get("/leerpad/halt-of-pv/stap/1").text
    r = consulent.post("/leerpad/halt-of-pv/stap/1",
                       data={"csrf": _csrf(vraag), "besluit": "halt", "motivatie": "Mijn reden."})
    assert r.status_code == 422
    assert "Kies tegen wie de Halt-verwijzing is" in r.text and "Mijn reden." in r.text


def test_an_answer_naming_the_mentor_is_refused_and_not_stored(kb: Casusbank) -> None:
    pad = leerpaden.zoek_leerpad(kb, "bijna-18")
    with pytest.raises(Persoonsgegevens) as fout:
        leerpaden.beantwoord(kb, gebruiker(kb, "lp"), pad, 1,
                             Keuze.maak("geen_pv", [], [], "Eerst bellen met mentor Jansen."))
    assert fout.value.veld == "motivatie" and "'Jansen'" in str(fout.value)
    with kb.session() as s:
        assert s.exec(select(LeerpadAntwoord)).all() == []


def test_a_refused_answer_with_personal_data_is_shown_next_to_the_motivation(
    consulent: TestClient,
) -> None:
    vraag = consulent.get("/leerpad/halt-of-pv/stap/1").text
    r = consulent.post("/leerpad/halt-of-pv/stap/1", data={
        "csrf": _csrf(vraag), "besluit": "geen_pv", "motivatie": "Mentor Jansen twijfelt.",
    })
    assert r.status_code == 422
    assert re.search(r'id="fout-motivatie" role="alert"><p>.*Mogelijk persoonsgegevens', r.text)
    assert ">Mentor Jansen twijfelt.</textarea>" in r.text
    assert "Mentor Jansen" not in consulent.get("/leerpad/halt-of-pv/resultaat").text


def test_the_shipped_leerpaden_are_anonymous() -> None:
    """Their titles, introductions and questions are shown to every learner."""
    guard = get_guard()
    for pad in leerpaden.laad(SEEDS / leerpaden.MAP):
        teksten = [pad.titel, pad.inleiding, *(s.vraag for s in pad.stappen)]
        assert [b for t in teksten for b in guard.check_text(t)] == [], pad.naam


def test_starting_again_forgets_the_answers(consulent: TestClient, kb: Casusbank) -> None:
    vraag = consulent.get("/leerpad/bijna-18/stap/1").text
    consulent.post("/leerpad/bijna-18/stap/1",
                   data={"csrf": _csrf(vraag), "besluit": "geen_pv", "motivatie": "Wachten."})
    consulent.post("/leerpad/bijna-18/opnieuw", data={"csrf": _csrf(vraag), "bevestig": "ja"})
    pad = leerpaden.zoek_leerpad(kb, "bijna-18")
    assert leerpaden.voortgang(kb, gebruiker(kb, "lp"), pad).beantwoord == 0


def test_an_unknown_leerpad_or_step_is_a_404(consulent: TestClient) -> None:
    assert consulent.get("/leerpad/bestaat-niet").status_code == 404
    assert consulent.get("/leerpad/halt-of-pv/stap/99").status_code == 404


def test_starting_again_needs_the_box_ticked(consulent: TestClient, kb: Casusbank) -> None:
    vraag = consulent.get("/leerpad/bijna-18/stap/1").text
    consulent.post("/leerpad/bijna-18/stap/1",
                   data={"csrf": _csrf(vraag), "besluit": "geen_pv", "motivatie": "Wachten."})
    pagina = consulent.get("/leerpad/bijna-18").text
    assert 'name="bevestig"' in pagina and "required" in pagina.split('name="bevestig"')[1][:40]
    r = consulent.post("/leerpad/bijna-18/opnieuw", data={"csrf": _csrf(pagina)})
    assert r.status_code == 422 and "er is niets gewist" in r.text
    pad = leerpaden.zoek_leerpad(kb, "bijna-18")
    assert leerpaden.voortgang(kb, gebruiker(kb, "lp"), pad).beantwoord == 1


def test_the_result_shows_nothing_of_a_step_not_yet_answered(
    consulent: TestClient, kb: Casusbank
) -> None:
    pad = leerpaden.zoek_leerpad(kb, "halt-of-pv")
    casussen = [kb.get(s.ref) for s in pad.stappen]
    leeg = consulent.get("/leerpad/halt-of-pv/resultaat").text
    assert leeg.count("nog niet beantwoord") == len(pad.stappen)
    assert not any(c.titel in leeg or c.ref in leeg for c in casussen if c)
    assert "class=\"badge besluit-" not in leeg.split("<tbody>")[1]

    vraag = consulent.get("/leerpad/halt-of-pv/stap/1").text
    consulent.post("/leerpad/halt-of-pv/stap/1",
                   data={"csrf": _csrf(vraag), "besluit": "geen_pv", "motivatie": "Praten."})
    deels = consulent.get("/leerpad/halt-of-pv/resultaat").text
    assert casussen[0].titel in deels and casussen[1].titel not in deels  # type: ignore[union-attr]
    kop, eerste, *open_ = lees_csv(consulent.get("/leerpad/halt-of-pv/resultaat.csv").text)
    assert eerste[kop.index("Ref")] == pad.stappen[0].ref
    verborgen = ("Ref", "Titel", "Besluit in de casus", "Pv tegen in de casus", "Gemiste factoren")
    for rij in open_:
        assert rij[kop.index("Mijn besluit")] == "nog niet beantwoord"
        assert all(rij[kop.index(k)] == "" for k in verborgen)


def test_answers_and_restarts_are_in_the_audit_log_without_the_answer(
    consulent: TestClient, kb: Casusbank
) -> None:
    for nr in (1, 2):
        vraag = consulent.get(f"/leerpad/bijna-18/stap/{nr}").text
        consulent.post(f"/leerpad/bijna-18/stap/{nr}",
                       data={"csrf": _csrf(vraag), "besluit": "geen_pv", "motivatie": "Geheim."})
    consulent.post("/leerpad/bijna-18/opnieuw", data={"csrf": _csrf(vraag), "bevestig": "ja"})
    with kb.session() as s:
        regels = audit.lees(s, limit=None).regels
    assert sorted((r.actie, r.onderwerp, r.details) for r in regels
                  if r.actie.startswith("leerpad")) == [
        ("leerpad_antwoord", "bijna-18 stap 1", None),
        ("leerpad_antwoord", "bijna-18 stap 2", None),
        ("leerpad_opnieuw", "bijna-18", "2 antwoorden gewist"),
    ]
    assert all(r.gebruiker == "lp" for r in regels if r.actie.startswith("leerpad"))
    assert "Geheim" not in audit.als_csv(regels)


def test_the_result_counts_the_first_decision_not_one_changed_after_the_reveal(
    kb: Casusbank, consulent: TestClient
) -> None:
    """Changing an answer after seeing the case's decision is allowed, but the result,
    the step list and the CSV a mentor reads keep the first decision."""
    pad = leerpaden.zoek_leerpad(kb, "halt-of-pv")
    casus = kb.get(pad.stappen[0].ref)
    assert casus is not None
    echt = casus.afweging
    fout = "geen_pv" if echt.besluit != "geen_pv" else "pv"
    vraag = consulent.get("/leerpad/halt-of-pv/stap/1").text
    tegen = {"pv_tegen": "jongere"} if fout == "pv" else {}
    consulent.post("/leerpad/halt-of-pv/stap/1",
                   data={"csrf": _csrf(vraag), "besluit": fout, "motivatie": "Eerst dit.", **tegen})
    consulent.post("/leerpad/halt-of-pv/stap/1", data={
        "csrf": _csrf(vraag), "besluit": echt.besluit, "pv_tegen": list(echt.pv_tegen or []),
        "motivatie": "Na het zien."})

    stap = consulent.get("/leerpad/halt-of-pv/stap/1").text
    assert "Uw eerste besluit was" in stap
    resultaat = consulent.get("/leerpad/halt-of-pv/resultaat").text
    assert "0 keer hetzelfde besluit als in de casus" in resultaat
    assert "gewijzigd na het zien van de casus" in resultaat
    kop, eerste, *_ = lees_csv(consulent.get("/leerpad/halt-of-pv/resultaat.csv").text)
    assert eerste[kop.index("Zelfde besluit")] == "nee"
    assert eerste[kop.index("Mijn eerste besluit")] != eerste[kop.index("Mijn besluit")]


def test_the_same_decision_against_someone_else_is_not_the_case_s_decision(
    kb: Casusbank,
) -> None:
    from kb.oefenen import vergelijk

    casus = kb.get("SEED-042")  # Halt tegen jongere
    assert casus is not None
    assert vergelijk(Keuze.maak("halt", ["jongere"], [], "x"), casus).zelfde
    anders = vergelijk(Keuze.maak("halt", ["ouders"], [], "x"), casus)
    assert anders.zelfde_besluit and not anders.zelfde


def test_the_same_first_answer_sent_twice_at_once_is_stored_once(kb: Casusbank) -> None:
    """A double-click on the answer button: both requests find no row and insert one;
    the one that loses on the unique constraint runs again and updates it."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    wie = gebruiker(kb, "lp2")
    pad = leerpaden.zoek_leerpad(kb, "halt-of-pv")
    keuze = Keuze.maak("geen_pv", [], [], "Eerst een gesprek.")
    for nr in range(1, len(pad.stappen) + 1):
        samen = threading.Barrier(12)

        def klik(_: int, nr: int = nr, samen: threading.Barrier = samen) -> None:
            samen.wait()
            leerpaden.beantwoord(kb, wie, pad, nr, keuze)

        with ThreadPoolExecutor(max_workers=12) as pool:
            list(pool.map(klik, range(12)))
    with kb.session() as s:
        rijen = s.exec(select(LeerpadAntwoord).where(LeerpadAntwoord.gebruiker_id == wie.id)).all()
    assert len(rijen) == len(pad.stappen)
    assert all(r.eerste_besluit == "geen_pv" for r in rijen)
