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

from kb import intervisie
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
    assert "## Casus 2:" in md and "Nog niet besproken." in md
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
    assert gewijzigd.headers.get("HX-Refresh") == "true"
    onthuld = anna.get(f"/intervisie/{code}").text
    assert "Wat de leerplichtambtenaar besloot" in onthuld and "Hetzelfde besluit" in onthuld

    assert begeleider.post(f"/intervisie/{code}/afsluiten",
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
