"""The web app over a real seeded knowledge base: pages, htmx fragments, the form and the API.

Read-only tests share one app (`lezer`); a test that writes gets its own copy
of the knowledge base (`client` over the `kb` fixture).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlmodel import select
from starlette.datastructures import FormData

from kb.schema import Casus, naar_uitwisseling
from kb.service import Casusbank
from kb.store import Filters
from kb.vocabulary import LABELS
from search.service import Zoekvraag, vergelijkbaar, zoek
from tests.conftest import DATA, copy_kb, log_in
from web import forms
from web.app import create_app

VOORBEELD: dict[str, Any] = yaml.safe_load((DATA / "voorbeeld.yaml").read_text(encoding="utf-8"))
VRAAG = "Jongen van 15 op het vmbo spijbelt al maanden, ouders reageren niet op uitnodigingen"
HTMX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def lees_kb(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Casusbank:
    return copy_kb(seeded_dir, tmp_path_factory.mktemp("web") / "data")


@pytest.fixture(scope="module")
def lezer(lees_kb: Casusbank) -> Iterator[TestClient]:
    with TestClient(create_app(lees_kb)) as client:
        yield log_in(client, "lp")


@pytest.fixture
def client(kb: Casusbank) -> Iterator[TestClient]:
    """Signed in as the leerplicht officer `lp`."""
    with TestClient(create_app(kb)) as c:
        yield log_in(c, "lp")


def nieuwe_casus(**wijzigingen: Any) -> dict[str, Any]:
    data = copy.deepcopy(VOORBEELD)
    data.update({"ref": "WEB-2024-001", **wijzigingen})
    return data


def formulier(data: dict[str, Any]) -> dict[str, list[str]]:
    """A case as the browser posts the form (httpx takes repeated fields as lists)."""
    waarden = forms.uit_casus(data)
    paren: list[tuple[str, str]] = []
    for naam, waarde in waarden.velden.items():
        if isinstance(waarde, list):
            paren.extend((naam, w) for w in waarde)
        else:
            paren.append((naam, waarde))
    for nr, rij in enumerate(waarden.commentaarrijen(), start=1):
        paren.extend((f"commentaar[{nr}].{k}", v) for k, v in rij.items())
    velden: dict[str, list[str]] = {}
    for naam, waarde in paren:
        velden.setdefault(naam, []).append(waarde)
    return velden


def met(velden: dict[str, list[str]], **vervangen: str) -> dict[str, list[str]]:
    return {**velden, **{k.replace("__", "."): [v] for k, v in vervangen.items()}}


def veldfout(html: str, naam: str) -> str:
    m = re.search(rf'<div class="veldfout" id="fout-{forms.veld_id(naam)}">(.*?)</div>', html, re.S)
    return m.group(1) if m else ""


# --- twijfelgeval -------------------------------------------------------------


def test_start_page_shows_the_search_form_and_no_results(lezer: TestClient) -> None:
    r = lezer.get("/")
    assert r.status_code == 200
    assert '<textarea id="q" name="q"' in r.text
    assert 'class="resultaat"' not in r.text


def test_a_description_in_the_url_shows_precedents_and_summary_on_a_full_page(
    lezer: TestClient,
) -> None:
    r = lezer.get("/", params={"q": VRAAG})
    assert r.status_code == 200
    assert r.text.startswith("<!doctype html>")
    assert r.text.count('class="resultaat"') == 10
    assert "besluit-" in r.text and "<mark>" in r.text
    assert '<svg viewBox=' in r.text and 'role="img"' in r.text and "<desc" in r.text
    assert VRAAG in r.text  # the description stays in the textarea


def test_an_htmx_search_gets_only_the_results_block(lezer: TestClient) -> None:
    r = lezer.get("/", params={"q": VRAAG}, headers=HTMX)
    assert r.status_code == 200
    assert "<html" not in r.text and "<form" not in r.text
    assert r.text.count('class="resultaat"') == 10
    assert 'id="zoekstatus"' in r.text and 'hx-swap-oob="true"' in r.text
    assert r.headers["vary"] == "HX-Request"


def test_htmx_history_restore_gets_the_whole_page(lezer: TestClient) -> None:
    r = lezer.get("/", params={"q": VRAAG}, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in r.text


def test_filters_and_factors_of_the_form_narrow_the_search(
    lezer: TestClient, lees_kb: Casusbank
) -> None:
    params = {"q": VRAAG, "route": "halt", "leeftijd_van": "14", "leeftijd_tot": "16",
              "factor": "motivatie_zonder_zorg"}
    r = lezer.get("/", params=params, headers=HTMX)
    refs = re.findall(r'id="r-([^"]+)"', r.text)
    assert refs
    for ref in refs:
        casus = lees_kb.get(ref)
        assert casus is not None and casus.route == "halt"
        assert 14 <= casus.leerling.leeftijd <= 16
    assert "Motivatie zonder zorgen" in r.text


def test_an_empty_search_says_what_to_do(lezer: TestClient) -> None:
    r = lezer.get("/", params={"q": ""})
    assert r.status_code == 200
    assert "Beschrijf de casus, of kies factoren of filters" in r.text
    # htmx leaves empty fields out of the URL (app.js): the request has no parameters at all.
    r = lezer.get("/", headers=HTMX)
    assert "Beschrijf de casus, of kies factoren of filters" in r.text


def test_a_description_naming_someone_is_searched_with_a_warning(lezer: TestClient) -> None:
    r = lezer.get("/", params={"q": "Samira de Vries van 14 uit de Kerkstraat 12 spijbelt"})
    assert r.status_code == 200
    waarschuwing = re.search(r'id="zoek-persoonsgegevens".*?</div>', r.text, re.S)
    assert waarschuwing and "Samira de Vries" in waarschuwing.group(0)
    assert "adresbalk" in waarschuwing.group(0)
    assert r.text.count('class="resultaat"') == 10  # the search itself still answers


def test_an_anonymous_description_gets_no_warning(lezer: TestClient) -> None:
    r = lezer.get("/", params={"q": VRAAG})
    assert 'id="zoek-persoonsgegevens"' not in r.text


def test_a_reversed_age_range_in_the_form_is_explained_in_the_forms_words(
    lezer: TestClient,
) -> None:
    r = lezer.get("/", params={"q": VRAAG, "leeftijd_van": "16", "leeftijd_tot": "12"})
    assert "Leeftijd: &#39;van&#39; (16) is hoger dan &#39;tot en met&#39; (12)." in r.text


def test_the_query_is_escaped_and_only_the_snippet_marks_are_html(lezer: TestClient) -> None:
    r = lezer.get("/", params={"q": "<script>alert(1)</script> spijbelt maanden"})
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert" in r.text
    assert "<mark>" in r.text


# --- casus ----------------------------------------------------------------------


def _volledige_casus(kb: Casusbank) -> str:
    """A seed case with every part the page shows: factors, commentaar, uitkomst, lessen."""
    for casus in kb.all():
        if casus.commentaar and casus.uitkomst and casus.lessen and casus.afweging.factoren:
            return casus.ref
    raise AssertionError("geen volledige casus in de seeds")


def test_case_page_shows_every_part_of_the_case(lezer: TestClient, lees_kb: Casusbank) -> None:
    ref = _volledige_casus(lees_kb)
    casus = lees_kb.get(ref)
    assert casus is not None and casus.commentaar and casus.uitkomst
    r = lezer.get(f"/casus/{ref}")
    assert r.status_code == 200
    tekst = r.text.replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"')
    for deel in ("Situatie", "Afweging", "Voor pv", "Tegen pv", "Context",
                 "Commentaar uit de keten", "Uitkomst", "Lessen", "Vergelijkbare casussen"):
        assert deel in tekst
    assert casus.titel in tekst
    assert casus.afweging.toelichting.split()[0] in tekst
    assert casus.commentaar[0].tekst in tekst
    assert f'hx-get="/casus/{ref}/vergelijkbaar"' in r.text


def test_similar_cases_come_as_a_fragment_without_the_case_itself(
    lezer: TestClient, lees_kb: Casusbank
) -> None:
    ref = _volledige_casus(lees_kb)
    r = lezer.get(f"/casus/{ref}/vergelijkbaar", headers=HTMX)
    assert "<html" not in r.text
    refs = re.findall(r'id="r-([^"]+)"', r.text)
    assert refs == [x["ref"] for x in vergelijkbaar(lees_kb, ref, limit=5)["results"]]
    assert ref not in refs


def test_similar_cases_work_without_javascript_as_a_whole_page(
    lezer: TestClient, lees_kb: Casusbank
) -> None:
    ref = _volledige_casus(lees_kb)
    r = lezer.get(f"/casus/{ref}/vergelijkbaar")
    assert "<html" in r.text and r.text.count('class="resultaat"') == 5


def test_an_unknown_case_gets_a_dutch_404_page(lezer: TestClient) -> None:
    r = lezer.get("/casus/BESTAAT-NIET")
    assert r.status_code == 404
    assert "Er is geen casus met ref &#39;BESTAAT-NIET&#39;" in r.text
    assert 'lang="nl"' in r.text


def test_an_unknown_address_gets_a_dutch_404_page(lezer: TestClient) -> None:
    r = lezer.get("/nergens")
    assert r.status_code == 404
    assert "Pagina niet gevonden" in r.text


def test_an_error_in_a_page_shows_no_stack_trace(kb: Casusbank, monkeypatch) -> None:
    def kapot(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("geheim detail uit de server")

    monkeypatch.setattr("web.pages.lijst", kapot)
    with TestClient(create_app(kb), raise_server_exceptions=False) as c:
        r = log_in(c, "lp").get("/bladeren")
    assert r.status_code == 500
    assert "Er ging iets mis" in r.text
    assert "geheim detail" not in r.text and "Traceback" not in r.text


# --- bladeren --------------------------------------------------------------------


def _facet(html: str, veld: str) -> dict[str, int]:
    return {
        w: int(n)
        for w, n in re.findall(
            rf'id="f-{re.escape(veld.replace(".", "-"))}-([^"]+)".*?<span class="aantal">(\d+)</span>',
            html,
            re.S,
        )
    }


def test_browsing_shows_all_cases_with_facet_counts(lezer: TestClient, lees_kb: Casusbank) -> None:
    r = lezer.get("/bladeren")
    totaal = lees_kb.count()
    assert f"{totaal} casussen" in r.text
    besluiten = _facet(r.text, "afweging.besluit")
    assert sum(besluiten.values()) == totaal
    for veld in ("route", "verzuim.soort", "leerling.onderwijs", "schooljaar"):
        assert sum(_facet(r.text, veld).values()) == totaal
    assert _facet(r.text, "themas")


def test_themes_show_their_labels_on_bladeren_and_the_case_page(lezer: TestClient) -> None:
    """'Effect van een pv', not the code 'pv-effect', as intervisie and inzicht show it."""
    lijst = lezer.get("/bladeren", params={"themas": "pv-effect"}).text
    assert "Thema: Effect van een pv" in lijst and "Thema: pv-effect" not in lijst
    assert "Effect van een pv" in lijst.split('id="facet-themas"')[1]
    ref = re.search(r'href="/casus/(SEED-\d+)"', lijst)
    assert ref is not None
    casus = lezer.get(f"/casus/{ref.group(1)}").text
    assert ">Effect van een pv</a>" in casus and ">pv-effect</a>" not in casus


def test_a_facet_narrows_the_list_and_htmx_gets_only_the_list(
    lezer: TestClient, lees_kb: Casusbank
) -> None:
    r = lezer.get("/bladeren", params={"afweging.besluit": "halt"}, headers=HTMX)
    assert "<html" not in r.text
    aantal = len([c for c in lees_kb.all() if c.afweging.besluit == "halt"])
    assert f"{aantal} casussen" in r.text
    assert "Besluit: Halt" in r.text  # the active filter, with a link to remove it
    assert _facet(r.text, "afweging.besluit")["pv"] > 0  # other values stay available


def test_the_free_text_filter_finds_cases_holding_every_word(
    lezer: TestClient, lees_kb: Casusbank
) -> None:
    r = lezer.get("/bladeren", params={"q": "Vakantie OUDERS"})

    def teksten(c: Casus) -> str:
        uitkomst = c.uitkomst.toelichting if c.uitkomst else ""
        delen = [c.ref, c.titel, c.regio, c.beschrijving, c.afweging.toelichting, uitkomst,
                 c.lessen, *(k.tekst for k in c.commentaar or [])]
        return " ".join(d or "" for d in delen).lower()

    verwacht = [c.ref for c in lees_kb.all() if "vakantie" in teksten(c) and "ouders" in teksten(c)]
    assert 0 < len(verwacht) < lees_kb.count()
    assert f"{len(verwacht)} casussen met" in r.text


def test_browsing_pages_through_the_cases(lezer: TestClient, lees_kb: Casusbank) -> None:
    eerste = lezer.get("/bladeren")
    tweede = lezer.get("/bladeren", params={"pagina": "2"})
    refs1 = re.findall(r'class="casuslijst-titel" href="/casus/([^"]+)"', eerste.text)
    refs2 = re.findall(r'class="casuslijst-titel" href="/casus/([^"]+)"', tweede.text)
    assert len(refs1) == 20 and refs2 and not set(refs1) & set(refs2)
    assert 'id="pagina-volgende"' in eerste.text and 'id="pagina-vorige"' in tweede.text


def test_an_unknown_filter_in_the_url_is_explained(lezer: TestClient) -> None:
    r = lezer.get("/bladeren", params={"kleur": "rood"})
    assert r.status_code == 200
    assert "onbekend filterveld" in r.text


# --- ready for a strict Content-Security-Policy ------------------------------------


@pytest.mark.parametrize(
    "pad",
    ["/", f"/?q={VRAAG}", "/casus/nieuw", "/bladeren", "/casus/BESTAAT-NIET", "/bladeren?q=ouders"],
)
def test_pages_have_no_inline_script_or_style_and_load_nothing_from_elsewhere(
    lezer: TestClient, pad: str
) -> None:
    html = lezer.get(pad).text
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\sstyle=|<style", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_case_pages_have_no_inline_script_or_style(lezer: TestClient, lees_kb: Casusbank) -> None:
    ref = _volledige_casus(lees_kb)
    for pad in (f"/casus/{ref}", f"/casus/{ref}/vergelijkbaar", f"/casus/{ref}/bewerken"):
        html = lezer.get(pad).text
        assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|<style|\son[a-z]+=", html)


def test_htmx_is_served_from_the_app_itself(lezer: TestClient) -> None:
    r = lezer.get("/static/htmx.min.js")
    assert r.status_code == 200 and 'version:"2.0.11"' in r.text
    assert '<script src="/static/htmx.min.js"' in lezer.get("/").text


# --- the case form ----------------------------------------------------------------


def test_form_fields_cover_the_whole_exchange_format(lees_kb: Casusbank) -> None:
    for casus in lees_kb.all():
        data = naar_uitwisseling(casus)
        assert forms.naar_casus(forms.uit_casus(data)) == data


def test_new_case_form_has_a_field_for_every_field_and_code(lezer: TestClient) -> None:
    html = lezer.get("/casus/nieuw").text
    for naam, veld in forms.VELDEN.items():
        assert f'name="{naam}"' in html, naam
        if veld.vocab == "factor":
            continue
        if veld.vocab:
            for code in LABELS[veld.vocab]:
                assert f'value="{code}"' in html
    assert html.count('name="commentaar[') == 4 * forms.MIN_COMMENTAARRIJEN


def test_a_posted_form_creates_the_case_and_redirects_to_it(client: TestClient, kb: Casusbank) -> None:
    data = nieuwe_casus()
    r = client.post("/casus/nieuw", data=formulier(data), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/casus/WEB-2024-001"
    opgeslagen = kb.get("WEB-2024-001")
    assert opgeslagen is not None
    assert naar_uitwisseling(opgeslagen) == naar_uitwisseling(Casus.model_validate(data))


def test_a_refused_form_shows_each_error_next_to_its_field_and_keeps_everything_typed(
    client: TestClient, kb: Casusbank
) -> None:
    aantal = kb.count()
    data = nieuwe_casus()
    data["beschrijving"] = "Samira de Vries " + data["beschrijving"]
    paren = met(formulier(data), leerling__leeftijd="vijftien")
    r = client.post("/casus/nieuw", data=paren)
    assert r.status_code == 422
    assert "Samira de Vries" in veldfout(r.text, "beschrijving")
    assert "geheel getal" in veldfout(r.text, "leerling.leeftijd")
    assert 'class="foutoverzicht"' in r.text and 'href="#f-beschrijving"' in r.text
    # Everything typed is still there.
    assert 'value="vijftien"' in r.text
    assert f'value="{data["titel"]}"' in r.text
    assert "Samira de Vries Leerling van 15" in r.text
    assert re.search(r'value="hulp_geweigerd" checked', r.text)
    assert data["commentaar"][0]["tekst"].split()[0] in r.text
    assert kb.count() == aantal and kb.get("WEB-2024-001") is None


def test_the_form_refuses_a_ref_that_exists(client: TestClient, kb: Casusbank) -> None:
    bestaande = kb.all()[0].ref
    r = client.post("/casus/nieuw", data=formulier(nieuwe_casus(ref=bestaande)))
    assert r.status_code == 422
    assert "er is al een casus" in veldfout(r.text, "ref")


def test_the_edit_form_is_filled_in_and_saves_changes(client: TestClient, kb: Casusbank) -> None:
    # The author's own case: a new one, then edited from the form.
    client.post("/casus/nieuw", data=formulier(nieuwe_casus()))
    casus = kb.get("WEB-2024-001")
    assert casus is not None
    r = client.get(f"/casus/{casus.ref}/bewerken")
    assert f'value="{casus.ref}"' in r.text and "readonly" in r.text
    paren = met(formulier(naar_uitwisseling(casus)), titel="Een nieuwe titel voor deze casus")
    r = client.post(f"/casus/{casus.ref}/bewerken", data=paren, follow_redirects=False)
    assert r.status_code == 303
    gewijzigd = kb.get(casus.ref)
    assert gewijzigd is not None and gewijzigd.titel == "Een nieuwe titel voor deze casus"
    assert gewijzigd.beschrijving == casus.beschrijving


def test_deleting_from_the_page_needs_a_confirmation(client: TestClient, kb: Casusbank) -> None:
    ref = kb.all()[0].ref  # a published case: only the redactie deletes it
    log_in(client, "red")
    client.post(f"/casus/{ref}/verwijderen", data={}, follow_redirects=False)
    assert kb.get(ref) is not None
    r = client.post(f"/casus/{ref}/verwijderen", data={"bevestig": "ja"}, follow_redirects=False)
    assert r.status_code == 303 and kb.get(ref) is None


def test_the_delete_form_is_offered_only_to_who_may_delete(
    client: TestClient, kb: Casusbank
) -> None:
    """An officer may edit their own published case but not delete it: a review saw the
    button offered, and a 403 after ticking it."""
    from kb import review
    from tests.conftest import gebruiker
    from tests.test_import_export import variant

    lp, red = gebruiker(kb, "lp"), gebruiker(kb, "red")
    kb.save(variant(960), door=lp)
    review.bied_aan(kb, "TST-960", lp)
    review.publiceer(kb, "TST-960", red, anonimiteit_bevestigd=True)
    r = client.get("/casus/TST-960/bewerken")
    assert r.status_code == 200 and "Casus verwijderen" not in r.text
    log_in(client, "red")
    assert "Casus verwijderen" in client.get("/casus/TST-960/bewerken").text


def test_the_live_check_marks_personal_data_in_the_text(lezer: TestClient) -> None:
    tekst = "Het gezin van Samira de Vries woont op de Dorpsstraat 12."
    r = lezer.post("/casus/anonimiteit", params={"veld": "beschrijving"},
                   data={"beschrijving": tekst, "titel": "iets anders"}, headers=HTMX)
    assert r.status_code == 200
    assert '<mark title="naam">Samira de Vries</mark>' in r.text
    assert "Dorpsstraat 12</mark>" in r.text


def test_the_live_check_says_when_a_text_is_clean(lezer: TestClient) -> None:
    r = lezer.post("/casus/anonimiteit", params={"veld": "titel"},
                   data={"titel": "Vmbo-leerling 15 verzuimt maanden"}, headers=HTMX)
    assert "Geen persoonsgegevens gevonden" in r.text


def test_the_live_check_escapes_what_was_typed(lezer: TestClient) -> None:
    r = lezer.post("/casus/anonimiteit", params={"veld": "lessen"},
                   data={"lessen": "<img src=x> Samira de Vries"}, headers=HTMX)
    assert "<img" not in r.text and "&lt;img src=x&gt;" in r.text


def test_messages_land_on_their_form_fields() -> None:
    fouten = forms.verdeel_fouten([
        "leerling.leeftijd: 3 valt buiten het bereik: minimaal 4",
        "afweging.factoren[2]: onbekende factor 'x'",
        "commentaar[1].tekst: te kort: minimaal 20 tekens, nu 3",
        "ref X-1): titel: verplicht veld ontbreekt",
        "iets zonder veld",
    ])
    assert fouten.per_veld == {
        "titel": ["verplicht veld ontbreekt"],
        "leerling.leeftijd": ["3 valt buiten het bereik: minimaal 4"],
        "afweging.factoren": ["onbekende factor 'x'"],
        "commentaar[1].tekst": ["te kort: minimaal 20 tekens, nu 3"],
    }
    assert list(fouten.per_veld) == ["titel", "leerling.leeftijd", "afweging.factoren",
                                     "commentaar[1].tekst"]
    assert fouten.algemeen == ["iets zonder veld"]


def test_empty_commentaar_rows_are_left_out_and_filled_ones_kept_in_order() -> None:
    paren = [("commentaar[1].tekst", ""), ("commentaar[2].partij", "om"),
             ("commentaar[2].tekst", "Eens met dit besluit, goed onderbouwd."),
             ("commentaar[3].partij", "")]
    waarden = forms.uit_formulier(FormData(paren))
    assert forms.naar_casus(waarden)["commentaar"] == [
        {"partij": "om", "tekst": "Eens met dit besluit, goed onderbouwd."}
    ]


# --- JSON API ----------------------------------------------------------------------


def test_api_lists_cases_with_filters_and_paging(lezer: TestClient, lees_kb: Casusbank) -> None:
    r = lezer.get("/api/cases", params={"afweging.besluit": "pv", "limit": 3, "offset": 1})
    assert r.status_code == 200
    body = r.json()
    alle_pv = [c for c in lees_kb.all() if c.afweging.besluit == "pv"]
    assert body["totaal"] == len(alle_pv)
    assert [c["ref"] for c in body["cases"]] == [c.ref for c in alle_pv][1:4]
    assert body["cases"][0] == naar_uitwisseling(alle_pv[1])


def test_an_unknown_value_of_a_closed_vocabulary_is_explained_not_counted_as_none(
    lezer: TestClient,
) -> None:
    """'route=bestaatniet' answered "0 casussen" while the form showed "Alle"."""
    for pad in ("/bladeren", "/inzicht"):
        r = lezer.get(pad, params={"route": "bestaatniet"})
        assert "route=bestaatniet: onbekende waarde" in r.text, pad
    r = lezer.get("/api/cases", params={"afweging.besluit": "boete"})
    assert r.status_code == 422 and "mogelijk zijn: pv" in r.json()["detail"]["fouten"][0]


def test_api_refuses_an_unknown_filter_in_dutch(lezer: TestClient) -> None:
    r = lezer.get("/api/cases", params={"kleur": "rood"})
    assert r.status_code == 422
    assert "onbekend filterveld 'kleur'" in r.json()["detail"]["fouten"][0]


def test_api_gets_one_case_in_the_exchange_format(lezer: TestClient, lees_kb: Casusbank) -> None:
    casus = lees_kb.all()[0]
    r = lezer.get(f"/api/cases/{casus.ref}")
    assert r.status_code == 200 and r.json() == naar_uitwisseling(casus)
    assert lezer.get("/api/cases/BESTAAT-NIET").status_code == 404


def test_api_search_answers_exactly_what_zoek_answers(lezer: TestClient, lees_kb: Casusbank) -> None:
    body = {"query": VRAAG, "filters": {"leerling.leeftijd": "12-17", "route": ["halt", "strafrechtelijk"]},
            "factoren": ["hulp_geweigerd"], "limit": 5, "mode": "hybrid"}
    r = lezer.post("/api/search", json=body)
    assert r.status_code == 200
    filters = Filters.parse(["leerling.leeftijd=12-17", "route=halt", "route=strafrechtelijk"])
    verwacht = zoek(lees_kb, Zoekvraag(VRAAG, filters, ["hulp_geweigerd"], 5, "hybrid"))
    assert r.json() == json.loads(json.dumps(verwacht))


def test_api_search_refusals_are_422_with_dutch_messages(lezer: TestClient) -> None:
    r = lezer.post("/api/search", json={"query": "x", "factoren": ["bestaat_niet"]})
    assert r.status_code == 422 and "onbekende factor" in r.json()["detail"]["fouten"][0]
    r = lezer.post("/api/search", json={"query": "x", "limit": "veel"})
    assert (r.status_code == 422 and r.json()["detail"]["fouten"] == [
        "limit: moet een geheel getal zijn"
    ]) or "limit" in r.json()["detail"]["fouten"][0]


def test_api_similar_answers_what_vergelijkbaar_answers(lezer: TestClient, lees_kb: Casusbank) -> None:
    ref = lees_kb.all()[0].ref
    r = lezer.get(f"/api/cases/{ref}/similar", params={"limit": 3})
    assert r.json() == json.loads(json.dumps(vergelijkbaar(lees_kb, ref, 3)))
    assert lezer.get("/api/cases/BESTAAT-NIET/similar").status_code == 404


def test_api_creates_updates_and_deletes_a_case(client: TestClient, kb: Casusbank) -> None:
    data = nieuwe_casus()
    r = client.post("/api/cases", json=data)
    assert r.status_code == 201 and r.headers["location"] == "/api/cases/WEB-2024-001"
    assert r.json() == naar_uitwisseling(kb.get("WEB-2024-001"))  # type: ignore[arg-type]

    data["titel"] = "Gewijzigde titel van de casus"
    r = client.put("/api/cases/WEB-2024-001", json=data)
    assert r.status_code == 200 and r.json()["titel"] == "Gewijzigde titel van de casus"

    assert client.delete("/api/cases/WEB-2024-001").status_code == 204
    assert kb.get("WEB-2024-001") is None
    assert client.delete("/api/cases/WEB-2024-001").status_code == 404


def test_api_create_refuses_an_existing_ref_with_409(client: TestClient, kb: Casusbank) -> None:
    ref = kb.all()[0].ref
    r = client.post("/api/cases", json=nieuwe_casus(ref=ref))
    assert r.status_code == 409
    assert "PUT" in r.json()["detail"]["fouten"][0]


def test_api_refuses_a_case_with_a_name_and_stores_nothing(client: TestClient, kb: Casusbank) -> None:
    aantal = kb.count()
    data = nieuwe_casus()
    data["afweging"]["toelichting"] = (
        "Samira de Vries wil niet meewerken; alle vrijwillige stappen zijn gezet zonder resultaat."
    )
    r = client.post("/api/cases", json=data)
    assert r.status_code == 422
    fouten = r.json()["detail"]["fouten"]
    assert any("afweging.toelichting" in f and "Samira de Vries" in f for f in fouten)
    assert kb.count() == aantal and kb.get("WEB-2024-001") is None


def test_api_put_refuses_a_ref_that_differs_from_the_url(client: TestClient, kb: Casusbank) -> None:
    ref = kb.all()[0].ref
    r = client.put(f"/api/cases/{ref}", json=nieuwe_casus(ref="ANDERE-REF"))
    assert r.status_code == 422 and "wijkt af" in r.json()["detail"]["fouten"][0]


def test_api_refuses_a_body_that_is_no_object(client: TestClient) -> None:
    r = client.post("/api/cases", json=["geen", "object"])
    assert r.status_code == 422 and r.json()["detail"]["fouten"]


def test_openapi_describes_the_api_and_not_the_pages(lezer: TestClient) -> None:
    paden = lezer.get("/openapi.json").json()["paths"]
    assert {"/api/cases", "/api/cases/{ref}", "/api/cases/{ref}/similar", "/api/search"} <= set(paden)
    assert not any(not p.startswith("/api/") for p in paden)


def test_kb_serve_prints_the_address_and_serves_the_app(kb: Casusbank, monkeypatch) -> None:
    from typer.testing import CliRunner

    from kb.cli import app

    gestart: dict[str, Any] = {}
    monkeypatch.setenv("KB_DATA_DIR", str(kb.settings.data_dir))
    monkeypatch.setattr("uvicorn.run", lambda asgi, **opties: gestart.update(app=asgi, **opties))
    uitvoer = CliRunner().invoke(app, ["serve", "--port", "8123"])
    assert uitvoer.exit_code == 0, uitvoer.output
    assert "http://127.0.0.1:8123/" in uitvoer.output
    assert gestart["host"] == "127.0.0.1" and gestart["port"] == 8123
    with TestClient(gestart["app"]) as c:
        assert c.get("/bladeren").status_code == 200


def test_api_documentation_loads_nothing_from_outside(lezer: TestClient) -> None:
    pagina = lezer.get("/docs")
    assert pagina.status_code == 200
    scripts_en_css = re.findall(r'(?:src|href)="([^"]+)"', pagina.text)
    assert scripts_en_css and all(u.startswith("/static/") for u in scripts_en_css)
    for url in scripts_en_css:
        assert lezer.get(url).status_code == 200


def test_a_search_result_downloads_as_csv_in_the_order_shown(lezer: TestClient) -> None:
    from kb.export_csv import lees_csv
    from search.export import KOLOMMEN

    pagina = lezer.get("/", params={"q": VRAAG})
    r = lezer.get("/zoeken.csv", params={"q": VRAAG})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rijen = lees_csv(r.text)
    assert tuple(rijen[0]) == KOLOMMEN
    refs = re.findall(r'<h3 class="resultaat-titel" id="r-([^"]+)"', pagina.text)
    assert [rij[1] for rij in rijen[1:]] == refs and len(refs) == 10
    assert 'href="/zoeken.csv?q=' in pagina.text


def test_saving_a_published_case_unchanged_keeps_it_published(kb: Casusbank) -> None:
    from kb import review
    from tests.conftest import gebruiker

    with TestClient(create_app(kb)) as c:
        log_in(c, "red")
        r = c.get("/casus/SEED-002/bewerken")
        assert "Deze casus is gepubliceerd" in r.text
        velden = formulier(naar_uitwisseling(kb.get("SEED-002", app_commentaar=False)))
        r = c.post("/casus/SEED-002/bewerken", data=velden, follow_redirects=False)
        assert r.status_code == 303
        assert review.info(kb, "SEED-002", gebruiker(kb, "lp")).status == "gepubliceerd"
        gewijzigd = met(velden, titel="Een andere titel voor deze casus")
        c.post("/casus/SEED-002/bewerken", data=gewijzigd, follow_redirects=False)
        assert review.info(kb, "SEED-002", gebruiker(kb, "red")).status == "concept"


def test_a_unique_constraint_hit_by_simultaneous_saves_is_a_dutch_409(kb: Casusbank) -> None:
    """What a service does not settle itself (two requests inserting the same row at
    once) reaches the user as a 409 with a Dutch explanation, never a 500. Simulated by
    a route that inserts an existing account row for real."""
    from kb.models import GebruikerRij

    app = create_app(kb)

    def dubbel() -> None:
        with kb.session() as s:
            bestaand = s.exec(select(GebruikerRij).where(GebruikerRij.naam == "lp")).one()
            s.add(GebruikerRij(naam=bestaand.naam, rol=bestaand.rol,
                               wachtwoord_hash=bestaand.wachtwoord_hash))

    app.add_api_route("/api/dubbel", dubbel, methods=["POST"])
    app.add_api_route("/dubbel", dubbel, methods=["POST"])
    with TestClient(app) as c:
        log_in(c, "lp")
        r = c.post("/api/dubbel")
        assert r.status_code == 409 and "Tegelijk werd hetzelfde opgeslagen" in r.json()["detail"]
        r = c.post("/dubbel")
        assert r.status_code == 409 and "Tegelijk opgeslagen" in r.text


def test_a_page_of_cases_takes_a_fixed_number_of_queries(lees_kb: Casusbank) -> None:
    """Not one or two per case: on a network database every query is a round trip
    (a page of 50 took 105 queries before the lists were loaded together)."""
    from sqlalchemy import event

    from kb import overzicht

    tellingen: list[int] = []
    for limit in (5, 50):
        n = [0]

        def tel(*_: Any, n: list[int] = n) -> None:
            n[0] += 1

        event.listen(lees_kb.engine, "before_cursor_execute", tel)
        try:
            pagina = overzicht.lijst(lees_kb, limit=limit)
        finally:
            event.remove(lees_kb.engine, "before_cursor_execute", tel)
        assert len(pagina.casussen) == limit
        tellingen.append(n[0])
    assert tellingen[0] == tellingen[1] <= 6, tellingen


def test_the_free_text_filter_ignores_case_beyond_ascii_too(lees_kb: Casusbank) -> None:
    """'COÖRDINATOR' finds what 'coördinator' finds, on SQLite as on PostgreSQL."""
    from kb import overzicht

    klein = overzicht.lijst(lees_kb, tekst="zorgcoördinator", limit=500).totaal
    assert klein > 0
    assert overzicht.lijst(lees_kb, tekst="ZORGCOÖRDINATOR", limit=500).totaal == klein


def test_an_integrity_error_that_is_no_unique_clash_stays_a_server_error(kb: Casusbank) -> None:
    """A missing foreign key is a bug, not "saved at the same time"."""
    from kb.models import CommentaarRij

    app = create_app(kb)

    def wees() -> None:
        with kb.session() as s:
            s.add(CommentaarRij(casus_id=999_999, partij="om", oordeel="eens", tekst="x"))

    app.add_api_route("/api/wees", wees, methods=["POST"])
    with TestClient(app, raise_server_exceptions=False) as c:
        log_in(c, "lp")
        r = c.post("/api/wees")
        assert r.status_code == 500 and "Tegelijk" not in r.text


def test_the_search_page_says_which_abbreviation_it_wrote_out(lezer: TestClient) -> None:
    pagina = lezer.get("/", params={"q": "al onder JR met schoolvoorwaarde, apart pv?"})
    assert "JR gelezen als <em>jeugdreclassering</em>" in pagina.text
    gewoon = lezer.get("/", params={"q": VRAAG})
    assert "gelezen als" not in gewoon.text


@pytest.mark.parametrize(
    "params",
    [
        {"q": "jongen", "leeftijd_van": "16", "leeftijd_tot": "12"},
        {"q": "jongen", "leerling.onderwijs": "hbo"},
    ],
)
def test_a_csv_of_a_search_with_a_bad_filter_is_refused_in_dutch(
    lezer: TestClient, params: dict[str, str]
) -> None:
    r = lezer.get("/zoeken.csv", params=params)
    assert r.status_code == 400
    assert "Dit zoekresultaat kan niet gemaakt worden" in r.text


def test_the_search_form_filters_on_decision_and_theme(lezer: TestClient) -> None:
    pagina = lezer.get("/", params={"q": VRAAG, "afweging.besluit": "halt"})
    assert 'name="afweging.besluit"' in pagina.text and 'name="themas"' in pagina.text
    assert '<option value="halt" selected>' in pagina.text
    besluiten = re.findall(r'<span class="badge besluit-([a-z_]+)"', pagina.text)
    assert besluiten and set(besluiten) == {"halt"}
    thema = lezer.get("/", params={"q": VRAAG, "themas": "luxe-verzuim"})
    refs = re.findall(r'<h3 class="resultaat-titel" id="r-([^"]+)"', thema.text)
    assert refs
    zonder = re.findall(
        r'<h3 class="resultaat-titel" id="r-([^"]+)"', lezer.get("/", params={"q": VRAAG}).text
    )
    assert refs != zonder


def test_shared_themes_show_their_labels(lezer: TestClient) -> None:
    pagina = lezer.get("/", params={"q": VRAAG}).text
    gedeeld = re.findall(r'<ul class="themas">(.*?)</ul>', pagina, re.S)
    assert gedeeld
    items = [t for blok in gedeeld for t in re.findall(r"<li>(.*?)</li>", blok)]
    assert items and all(t in LABELS["thema"].values() for t in items)


def test_a_case_address_in_other_capitals_points_to_the_case_but_never_to_a_hidden_one(
    client: TestClient, kb: Casusbank
) -> None:
    from tests.conftest import gebruiker
    from tests.test_import_export import variant

    r = client.get("/casus/seed-001")
    assert r.status_code == 404 and "Bedoelt u SEED-001?" in r.text
    kb.save(variant(961), door=gebruiker(kb, "red"))  # a colleague's concept
    r = client.get("/casus/tst-961")
    assert r.status_code == 404 and "Bedoelt u" not in r.text
    # A hidden case with exactly the typed ref changes nothing in the answer: a review saw
    # the pointer vanish when one existed, which told that it did.
    kb.save(variant(962, ref="seed-001"), door=gebruiker(kb, "red"))
    r = client.get("/casus/seed-001")
    assert r.status_code == 404 and "Bedoelt u SEED-001?" in r.text
