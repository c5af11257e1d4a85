"""Accounts, review and web security in Chromium: who sees what, the review flow with
several users (each in a browser context of its own), inert XSS payloads, the login
redirect, Dutch refusal pages and a Content-Security-Policy that nothing trips over.

These tests publish cases, so they run against a server of their own: the other
modules' counts and screenshots keep seeing only the seed cases.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
import yaml
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from tests.browser.conftest import inloggen, start_server
from tests.conftest import DATA, WACHTWOORD

pytestmark = pytest.mark.browser
Screenshot = Callable[..., None]
PaginaAls = Callable[..., Page]

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
QUOTES = '" onmouseover="window.__xss=1" x="'
TEXTAREA = "</textarea><script>window.__xss=1</script>"


@pytest.fixture(scope="module")
def app_url(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start_server(seeded_dir, tmp_path_factory.mktemp("beveiliging"))


def let_op_csp(page: Page, meldingen: list[str]) -> None:
    """Collects into `meldingen`, from now on, what the browser reports about the
    Content-Security-Policy: a report means the page needed inline script or style,
    or markup got injected."""

    def bij(bericht: ConsoleMessage) -> None:
        if "Content Security Policy" in bericht.text:
            meldingen.append(f"{page.url}: {bericht.text}")

    page.on("console", bij)


def zoek(page: Page, tekst: str) -> None:
    page.goto("/")
    page.get_by_label("Uw casus").fill(tekst)
    page.get_by_role("button", name="Zoek vergelijkbare casussen").click()
    expect(page.locator("#zoekstatus")).to_contain_text("gevonden")


# --- the review flow ---------------------------------------------------------------

REF = "REVIEW-2024-001"
TITEL = "Mbo-leerling 16 werkt in het weekend en mist maandag en vrijdag"
BESCHRIJVING = (
    "Leerling van 16 op het mbo verzuimt sinds de zomervakantie bijna elke maandag en "
    "vrijdag, samen ongeveer 90 uur. Hij werkt in het weekend lange diensten in een bakkerij "
    "en is op maandag te moe. Ouders vinden het werk belangrijker dan de opleiding."
)
COMMENTAAR_OM = (
    "Oneens: na 90 uur en een gesprek zonder resultaat had hier een pv tegen ouders en "
    "jongere gepast."
)


def schrijf_casus(page: Page) -> None:
    """The leerplicht officer fills in the new-case form, as in the browser."""
    page.goto("/casus/nieuw")
    page.get_by_label("Ref").fill(REF)
    page.get_by_label("Titel").fill(TITEL)
    page.get_by_label("Schooljaar").fill("2023-2024")
    page.get_by_label("Regio").fill("Voorbeeldstad")
    page.get_by_label("Beschrijving").fill(BESCHRIJVING)
    page.get_by_label("Leeftijd").fill("16")
    page.get_by_label("Onderwijs (verplicht)").select_option("mbo")
    page.get_by_label("Soort verzuim").select_option("relatief")
    page.get_by_label("Route").select_option("vrijwillige_hulp")
    page.get_by_label("Besluit").select_option("geen_pv")
    page.locator("#f-afweging-toelichting").fill(
        "Eerst een gesprek met de werkgever en de ouders over werktijden; een pv lost de "
        "vermoeidheid op maandag niet op."
    )
    page.get_by_role("button", name="Casus opslaan").click()
    expect(page).to_have_url(re.compile(rf"/casus/{REF}$"))


def test_an_officer_writes_a_redacteur_publishes_om_disagrees_and_the_officer_sees_it(
    pagina_als: PaginaAls, screenshot: Screenshot
) -> None:
    lp = pagina_als("lp")
    schrijf_casus(lp)
    expect(lp.get_by_role("heading", name="Concept", exact=True)).to_be_visible()
    lp.get_by_role("button", name="Ter review aanbieden").click()
    expect(lp.get_by_role("heading", name="Ter review", exact=True)).to_be_visible()

    # Before publication: a keten partner gets the same answer as for a case that does
    # not exist, and a colleague does not find it.
    om = pagina_als("om")
    antwoord = om.goto(f"/casus/{REF}")
    assert antwoord is not None and antwoord.status == 404
    expect(om.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(om.get_by_text("u mag hem (nog) niet inzien")).to_be_visible()
    expect(om.get_by_text(TITEL)).to_have_count(0)
    lp2 = pagina_als("lp2")
    zoek(lp2, BESCHRIJVING)
    expect(lp2.locator(f"#r-{REF}")).to_have_count(0)

    red = pagina_als("red")
    red.goto("/review")
    red.get_by_role("link", name=TITEL).click()
    expect(red).to_have_url(re.compile(rf"/casus/{REF}#review$"))
    paneel = red.locator("#review")
    expect(paneel.get_by_role("heading", name="Anonimiteitscontrole")).to_be_visible()
    expect(paneel.get_by_text("Geen persoonsgegevens gevonden.")).to_be_visible()
    paneel.scroll_into_view_if_needed()
    screenshot(red, "review-paneel", hele_pagina=False)
    paneel.get_by_label(re.compile("^Ik heb de casus nagelezen")).check()
    paneel.get_by_role("button", name="Publiceren").click()
    expect(red.locator("#review")).to_have_count(0)  # no review panel on a published case
    zoek(lp2, BESCHRIJVING)
    expect(lp2.locator(f"#r-{REF}")).to_be_visible()

    zoek(om, BESCHRIJVING)
    om.locator(f"#r-{REF} a").click()
    expect(om.get_by_role("heading", level=1)).to_have_text(TITEL)
    om.get_by_label("oneens", exact=True).check()
    om.get_by_label("Toelichting").fill(COMMENTAAR_OM)
    om.get_by_role("button", name="Commentaar plaatsen").click()
    expect(om.locator(".commentaar blockquote").filter(has_text=COMMENTAAR_OM)).to_be_visible()

    lp.reload()
    van_om = lp.locator(".commentaar", has_text=COMMENTAAR_OM)
    expect(van_om.get_by_role("heading")).to_have_text("OM")
    expect(van_om.locator("blockquote", has_text=COMMENTAAR_OM).locator(".oordeel")).to_have_text(
        "Oneens"
    )
    expect(lp.locator("#review")).to_have_count(0)


# --- XSS payloads render inert -----------------------------------------------------

XSS_REF = "XSS-2024-001"
XSS_TITEL = f"Spijbelaar 15 {SCRIPT} {QUOTES}"
XSS_BESCHRIJVING = f"Opmerking vooraf: {SCRIPT} en {IMG} en {QUOTES} en {TEXTAREA} einde."
XSS_TOELICHTING = f"Toelichting met {IMG} {QUOTES} {SCRIPT} erin."
XSS_COMMENTAAR = f"Oneens met de afweging {SCRIPT} {IMG} {QUOTES} want het verzuim duurt te lang."


def xss_casus() -> dict[str, Any]:
    data = copy.deepcopy(yaml.safe_load((DATA / "voorbeeld.yaml").read_text(encoding="utf-8")))
    data.update(ref=XSS_REF, titel=XSS_TITEL)
    data["beschrijving"] = f"{XSS_BESCHRIJVING} {data['beschrijving']}"
    data["afweging"]["toelichting"] = f"{XSS_TOELICHTING} {data['afweging']['toelichting']}"
    return data


def api_token(page: Page) -> str:
    page.goto("/account")
    page.get_by_label("Naam van een nieuw token").fill("xss-test")
    page.get_by_role("button", name="Token maken").click()
    return page.locator("#nieuw-token").inner_text()


def assert_onschadelijk(page: Page, *zichtbaar: str) -> None:
    """The payloads are text on the page: no element, attribute or script came from them."""
    for tekst in zichtbaar:
        expect(page.get_by_text(tekst).first).to_be_visible()
    for element in page.get_by_text("onmouseover").all():
        if element.is_visible():
            element.hover()
    assert page.evaluate("typeof window.__xss") == "undefined", page.url
    ingevoegd = page.evaluate(
        """() => ({
            inline: [...document.scripts].filter(s => !s.src).map(s => s.outerHTML),
            vreemd: [...document.querySelectorAll('img[src="x"], [onerror], [onmouseover]')]
                .map(e => e.outerHTML),
        })"""
    )
    assert ingevoegd == {"inline": [], "vreemd": []}, f"{page.url}: {ingevoegd}"


def test_script_tags_and_attribute_breaking_quotes_in_a_case_render_as_text(
    pagina_als: PaginaAls,
) -> None:
    csp: list[str] = []
    lp = pagina_als("lp")
    let_op_csp(lp, csp)
    antwoord = lp.request.post(
        "/api/cases", data=xss_casus(), headers={"Authorization": f"Bearer {api_token(lp)}"}
    )
    assert antwoord.status == 201, antwoord.text()

    lp.goto(f"/casus/{XSS_REF}")
    expect(lp.get_by_role("heading", level=1)).to_have_text(XSS_TITEL)
    assert_onschadelijk(lp, XSS_BESCHRIJVING, XSS_TOELICHTING)
    assert lp.title().startswith(XSS_TITEL)

    lp.goto(f"/casus/{XSS_REF}/bewerken")  # the texts inside value="" and <textarea>
    expect(lp.get_by_label("Titel")).to_have_value(XSS_TITEL)
    expect(lp.get_by_label("Beschrijving")).to_have_value(re.compile("^" + re.escape(XSS_BESCHRIJVING)))
    assert_onschadelijk(lp)

    # The query comes back in the search form; quotes in it ask for literal phrases, so
    # the case itself is found with a query of its words and the script tag only.
    vraag = f"Spijbelaar {SCRIPT} {IMG} {QUOTES}"
    lp.goto("/?q=" + quote_plus(vraag))
    expect(lp.get_by_label("Uw casus")).to_have_value(vraag)
    assert_onschadelijk(lp)
    lp.goto("/?q=" + quote_plus(f"Spijbelaar 15 opmerking vooraf {SCRIPT}"))
    expect(lp.locator(f"#r-{XSS_REF}")).to_have_text(XSS_TITEL)
    expect(lp.locator(f"article:has(#r-{XSS_REF}) .snippet")).to_contain_text(SCRIPT)
    assert_onschadelijk(lp, XSS_TITEL)

    lp.goto("/bladeren?q=Spijbelaar")
    assert_onschadelijk(lp, XSS_TITEL)

    lp.goto("/mijn")
    assert_onschadelijk(lp, XSS_TITEL)

    lp.goto(f"/casus/{XSS_REF}")
    lp.get_by_role("button", name="Ter review aanbieden").click()
    expect(lp.get_by_role("heading", name="Ter review", exact=True)).to_be_visible()

    red = pagina_als("red")
    let_op_csp(red, csp)
    red.goto("/review")
    assert_onschadelijk(red, XSS_TITEL)
    red.get_by_role("link", name=XSS_TITEL).click()
    expect(red.locator("#review").get_by_text("Geen persoonsgegevens gevonden.")).to_be_visible()
    assert_onschadelijk(red, XSS_BESCHRIJVING, XSS_TOELICHTING)
    red.get_by_label(re.compile("^Ik heb de casus nagelezen")).check()
    red.get_by_role("button", name="Publiceren").click()
    expect(red.locator("#review")).to_have_count(0)
    assert_onschadelijk(red, XSS_BESCHRIJVING)

    om = pagina_als("om")
    let_op_csp(om, csp)
    om.goto(f"/casus/{XSS_REF}")
    om.get_by_label("oneens", exact=True).check()
    om.get_by_label("Toelichting").fill(XSS_COMMENTAAR)
    om.get_by_role("button", name="Commentaar plaatsen").click()
    expect(om.locator(".commentaar blockquote").filter(has_text=XSS_COMMENTAAR)).to_be_visible()
    om.get_by_text("Mijn commentaar wijzigen").click()  # the text inside its edit form
    assert_onschadelijk(om, XSS_COMMENTAAR)

    lp.goto(f"/casus/{XSS_REF}")
    assert_onschadelijk(lp, XSS_COMMENTAAR, XSS_BESCHRIJVING)
    assert not csp, csp


# --- logging in and refusals -------------------------------------------------------


def test_an_anonymous_visitor_logs_in_and_comes_back_where_they_were_going(
    nieuwe_pagina: Callable[..., Page], screenshot: Screenshot
) -> None:
    page = nieuwe_pagina()
    page.goto("/bladeren")
    expect(page).to_have_url(re.compile(r"/login\?volgende=%2Fbladeren$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page.get_by_role("navigation")).to_have_count(0)  # nothing of the app before login
    screenshot(page, "login", hele_pagina=False)

    page.get_by_label("Gebruikersnaam").fill("lp")
    page.get_by_label("Wachtwoord").fill(WACHTWOORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/bladeren$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_a_new_account_chooses_its_own_password_at_first_login_and_then_uses_it(
    pagina_als: PaginaAls, nieuwe_pagina: Callable[..., Page]
) -> None:
    beheer = pagina_als("beheer")
    beheer.goto("/beheer/gebruikers")
    beheer.get_by_label("Gebruikersnaam").fill("nieuwe-consulent")
    beheer.get_by_label("Rol").select_option("leerplicht")
    beheer.get_by_role("button", name="Account maken").click()
    eenmalig = beheer.locator("#eenmalig-wachtwoord").inner_text().strip()
    assert len(eenmalig) >= 10

    # A colleague's link, opened by the new account: it is where the first login ends.
    page = nieuwe_pagina()
    page.goto("/bladeren?afweging.besluit=halt")
    page.get_by_label("Gebruikersnaam").fill("nieuwe-consulent")
    page.get_by_label("Wachtwoord").fill(eenmalig)
    page.get_by_role("button", name="Inloggen").click()
    wachtwoordpagina = re.compile(
        r"/account/wachtwoord\?volgende=%2Fbladeren%3Fafweging\.besluit%3Dhalt$")
    expect(page).to_have_url(wachtwoordpagina)
    expect(page.get_by_role("alert")).to_contain_text("eenmalig wachtwoord")
    page.goto("/bladeren?afweging.besluit=halt")  # nothing else until one's own is chosen
    expect(page).to_have_url(wachtwoordpagina)

    # The password the administrator saw cannot be kept as one's own.
    page.get_by_label("Huidig wachtwoord").fill(eenmalig)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(eenmalig)
    page.get_by_label("Nieuw wachtwoord nog eens").fill(eenmalig)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.locator("#fout-nieuw")).to_contain_text("Kies een ander wachtwoord")

    eigen = "fietsen langs de gracht in de regen"
    page.get_by_label("Huidig wachtwoord").fill(eenmalig)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(eigen)
    page.get_by_label("Nieuw wachtwoord nog eens").fill(eigen)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page).to_have_url(re.compile(r"/bladeren\?afweging\.besluit=halt$"))
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    page.get_by_label("Gebruikersnaam").fill("nieuwe-consulent")
    page.get_by_label("Wachtwoord").fill(eenmalig)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator(".melding-fout, [role=alert]").first).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)

    inloggen(page, "nieuwe-consulent", eigen)
    expect(page).not_to_have_url(re.compile(r"/account/wachtwoord"))


@pytest.mark.parametrize(
    ("naam", "pad", "uitleg"),
    [
        ("om", "/casus/nieuw", "niet voor de rol ketenpartner"),
        ("lp", "/beheer/gebruikers", "niet voor de rol leerplicht"),
    ],
)
def test_a_refusal_is_a_dutch_page(
    pagina_als: PaginaAls, naam: str, pad: str, uitleg: str
) -> None:
    page = pagina_als(naam)
    antwoord = page.goto(pad)
    assert antwoord is not None and antwoord.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Dit mag u niet")
    expect(page.locator(".melding")).to_contain_text(uitleg)
    expect(page.locator("body")).not_to_contain_text("Traceback")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()  # still signed in


def test_a_form_left_open_from_an_earlier_session_is_refused_with_a_clear_page(
    pagina_als: PaginaAls,
) -> None:
    page = pagina_als("lp")
    page.goto("/account")
    andere_tab = page.context.new_page()
    andere_tab.goto("/bladeren")
    andere_tab.get_by_role("button", name="Uitloggen").click()
    inloggen(andere_tab, "lp")  # a new session, with a new CSRF token

    page.get_by_label("Naam van een nieuw token").fill("oud formulier")
    page.get_by_role("button", name="Token maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dit mag u niet")
    expect(page.locator(".melding")).to_contain_text("Laad de pagina opnieuw")
    page.goto("/account")
    expect(page.get_by_text("oud formulier")).to_have_count(0)


@pytest.mark.parametrize("pad", ["/login", "/account"])
def test_login_and_password_fields_are_as_wide_as_other_form_fields(
    nieuwe_pagina: Callable[..., Page], pagina_als: PaginaAls, pad: str
) -> None:
    page = nieuwe_pagina() if pad == "/login" else pagina_als("lp")
    page.goto(pad)
    for veld in page.locator(".veld input:not([type=hidden])").all():
        breedte = veld.bounding_box()["width"]  # type: ignore[index]
        ruimte = veld.locator("xpath=..").bounding_box()["width"]  # type: ignore[index]
        assert breedte > 0.9 * ruimte, f"{pad} #{veld.get_attribute('id')}: {breedte} van {ruimte}"


# --- the Content-Security-Policy ---------------------------------------------------


def test_the_main_pages_need_nothing_the_content_security_policy_blocks(
    pagina_als: PaginaAls,
) -> None:
    csp: list[str] = []
    page = pagina_als("lp")
    let_op_csp(page, csp)
    beleid: dict[str, str] = {}  # page address -> its Content-Security-Policy header

    def bij_antwoord(antwoord: Response) -> None:
        if antwoord.request.resource_type == "document":
            beleid[antwoord.url] = antwoord.headers.get("content-security-policy", "")

    page.on("response", bij_antwoord)

    zoek(page, "Meisje van 14 zit thuis met angstklachten")  # an htmx swap
    page.goto("/casus/SEED-042")
    expect(page.locator("#vergelijkbaar-lijst .resultaat").first).to_be_visible(timeout=30_000)
    page.goto("/bladeren")
    page.get_by_role("list", name="Besluit").get_by_role("link").first.click()
    expect(page.locator(".actieve-filters")).to_be_visible()
    page.goto("/account")
    expect(page.get_by_role("heading", name="Mijn account")).to_be_visible()
    page.goto("/docs")
    expect(page.get_by_role("heading", name=re.compile("Casusbank Leerplicht"))).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()  # the operations, from /openapi.json
    assert not csp, csp

    # ...and no page got there by a weaker policy.
    paden = {re.sub(r"^https?://[^/]+", "", url).split("?")[0] for url in beleid}
    assert {"/", "/casus/SEED-042", "/bladeren", "/account", "/docs"} <= paden
    for url, waarde in beleid.items():
        assert "script-src 'self';" in waarde and "unsafe-inline" not in waarde, (url, waarde)


def test_logging_out_ends_the_session(pagina_als: PaginaAls) -> None:
    page = pagina_als("lp")
    page.goto("/bladeren")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/bladeren")
    expect(page).to_have_url(re.compile(r"/login\?volgende=%2Fbladeren$"))


def test_back_after_logging_out_does_not_show_the_case_again(pagina_als: PaginaAls) -> None:
    # A shared computer: the next person presses Back after the officer logged out.
    page = pagina_als("lp")
    page.goto("/casus/SEED-042")
    titel = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/login\?volgende=%2Fcasus%2FSEED-042$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page.locator("body")).not_to_contain_text(titel)


def test_after_logging_out_elsewhere_a_search_says_so_in_place_and_keeps_what_was_typed(
    pagina_als: PaginaAls,
) -> None:
    page = pagina_als("lp")
    page.goto("/")
    andere_tab = page.context.new_page()
    andere_tab.goto("/bladeren")
    andere_tab.get_by_role("button", name="Uitloggen").click()

    page.get_by_label("Uw casus").fill("Meisje van 14 zit thuis")
    page.get_by_role("button", name="Zoek vergelijkbare casussen").click()
    melding = page.locator("#resultaten [role=alert]")
    expect(melding).to_contain_text("niet (meer) ingelogd")
    expect(page.get_by_label("Uw casus")).to_have_value("Meisje van 14 zit thuis")
    login = melding.get_by_role("link", name=re.compile("Log opnieuw in"))
    assert login.get_attribute("href") == "/login?volgende=%2F"


def test_after_logging_out_elsewhere_the_case_form_keeps_everything_typed(
    pagina_als: PaginaAls,
) -> None:
    page = pagina_als("lp")
    page.goto("/casus/nieuw")
    andere_tab = page.context.new_page()
    andere_tab.goto("/mijn")
    andere_tab.get_by_role("button", name="Uitloggen").click()

    tekst = "Leerling van 15 verzuimt al weken; ouders reageren niet op brieven."
    page.locator("#f-beschrijving").fill(tekst)  # the live anonymity check asks the server
    expect(page.get_by_text("niet (meer) ingelogd")).to_be_visible()
    assert page.url.endswith("/casus/nieuw")
    expect(page.locator("#f-beschrijving")).to_have_value(tekst)
    link = page.get_by_role("link", name=re.compile("Log opnieuw in")).first
    assert link.get_attribute("href") == "/login?volgende=%2Fcasus%2Fnieuw"


def test_a_case_form_sent_after_logging_out_elsewhere_is_back_after_logging_in(
    pagina_als: PaginaAls,
) -> None:
    page = pagina_als("lp")
    page.goto("/casus/nieuw")
    andere_tab = page.context.new_page()
    andere_tab.goto("/mijn")
    andere_tab.get_by_role("button", name="Uitloggen").click()

    titel = "Vmbo-jongen 15, verzuim na verhuizing, ouders werken mee"
    beschrijving = "Jongen van 15 verzuimt sinds de verhuizing steeds vaker; ouders werken mee."
    page.get_by_label("Titel").fill(titel)
    page.locator("#f-beschrijving").fill(beschrijving)
    page.get_by_role("button", name="Casus opslaan").click()
    expect(page).to_have_url(re.compile(r"/login\?volgende=%2Fcasus%2Fnieuw$"))

    page.get_by_label("Gebruikersnaam").fill("lp")  # on this login page: it leads back
    page.get_by_label("Wachtwoord").fill(WACHTWOORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/casus/nieuw$"))
    expect(page.get_by_role("status")).to_contain_text("staat weer in het formulier")
    expect(page.get_by_label("Titel")).to_have_value(titel)
    expect(page.locator("#f-beschrijving")).to_have_value(beschrijving)
    page.goto("/mijn")  # anywhere else: the copy in the tab is gone
    page.goto("/casus/nieuw")
    expect(page.get_by_label("Titel")).to_have_value("")
