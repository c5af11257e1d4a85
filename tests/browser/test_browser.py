"""End to end in Chromium, as an officer uses it: describe a case, read precedents, add a case."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

VRAAG = (
    "Jongen van 15 op het vmbo spijbelt al maanden. Ouders reageren niet op uitnodigingen "
    "en het wijkteam krijgt geen contact."
)
Screenshot = Callable[..., None]
PaginaAls = Callable[..., Page]


def zoek(page: Page, tekst: str) -> None:
    page.goto("/")
    page.get_by_label("Uw casus").fill(tekst)
    page.get_by_role("button", name="Zoek vergelijkbare casussen").click()


def test_describe_a_twijfelgeval_and_see_precedents_without_reload(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/")
    page.evaluate("window.zelfdePagina = true")
    page.get_by_label("Uw casus").fill(VRAAG)
    page.get_by_role("button", name="Zoek vergelijkbare casussen").click()

    resultaten = page.locator("#resultaten .resultaat")
    expect(resultaten).to_have_count(10)
    expect(page.locator("#zoekstatus")).to_have_text("10 vergelijkbare casussen gevonden.")
    assert page.evaluate("window.zelfdePagina") is True  # htmx swapped, no page load
    assert "q=Jongen" in page.url and "leeftijd_van" not in page.url  # shareable, tidy

    eerste = resultaten.first
    expect(eerste.locator(".badge")).to_be_visible()
    expect(eerste.locator(".snippet mark").first).to_be_visible()
    expect(eerste.get_by_text("Gedeeld met uw casus")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Besluiten en verzuim daarna"))).to_be_visible()
    expect(page.get_by_role("table", name="Per besluit")).to_be_visible()
    screenshot(page, "twijfelgeval")


def test_back_and_forward_keep_the_status_line_and_log_no_errors(page: Page) -> None:
    """A review saw Back remove the status line for good (htmx took it out of the restored
    page as out-of-band content) and log dozens of CSP errors."""
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    zoek(page, VRAAG)
    expect(page.locator("#zoekstatus")).to_have_text("10 vergelijkbare casussen gevonden.")
    page.get_by_label("Uw casus").fill("meisje van 12 blijft thuis met buikpijn, moeder belt ziek")
    page.get_by_role("button", name="Zoek vergelijkbare casussen").click()
    expect(page).to_have_url(re.compile("buikpijn"))
    page.go_back()
    expect(page.get_by_label("Uw casus")).to_have_value(VRAAG)
    page.go_back()
    expect(page).not_to_have_url(re.compile("q="))
    page.go_forward()
    expect(page.get_by_label("Uw casus")).to_have_value(VRAAG)
    expect(page.locator("#zoekstatus")).to_have_count(1)
    page.get_by_label("Uw casus").fill("jongen van 16 werkt overdag in een magazijn")
    page.get_by_role("button", name="Zoek vergelijkbare casussen").click()
    expect(page.locator("#zoekstatus")).to_have_text(re.compile("vergelijkbare casussen gevonden"))
    assert console == []


def test_a_shared_link_shows_the_same_precedents(page: Page) -> None:
    zoek(page, VRAAG)
    expect(page.locator("#resultaten .resultaat")).to_have_count(10)
    titels = page.locator(".resultaat-titel").all_inner_texts()
    gedeeld = page.url

    page.goto("about:blank")
    page.goto(gedeeld)
    expect(page.get_by_label("Uw casus")).to_have_value(VRAAG)
    assert page.locator(".resultaat-titel").all_inner_texts() == titels


def test_factors_chosen_in_the_form_count_in_the_search(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Uw casus").fill("Meisje van 14 zit thuis")
    page.get_by_text("Factoren kiezen").click()
    page.get_by_label(re.compile("^Psychische klachten")).check()
    page.get_by_label(re.compile("^Eerste melding")).check()
    expect(page.locator(".factorkeuze summary")).to_have_text("Factoren kiezen (2 gekozen)")
    page.get_by_label(re.compile("^Eerste melding")).uncheck()
    expect(page.locator(".factorkeuze summary")).to_have_text("Factoren kiezen (1 gekozen)")
    page.get_by_role("button", name="Zoek vergelijkbare casussen").click()
    expect(page.locator("#resultaten .resultaat").first).to_be_visible()
    assert "factor=psychische_klachten" in page.url
    expect(page.locator(".resultaat").first.get_by_text("Psychische klachten")).to_be_visible()


def test_open_a_precedent_and_its_similar_cases(page: Page, screenshot: Screenshot) -> None:
    zoek(page, VRAAG)
    titel = page.locator(".resultaat-titel a").first
    naam = titel.inner_text()
    titel.click()

    expect(page).to_have_url(re.compile(r"/casus/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(naam)
    for kop in ("Situatie", "Afweging", "Commentaar uit de keten", "Uitkomst"):
        expect(page.get_by_role("heading", name=kop, exact=True)).to_be_visible()
    expect(page.locator("#vergelijkbaar-lijst .resultaat")).to_have_count(5, timeout=30_000)
    screenshot(page, "casus")


def test_add_a_case_fix_what_the_anonymity_check_finds_and_find_it_back(
    page: Page, screenshot: Screenshot
) -> None:
    page.goto("/casus/nieuw")
    page.get_by_label("Ref").fill("BROWSER-2024-001")
    page.get_by_label("Titel").fill("Praktijkschool 14, zorgt voor broertjes, moeder werkt 's nachts")
    page.get_by_label("Schooljaar").fill("2023-2024")
    page.get_by_label("Regio").fill("Voorbeeldstad")
    beschrijving = page.get_by_label("Beschrijving")
    beschrijving.fill(
        "Leerling van 14 op het praktijkonderwijs verzuimt sinds de kerstvakantie ongeveer 70 uur. "
        "Hij brengt zijn jongere broertjes naar school omdat moeder nachtdiensten draait. "
    )
    beschrijving.press("End")
    beschrijving.press_sequentially("Moeder Samira de Vries belt niet terug.")
    anon = page.locator("#anon-beschrijving")
    expect(anon.locator("mark")).to_have_text("Samira de Vries")
    expect(anon).to_contain_text("Mogelijk persoonsgegevens")

    page.get_by_label("Leeftijd").fill("14")
    page.get_by_label("Onderwijs (verplicht)").select_option("pro")
    page.get_by_label("Soort verzuim").select_option("relatief")
    page.get_by_label("Route").select_option("vrijwillige_hulp")
    page.get_by_label("Besluit").select_option("geen_pv")
    page.get_by_label("Mantelzorg").check()
    page.get_by_label(re.compile("^Hulp loopt")).check()
    page.locator("#f-afweging-toelichting").fill(
        "Het verzuim komt door de zorg voor de broertjes, niet door onwil. Eerst hulp voor het "
        "gezin via het wijkteam; een pv lost de oppas niet op."
    )
    page.get_by_label("Partij").first.select_option("rvdk")
    page.get_by_label("Oordeel").first.select_option("eens")
    page.get_by_label("Tekst").first.fill("Eens: eerst de gezinssituatie oplossen, dan kijken of het verzuim stopt.")
    anon.scroll_into_view_if_needed()
    screenshot(page, "casus-nieuw-controle", hele_pagina=False)

    page.get_by_role("button", name="Casus opslaan").click()
    overzicht = page.locator(".foutoverzicht")
    expect(overzicht).to_contain_text("Samira de Vries")
    expect(page.locator("#fout-beschrijving")).to_contain_text("Samira de Vries")
    expect(page.get_by_label("Titel")).to_have_value(re.compile("^Praktijkschool 14"))
    expect(page.get_by_label("Mantelzorg")).to_be_checked()
    expect(page.get_by_label("Tekst").first).to_have_value(re.compile("^Eens: eerst"))
    screenshot(page, "casus-nieuw-fout", hele_pagina=False)

    tekst = page.get_by_label("Beschrijving").input_value()
    page.get_by_label("Beschrijving").fill(tekst.replace("Moeder Samira de Vries", "Moeder"))
    expect(page.locator("#anon-beschrijving")).to_have_text("Geen persoonsgegevens gevonden.")
    page.get_by_role("button", name="Casus opslaan").click()

    # A case written in the app is a concept until a redacteur publishes it.
    expect(page).to_have_url(re.compile(r"/casus/BROWSER-2024-001$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("zorgt voor broertjes")
    expect(page.get_by_role("heading", name="Concept", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Ter review aanbieden")).to_be_visible()

    # The author finds their own concept back.
    zoek(page, "jongen zorgt voor zijn broertjes omdat moeder nachtdiensten draait")
    expect(page.locator("#r-BROWSER-2024-001")).to_be_visible()

    # Clean up through the page, so the other tests and their screenshots see the seed cases.
    page.goto("/casus/BROWSER-2024-001/bewerken")
    page.get_by_label("Ja, verwijder casus BROWSER-2024-001 definitief").check()
    page.get_by_role("button", name="Verwijderen").click()
    expect(page).to_have_url(re.compile(r"/mijn$"))
    assert page.goto("/casus/BROWSER-2024-001").status == 404  # type: ignore[union-attr]


def _tab_naar(page: Page, voorwaarde: str, max_stappen: int = 80) -> None:
    for _ in range(max_stappen):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return {voorwaarde}; }})()"):
            return
    raise AssertionError(f"met Tab niet bereikt: {voorwaarde}")


def _focus_zichtbaar(page: Page) -> bool:
    return bool(page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()"
    ))


def test_search_and_open_a_precedent_with_the_keyboard_only(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Naar de inhoud")

    _tab_naar(page, "e.id === 'q'")
    assert _focus_zichtbaar(page)
    page.keyboard.type("Meisje van 13 komt steeds te laat, ouders werken mee")
    _tab_naar(page, "e.type === 'submit'")
    assert _focus_zichtbaar(page)
    page.keyboard.press("Enter")
    expect(page.locator("#resultaten .resultaat").first).to_be_visible()

    _tab_naar(page, "e.closest('.resultaat-titel') !== null")
    assert _focus_zichtbaar(page)
    titel = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(titel)


def test_ctrl_enter_in_the_description_searches(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Uw casus").fill("Luxe verzuim: gezin twee dagen eerder op vakantie")
    page.get_by_label("Uw casus").press("Control+Enter")
    expect(page.locator("#resultaten .resultaat").first).to_be_visible()


def test_browse_by_facets(page: Page, screenshot: Screenshot) -> None:
    page.goto("/bladeren")
    screenshot(page, "bladeren")
    totaal = int(page.locator(".lijst .status").inner_text().split()[0])
    besluit = page.get_by_role("list", name="Besluit")
    besluit.get_by_role("link", name=re.compile("^Halt")).click()

    expect(page).to_have_url(re.compile(r"afweging\.besluit=halt"))
    expect(page.locator(".actieve-filters")).to_contain_text("Besluit: Halt")
    gefilterd = int(page.locator(".lijst .status").inner_text().split()[0])
    assert 0 < gefilterd < totaal
    expect(page.locator(".casuslijst .badge").first).to_contain_text("Halt")

    page.get_by_role("link", name="Alle filters weg").click()
    expect(page.locator(".lijst .status")).to_contain_text(f"{totaal} casussen")


def test_the_search_works_without_javascript(pagina_als: PaginaAls) -> None:
    page = pagina_als("lp", java_script_enabled=False)
    zoek(page, VRAAG)
    expect(page.locator("#resultaten .resultaat")).to_have_count(10)
    assert "q=Jongen" in page.url


def test_pages_fit_a_tablet_screen(pagina_als: PaginaAls, screenshot: Screenshot) -> None:
    page = pagina_als("lp", viewport={"width": 800, "height": 1100})
    for pad in ("/?q=meisje+14+angst+thuiszitter", "/bladeren", "/casus/nieuw"):
        page.goto(pad)
        breedte = page.evaluate("document.documentElement.scrollWidth")
        assert breedte <= 800, f"{pad} is breder dan het scherm: {breedte}px"
    page.goto("/?q=meisje+14+angst+thuiszitter")
    screenshot(page, "twijfelgeval-tablet", hele_pagina=False)


def test_an_unknown_case_shows_a_dutch_page(page: Page, screenshot: Screenshot) -> None:
    antwoord = page.goto("/casus/BESTAAT-NIET")
    assert antwoord is not None and antwoord.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    screenshot(page, "niet-gevonden", hele_pagina=False)
