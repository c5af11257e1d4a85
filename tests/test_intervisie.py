"""Intervisie sessions over a real seeded knowledge base: the service and the pages.

A facilitator (account `lp`) starts a session; participants have no account,
only the cookie the join form sets, so each participant is its own TestClient.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from ingest.anonymity import Persoonsgegevens
from kb import audit, intervisie
from kb.export_csv import lees_csv
from kb.intervisie import IntervisieFout
from kb.oefenen import Keuze, KeuzeFout
from kb.service import Casusbank
from kb.toegang import Geweigerd
from tests.conftest import csrf_uit, gebruiker, log_in
from web.app import create_app

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"
HALT = Keuze.maak("halt", ["jongere"], ["motivatie_zonder_zorg", "eerste_melding"], "Spijbelen.")
PV = Keuze.maak("pv", ["jongere"], ["langdurig_verzuim"], "Te veel uren.")


def app_met_leren(kb: Casusbank) -> FastAPI:
    """The app with the learning pages, also while web/app.py does not include them yet."""
    from web import intervisie as w_intervisie
    from web import inzicht as w_inzicht
    from web import leerpad as w_leerpad

    app = create_app(kb)
    paden = {getattr(r, "path", "") for r in app.routes}
    for router, pad in ((w_intervisie.router, "/intervisie"), (w_leerpad.router, "/leerpad"),
                        (w_inzicht.router, "/inzicht")):
        if pad not in paden:
            app.include_router(router)
    return app


@pytest.fixture
def app(kb: Casusbank) -> FastAPI:
    return app_met_leren(kb)


@pytest.fixture
def begeleider(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield log_in(c, "lp")


def deelnemer(app: FastAPI, code: str, naam: str) -> TestClient:
    c = TestClient(app)
    pagina = c.get(f"/intervisie/doe-mee?code={code}")
    r = c.post("/intervisie/doe-mee", data={"code": code, "naam": naam,
                                            "csrf": csrf_uit(pagina.text)},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def antwoord(c: TestClient, code: str, **velden: str | list[str]) -> int:
    pagina = c.get(f"/intervisie/{code}")
    r = c.post(f"/intervisie/{code}/antwoord", data={"csrf": csrf_uit(pagina.text), **velden},
               follow_redirects=False)
    return r.status_code


# --- service ---------------------------------------------------------------------------


def test_a_theme_session_draws_published_cases_with_that_theme(kb: Casusbank) -> None:
    code = intervisie.start(kb, gebruiker(kb, "lp"), thema="luxe-verzuim", aantal=3,
                            kies=random.Random(1))
    st = intervisie.stand(kb, code)
    assert len(st.rondes) == 3
    assert all("luxe-verzuim" in (r.casus.themas or []) for r in st.rondes)
    assert re.fullmatch(rf"[{intervisie.CODE_TEKENS}]{{6}}", code)


def test_a_concept_case_cannot_be_discussed(kb: Casusbank) -> None:
    lp = gebruiker(kb, "lp")
    data = kb.get("SEED-001").model_dump(mode="json", exclude_none=True)  # type: ignore[union-attr]
    kb.save({**data, "ref": "CONCEPT-1"}, door=lp)
    with pytest.raises(IntervisieFout, match="CONCEPT-1"):
        intervisie.start(kb, lp, refs=["CONCEPT-1"])


def test_two_participants_cannot_take_the_same_name(kb: Casusbank) -> None:
    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    intervisie.doe_mee(kb, code, "Anna")
    with pytest.raises(IntervisieFout, match="al gekozen"):
        intervisie.doe_mee(kb, code, " anna ")


def test_an_answer_can_change_until_the_reveal_and_not_after(kb: Casusbank) -> None:
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-042"])
    anna = intervisie.deelnemer(kb, code, intervisie.doe_mee(kb, code, "Anna"))
    assert anna is not None
    intervisie.antwoord(kb, code, anna, PV)
    intervisie.antwoord(kb, code, anna, HALT)
    assert [a.keuze.besluit for a in intervisie.stand(kb, code).ronde.antwoorden] == ["halt"]
    intervisie.onthul(kb, code, lp)
    with pytest.raises(IntervisieFout, match="onthuld"):
        intervisie.antwoord(kb, code, anna, PV)


def test_the_tally_does_not_count_a_pv_or_halt_against_someone_else_as_the_decision(
    kb: Casusbank,
) -> None:
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-042"])  # real: Halt tegen jongere
    ouders = Keuze.maak("halt", ["ouders"], [], "Ouders aanspreken.")
    for naam, keuze in (("Anna", HALT), ("Bram", ouders)):
        wie = intervisie.deelnemer(kb, code, intervisie.doe_mee(kb, code, naam))
        assert wie is not None
        intervisie.antwoord(kb, code, wie, keuze)
    t = intervisie.stand(kb, code).ronde.telling
    assert (t.zelfde_besluit, t.ander_tegen) == (1, 1)
    assert t.zin == "1 van 2 kozen het besluit uit de casus; 1 koos het, maar tegen iemand anders"


def test_only_the_facilitator_reveals(kb: Casusbank) -> None:
    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    with pytest.raises(Geweigerd):
        intervisie.onthul(kb, code, gebruiker(kb, "lp2"))
    assert not intervisie.stand(kb, code).ronde.onthuld


def test_the_tally_sets_the_group_against_the_real_decision(kb: Casusbank) -> None:
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-042"])  # real: Halt tegen jongere
    for naam, keuze in (("Anna", HALT), ("Bram", PV), ("Cem", HALT)):
        wie = intervisie.deelnemer(kb, code, intervisie.doe_mee(kb, code, naam))
        assert wie is not None
        intervisie.antwoord(kb, code, wie, keuze)
    t = intervisie.stand(kb, code).ronde.telling
    assert t.aantal == 3 and t.zelfde_besluit == 2
    assert ("halt", 2, True) in t.per_besluit and ("pv", 1, False) in t.per_besluit
    genoemd = {f["code"]: (n, echt) for f, n, echt in t.factoren}
    assert genoemd["motivatie_zonder_zorg"] == (2, True)
    assert genoemd["langdurig_verzuim"] == (1, False)
    assert {f["code"] for f in t.door_niemand_genoemd} == {"verwijtbaar_jongere",
                                                           "boven_wettelijke_grens"}


def test_the_next_case_comes_only_after_the_reveal(kb: Casusbank) -> None:
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-042", "SEED-024"])
    with pytest.raises(IntervisieFout, match="Onthul eerst"):
        intervisie.volgende(kb, code, lp)
    intervisie.onthul(kb, code, lp)
    intervisie.volgende(kb, code, lp)
    assert intervisie.stand(kb, code).ronde.casus.ref == "SEED-024"


def test_exports_hold_revealed_rounds_only(kb: Casusbank) -> None:
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-042", "SEED-024"])
    anna = intervisie.deelnemer(kb, code, intervisie.doe_mee(kb, code, "Anna | A."))
    assert anna is not None
    intervisie.antwoord(kb, code, anna, HALT)
    intervisie.onthul(kb, code, lp)
    st = intervisie.stand(kb, code)
    md = intervisie.als_markdown(st)
    assert "**Besluit in de casus:** Halt tegen jongere" in md
    assert "| Anna \\| A. | Halt tegen jongere |" in md
    assert "## Casus 2 (SEED-024)\n\nNog niet besproken." in md
    assert "SEED-024" not in intervisie.als_csv(st)  # its decision is still hidden
    rijen = lees_csv(intervisie.als_csv(st))
    assert rijen[0] == list(intervisie.CSV_KOLOMMEN)
    assert rijen[1][rijen[0].index("Zelfde besluit")] == "ja"


def test_an_answer_needs_against_whom_for_pv_or_halt() -> None:
    with pytest.raises(KeuzeFout, match="tegen wie"):
        Keuze.maak("pv", [], [], "waarom")
    assert Keuze.maak("geen_pv", ["ouders"], [], "waarom").pv_tegen == ()


# --- pages -----------------------------------------------------------------------------


def test_participants_see_the_situation_but_not_title_route_or_decision(
    app: FastAPI, begeleider: TestClient, kb: Casusbank
) -> None:
    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-024"])
    casus = kb.get("SEED-024")
    assert casus is not None
    anna = deelnemer(app, code, "Anna")
    html = anna.get(f"/intervisie/{code}").text
    assert casus.beschrijving[:60] in html
    assert casus.titel not in html and casus.afweging.toelichting[:40] not in html
    assert 'name="besluit"' in html and 'name="factor"' in html


def test_a_full_session_through_the_pages(app: FastAPI, begeleider: TestClient) -> None:
    r = begeleider.post("/intervisie", data={"refs": "SEED-042"}, follow_redirects=False)
    assert r.status_code == 303
    code = r.headers["location"].split("/")[2]
    anna, bram = deelnemer(app, code, "Anna"), deelnemer(app, code, "Bram")
    assert antwoord(anna, code, besluit="halt", pv_tegen="jongere",
                    factor=["eerste_melding"], motivatie="Eerste keer.") == 303
    assert antwoord(bram, code, besluit="pv", motivatie="Zonder tegen wie.") == 422
    assert antwoord(bram, code, besluit="pv", pv_tegen="jongere", motivatie="Grens.") == 303

    fragment = begeleider.get(f"/intervisie/{code}/begeleiden", headers={"HX-Request": "true"})
    assert "2 van 2 beantwoord" in fragment.text and "<html" not in fragment.text

    versie = re.search(r"versie=([\d-]+)", anna.get(f"/intervisie/{code}").text)
    assert versie is not None
    assert anna.get(f"/intervisie/{code}/stand?versie={versie.group(1)}").status_code == 204
    assert begeleider.post(f"/intervisie/{code}/onthullen",
                           follow_redirects=False).status_code == 303
    gewijzigd = anna.get(f"/intervisie/{code}/stand?versie={versie.group(1)}")
    assert gewijzigd.headers.get("HX-Redirect") == f"/intervisie/{code}"
    onthuld = anna.get(f"/intervisie/{code}").text
    assert "Wat de leerplichtambtenaar besloot" in onthuld and "Hetzelfde besluit" in onthuld

    assert begeleider.post(f"/intervisie/{code}/afsluiten", data={"bevestig": "ja"},
                           follow_redirects=False).status_code == 303
    verslag = begeleider.get(f"/intervisie/{code}/samenvatting").text
    assert "Anna" in verslag and "Bram" in verslag and "data-afdrukken" in verslag
    md = begeleider.get(f"/intervisie/{code}/samenvatting.md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert "Halt 1 · Pv 1" in md.text or "Pv 1 · Halt 1" in md.text
    assert len(lees_csv(begeleider.get(f"/intervisie/{code}/samenvatting.csv").text)) == 3


def test_a_visitor_without_the_cookie_is_sent_to_the_join_form(
    app: FastAPI, kb: Casusbank
) -> None:
    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    r = TestClient(app).get(f"/intervisie/{code}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/intervisie/doe-mee?code={code}"


def test_an_address_guessing_codes_is_stopped_on_every_participant_route(
    app: FastAPI, kb: Casusbank
) -> None:
    """Without an account the code opens a published case: after `Gissen.MAX` unknown
    codes within ten minutes, the address gets a Dutch 429 on every participant route."""
    from web.intervisie import Gissen

    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    c = TestClient(app)
    for i in range(Gissen.MAX):
        assert c.get(f"/intervisie/ZZZZ{i:02d}/stand").status_code == 404
    for pad in (f"/intervisie/{code}/stand", f"/intervisie/{code}"):
        r = c.get(pad)
        assert r.status_code == 429 and "Te veel onbekende sessiecodes" in r.text
    pagina = c.get("/intervisie/doe-mee")
    r = c.post("/intervisie/doe-mee", data={"code": code, "naam": "Anna",
                                            "csrf": csrf_uit(pagina.text)})
    assert r.status_code == 429


def test_joining_closes_a_day_after_the_start(app: FastAPI, kb: Casusbank) -> None:
    from datetime import timedelta

    from kb.models import IntervisieRij, _nu

    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    with kb.session() as s:
        rij = s.exec(select(IntervisieRij).where(IntervisieRij.code == code)).one()
        rij.aangemaakt = _nu() - intervisie.MEEDOEN_DUUR - timedelta(minutes=1)
        s.add(rij)
    with pytest.raises(IntervisieFout, match="meer dan een dag geleden gestart"):
        intervisie.doe_mee(kb, code, "Anna")


def test_an_unknown_code_says_so(app: FastAPI) -> None:
    c = TestClient(app)
    pagina = c.get("/intervisie/doe-mee")
    r = c.post("/intervisie/doe-mee", data={"code": "ZZZZZZ", "naam": "Anna",
                                            "csrf": csrf_uit(pagina.text)})
    assert r.status_code == 422 and "Er is geen intervisiesessie met code" in r.text


def test_joining_without_the_csrf_token_is_refused(app: FastAPI, kb: Casusbank) -> None:
    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    c = TestClient(app)
    c.get("/intervisie/doe-mee")
    r = c.post("/intervisie/doe-mee", data={"code": code, "naam": "Anna"})
    assert r.status_code == 403
    assert intervisie.stand(kb, code).deelnemers == []


def test_another_account_cannot_steer_the_session(app: FastAPI, kb: Casusbank) -> None:
    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    with TestClient(app) as c:
        log_in(c, "lp2")
        assert c.get(f"/intervisie/{code}/begeleiden").status_code == 403
        assert c.post(f"/intervisie/{code}/onthullen").status_code == 403
        assert c.get(f"/intervisie/{code}/samenvatting.md").status_code == 403


def test_starting_a_session_needs_an_account(app: FastAPI) -> None:
    r = TestClient(app).get("/intervisie", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


@pytest.mark.parametrize("sjabloon", sorted(
    p.name for p in TEMPLATES.glob("*.html") if p.name.startswith(("intervisie", "leerpad",
                                                                   "inzicht"))
))
def test_learning_templates_have_no_inline_script_or_style(sjabloon: str) -> None:
    tekst = (TEMPLATES / sjabloon).read_text(encoding="utf-8")
    assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", tekst, re.I)


# --- review fixes: deleted cases, closing, audit, titles, escaping, labels ----------------


def _audit(kb: Casusbank, actie: str) -> list[tuple[str | None, str | None, str | None]]:
    with kb.session() as s:
        return [(r.gebruiker, r.onderwerp, r.details)
                for r in audit.lees(s, actie=actie, limit=None).regels]


def test_an_answer_written_for_an_earlier_case_is_refused_not_counted_for_the_next(
    app: FastAPI, begeleider: TestClient, kb: Casusbank
) -> None:
    """The form carries the number of its case: a participant who sends it after the
    facilitator moved on gets it back with a message, and nothing is stored."""
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-010", "SEED-020"])
    anna = deelnemer(app, code, "Anna")
    formulier = anna.get(f"/intervisie/{code}").text
    assert 'name="casus" value="1"' in formulier
    intervisie.onthul(kb, code, lp)
    intervisie.volgende(kb, code, lp)
    r = anna.post(f"/intervisie/{code}/antwoord", data={
        "csrf": csrf_uit(formulier), "casus": "1", "besluit": "pv", "pv_tegen": "ouders",
        "motivatie": "Ouders werken niet mee."}, follow_redirects=False)
    assert r.status_code == 422
    assert "Uw antwoord was voor casus 1" in r.text and "het telt niet mee" in r.text
    assert intervisie.stand(kb, code).ronde.antwoorden == []


def test_a_late_answer_after_the_reveal_is_shown_back_with_the_reason(
    app: FastAPI, kb: Casusbank
) -> None:
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-010"])
    anna = deelnemer(app, code, "Anna")
    formulier = anna.get(f"/intervisie/{code}").text
    intervisie.onthul(kb, code, lp)
    r = anna.post(f"/intervisie/{code}/antwoord", data={
        "csrf": csrf_uit(formulier), "casus": "1", "besluit": "geen_pv",
        "motivatie": "Eerst hulp inzetten."}, follow_redirects=False)
    assert r.status_code == 422
    assert "al onthuld; uw antwoord telt niet meer mee" in r.text
    assert "Eerst hulp inzetten." in r.text


def test_closing_and_deleting_a_session_need_the_tick_box(
    begeleider: TestClient, kb: Casusbank
) -> None:
    """Neither can be undone; a click alone changes nothing and says why."""
    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    r = begeleider.post(f"/intervisie/{code}/afsluiten", follow_redirects=True)
    assert "Vink aan dat u de sessie wilt afsluiten" in r.text
    assert not intervisie.stand(kb, code).afgesloten
    r = begeleider.post(f"/intervisie/{code}/verwijderen", follow_redirects=True)
    assert "Vink aan dat u de sessie en alle antwoorden wilt verwijderen" in r.text
    assert intervisie.stand(kb, code).code == code
    assert "Deelnemers gaan naar" in begeleider.get(f"/intervisie/{code}/begeleiden").text
    begeleider.post(f"/intervisie/{code}/afsluiten", data={"bevestig": "ja"})
    # A closed session no longer invites anyone in.
    assert "Deelnemers gaan naar" not in begeleider.get(f"/intervisie/{code}/begeleiden").text
    r = begeleider.post(f"/intervisie/{code}/verwijderen", data={"bevestig": "ja"},
                        follow_redirects=False)
    assert r.status_code == 303
    with pytest.raises(intervisie.OnbekendeSessie, match="verwijderde sessie"):
        intervisie.stand(kb, code)


def test_a_session_stays_readable_when_its_current_case_is_deleted(
    app: FastAPI, begeleider: TestClient, kb: Casusbank
) -> None:
    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042", "SEED-024"])
    anna = deelnemer(app, code, "Anna")
    assert antwoord(anna, code, besluit="geen_pv", motivatie="Eerst praten.") == 303
    versie = re.search(r"versie=([\d-]+)", anna.get(f"/intervisie/{code}").text)
    assert versie is not None
    kb.delete("SEED-042")

    pagina = begeleider.get(f"/intervisie/{code}/begeleiden")
    assert pagina.status_code == 200 and "Deze casus is inmiddels verwijderd" in pagina.text
    assert "Casus 1 van 2" in pagina.text and "Onthul het besluit" not in pagina.text
    deelnemerpagina = anna.get(f"/intervisie/{code}")
    assert deelnemerpagina.status_code == 200
    assert "inmiddels verwijderd" in deelnemerpagina.text and 'name="besluit"' not in deelnemerpagina.text
    # The participant's page reloads itself to show that the case has gone.
    assert anna.get(f"/intervisie/{code}/stand?versie={versie.group(1)}").headers.get(
        "HX-Redirect") == f"/intervisie/{code}"

    assert begeleider.post(f"/intervisie/{code}/volgende",
                           follow_redirects=False).headers["location"].endswith("/begeleiden")
    assert "Casus 2 van 2" in begeleider.get(f"/intervisie/{code}/begeleiden").text
    begeleider.post(f"/intervisie/{code}/afsluiten", data={"bevestig": "ja"})
    verslag = begeleider.get(f"/intervisie/{code}/samenvatting")
    assert verslag.status_code == 200 and "Deze casus is inmiddels verwijderd" in verslag.text
    assert "Deze casus is inmiddels verwijderd" in begeleider.get(
        f"/intervisie/{code}/samenvatting.md").text


def test_a_later_case_deleted_before_its_turn_keeps_its_place(kb: Casusbank) -> None:
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-042", "SEED-024"])
    kb.delete("SEED-024")
    st = intervisie.stand(kb, code)
    assert [r.weg for r in st.rondes] == [None, intervisie.VERWIJDERD]
    intervisie.onthul(kb, code, lp)
    intervisie.volgende(kb, code, lp)
    with pytest.raises(IntervisieFout, match="inmiddels verwijderd"):
        intervisie.onthul(kb, code, lp)
    anna = intervisie.deelnemer(kb, code, intervisie.doe_mee(kb, code, "Anna"))
    assert anna is not None
    with pytest.raises(IntervisieFout, match="inmiddels verwijderd"):
        intervisie.antwoord(kb, code, anna, PV)


def test_closing_leaves_cases_never_revealed_as_not_discussed(
    begeleider: TestClient, kb: Casusbank
) -> None:
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-042", "SEED-024"])
    intervisie.onthul(kb, code, lp)
    intervisie.sluit(kb, code, lp)
    st = intervisie.stand(kb, code)
    assert [r.onthuld for r in st.rondes] == [True, False]
    titel = kb.get("SEED-024").titel  # type: ignore[union-attr]
    md = intervisie.als_markdown(st)
    assert "## Casus 2 (SEED-024)\n\nNiet besproken." in md
    tweede = md.split("## Casus 2")[1]
    assert titel not in md and "kozen het besluit" not in tweede and "Door niemand" not in tweede
    html = begeleider.get(f"/intervisie/{code}/samenvatting").text
    assert "Niet besproken." in html and titel not in html
    assert html.count("Wat de leerplichtambtenaar besloot") == 1


def test_starting_closing_exporting_and_deleting_are_in_the_audit_log_without_names(
    app: FastAPI, begeleider: TestClient, kb: Casusbank
) -> None:
    r = begeleider.post("/intervisie", data={"refs": "SEED-042"}, follow_redirects=False)
    code = r.headers["location"].split("/")[2]
    anna = deelnemer(app, code, "Anna Geheim")
    antwoord(anna, code, besluit="geen_pv", motivatie="Een motivatie.")
    begeleider.post(f"/intervisie/{code}/onthullen")
    begeleider.post(f"/intervisie/{code}/afsluiten", data={"bevestig": "ja"})
    begeleider.get(f"/intervisie/{code}/samenvatting.md")
    begeleider.get(f"/intervisie/{code}/samenvatting.csv")
    begeleider.post(f"/intervisie/{code}/verwijderen", data={"bevestig": "ja"})

    assert _audit(kb, "intervisie_gestart") == [("lp", code, "SEED-042")]
    assert _audit(kb, "intervisie_afgesloten") == [("lp", code, None)]
    assert sorted(_audit(kb, "intervisie_geexporteerd")) == [("lp", code, "CSV"),
                                                              ("lp", code, "Markdown")]
    assert _audit(kb, "intervisie_verwijderd") == [("lp", code, "deelnemers: 1")]
    with kb.session() as s:
        alles = audit.als_csv(audit.lees(s, limit=None).regels)
    assert "Anna" not in alles and "motivatie" not in alles.lower()


def test_a_session_is_not_named_after_its_refs(kb: Casusbank) -> None:
    lp = gebruiker(kb, "lp")
    op_ref = intervisie.stand(kb, intervisie.start(kb, lp, refs=["SEED-012", "SEED-042"]))
    assert re.fullmatch(r"Sessie van \d\d-\d\d-\d{4}", op_ref.titel)
    op_thema = intervisie.stand(kb, intervisie.start(kb, lp, thema="halt-of-pv"))
    assert op_thema.titel == "Halt of pv"


def test_the_markdown_summary_escapes_what_people_typed(kb: Casusbank) -> None:
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-042"], titel="Groep <script>alert(1)</script>")
    wie = intervisie.deelnemer(
        kb, code, intervisie.doe_mee(kb, code, '"><img src=x onerror=alert(1)>'))
    assert wie is not None
    intervisie.antwoord(kb, code, wie, Keuze.maak("geen_pv", [], [],
                                                  "*vet* [klik](javascript:alert(1))"))
    intervisie.onthul(kb, code, lp)
    md = intervisie.als_markdown(intervisie.stand(kb, code))
    assert "<script" not in md and "<img" not in md
    assert "# Intervisie: Groep &lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "| \"&gt;&lt;img src=x onerror=alert(1)&gt; |" in md
    assert "\\*vet\\* \\[klik\\](javascript:alert(1))" in md


# --- nothing personal in what people type ----------------------------------------------

MET_PERSOONSGEGEVENS = "Moeder Fatima belde op 3 maart, tel 0612345678."


def test_an_answer_with_personal_data_is_refused_and_never_reaches_group_or_verslag(
    kb: Casusbank,
) -> None:
    lp = gebruiker(kb, "lp")
    code = intervisie.start(kb, lp, refs=["SEED-042"])
    wie = intervisie.deelnemer(kb, code, intervisie.doe_mee(kb, code, "Anna"))
    assert wie is not None
    with pytest.raises(Persoonsgegevens) as fout:
        intervisie.antwoord(kb, code, wie, Keuze.maak("geen_pv", [], [], MET_PERSOONSGEGEVENS))
    assert fout.value.veld == "motivatie"
    assert all(w in str(fout.value) for w in ("'Fatima'", "'3 maart'", "'0612345678'"))
    intervisie.onthul(kb, code, lp)
    st = intervisie.stand(kb, code)
    assert st.ronde.antwoorden == []
    assert "Fatima" not in intervisie.als_markdown(st) + intervisie.als_csv(st)


def test_a_session_title_with_personal_data_is_refused(kb: Casusbank) -> None:
    with pytest.raises(Persoonsgegevens) as fout:
        intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"],
                         titel="De casus van mevrouw De Boer")
    assert fout.value.veld == "titel" and "'mevrouw De Boer'" in str(fout.value)
    assert intervisie.mijn_sessies(kb, gebruiker(kb, "lp")) == []


def test_a_session_title_may_carry_the_sessions_date(kb: Casusbank) -> None:
    """A date in a title dates the session, not a pupil: "Intervisie 12 maart" is fine."""
    for titel in ("Intervisie 12 maart", "Sessie van 06-12-2026"):
        code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"], titel=titel)
        assert intervisie.stand(kb, code).titel == titel


def test_a_participant_without_account_sees_the_refusal_next_to_the_motivation(
    app: FastAPI, begeleider: TestClient,
) -> None:
    code = begeleider.post("/intervisie", data={"refs": "SEED-042"},
                           follow_redirects=False).headers["location"].split("/")[2]
    anna = deelnemer(app, code, "Anna")
    pagina = anna.get(f"/intervisie/{code}")
    r = anna.post(f"/intervisie/{code}/antwoord", data={
        "csrf": csrf_uit(pagina.text), "besluit": "geen_pv", "motivatie": MET_PERSOONSGEGEVENS,
    })
    assert r.status_code == 422
    melding = re.search(r'<div class="veldfout" id="fout-motivatie"[^>]*>(.*?)</div>', r.text,
                        re.S)
    assert melding and "Mogelijk persoonsgegevens" in melding.group(1)
    assert re.search(r'aria-describedby="fout-motivatie motivatie-hint" aria-invalid="true"',
                     r.text)
    assert f">{MET_PERSOONSGEGEVENS}</textarea>" in r.text
    assert "Fatima" not in begeleider.get(f"/intervisie/{code}/begeleiden").text


def test_a_refused_session_title_is_shown_next_to_the_field_and_kept(
    begeleider: TestClient,
) -> None:
    r = begeleider.post("/intervisie", data={"refs": "SEED-042", "titel": "Gesprek met meneer Ede"})
    assert r.status_code == 422
    assert re.search(r'id="fout-titel" role="alert"><p>.*Mogelijk persoonsgegevens.*\'meneer Ede\'',
                     r.text.replace("&#39;", "'"))
    assert 'value="Gesprek met meneer Ede"' in r.text


def test_themes_are_offered_by_their_label_and_refs_can_be_filled_in(
    begeleider: TestClient,
) -> None:
    html = begeleider.get("/intervisie", params={"refs": "SEED-001"}).text
    assert re.search(r'<option value="halt-of-pv"\s*>Halt of pv \(\d+\)</option>', html)
    assert re.search(r'id="refs" name="refs" type="text" value="SEED-001"', html)
    inzicht = begeleider.get("/inzicht").text
    assert re.search(r'<option value="keten-oneens"\s*>Keten oneens</option>', inzicht)


def test_upgrading_gives_existing_sessions_their_number_of_rounds(tmp_path: Path) -> None:
    from sqlalchemy import text

    from kb.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    migrate(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO casus (id, ref, titel, schooljaar, beschrijving, leeftijd, onderwijs,"
            " verzuim_soort, route, besluit, toelichting, heeft_uitkomst, aangemaakt, gewijzigd,"
            " status) VALUES (1, 'A-1', 't', '2023-2024', 'b', 14, 'vmbo', 'relatief', 'halt',"
            " 'halt', 't', 0, '2024-01-01', '2024-01-01', 'gepubliceerd')"))
        conn.execute(text(
            "INSERT INTO intervisie (id, code, titel, huidige_ronde, afgesloten, aangemaakt)"
            " VALUES (1, 'AAAAAA', 't', 1, 0, '2024-01-01'), (2, 'BBBBBB', 't', 4, 0, '2024-01-01')"))
        conn.execute(text(
            "INSERT INTO intervisie_ronde (intervisie_id, volgorde, casus_id, onthuld)"
            " VALUES (1, 1, 1, 0), (1, 3, 1, 0), (2, 2, 1, 1)"))
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT aantal_rondes FROM intervisie ORDER BY id")).scalars(
        ).all() == [3, 4]


def test_two_participants_joining_under_one_name_at_once_get_in_once(kb: Casusbank) -> None:
    """Both pass the name check; the database's unique index refuses the second, which
    hears that the name is taken (it came in as three "Zelfde" on PostgreSQL)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    samen = threading.Barrier(8)

    def doe_mee(_: int) -> str:
        samen.wait()
        try:
            intervisie.doe_mee(kb, code, "Zelfde")
            return "binnen"
        except IntervisieFout as exc:
            assert "al gekozen" in str(exc)
            return "geweigerd"

    with ThreadPoolExecutor(max_workers=8) as pool:
        uitkomsten = list(pool.map(doe_mee, range(8)))
    assert uitkomsten.count("binnen") == 1
    assert [d.naam for d in intervisie.stand(kb, code).deelnemers] == ["Zelfde"]


def test_open_tabs_of_a_deleted_session_stop_polling_and_are_no_guesses(
    app: FastAPI, begeleider: TestClient, kb: Casusbank
) -> None:
    """A participant's tab keeps asking /stand every two seconds; after the facilitator
    deletes the session that must not count as guessing codes, which would lock the
    whole meeting room out after some forty seconds."""
    from web.intervisie import Gissen

    code = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    anna = deelnemer(app, code, "Anna")
    begeleider.post(f"/intervisie/{code}/verwijderen", data={"bevestig": "ja"})
    for _ in range(Gissen.MAX + 5):
        assert anna.get(f"/intervisie/{code}/stand?versie=1-0-0-0").status_code == 286
    assert anna.get(f"/intervisie/{code}").status_code == 404  # not 429
    nieuw = intervisie.start(kb, gebruiker(kb, "lp"), refs=["SEED-042"])
    assert anna.get(f"/intervisie/doe-mee?code={nieuw}").status_code == 200
