"""A whole intervisie session in Chromium: a facilitator and two participants, each in a
separate browser context (own cookies, as on three devices), updates arriving by polling."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import WACHTWOORD

pytestmark = pytest.mark.browser
Screenshot = Callable[..., None]


@pytest.fixture
def contexten(browser: Browser, app_url: str) -> Iterator[Callable[[], Page]]:
    """Opens pages in fresh contexts; fails the test on any JavaScript error in any of them."""
    geopend: list[BrowserContext] = []
    fouten: list[str] = []

    def nieuw() -> Page:
        context = browser.new_context(base_url=app_url, viewport={"width": 1280, "height": 900},
                                      locale="nl-NL")
        geopend.append(context)
        pagina = context.new_page()
        pagina.set_default_timeout(15_000)
        pagina.on("pageerror", lambda exc: fouten.append(str(exc)))
        return pagina

    yield nieuw
    for context in geopend:
        context.close()
    assert not fouten, f"JavaScript-fouten in de pagina: {fouten}"


def _inloggen(page: Page, naam: str) -> None:
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill(naam)
    page.get_by_label("Wachtwoord").fill(WACHTWOORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _meedoen(page: Page, code: str, naam: str) -> None:
    page.goto(f"/intervisie/doe-mee?code={code}")
    page.get_by_label("Naam of bijnaam").fill(naam)
    page.get_by_role("button", name="Doe mee").click()
    expect(page.get_by_text(f"u doet mee als {naam}")).to_be_visible()


def _besluiten(page: Page, besluit: str, tegen: str | None, factoren: list[str], waarom: str) -> None:
    page.check(f"#besluit-{besluit}")
    if tegen:
        page.check(f"#tegen-{tegen}")
    for f in factoren:
        page.check(f"#k-{f}")
    page.get_by_label("Waarom?").fill(waarom)
    page.get_by_role("button", name="Mijn besluit opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Uw antwoord is opgeslagen")


def test_a_facilitator_and_two_participants_hold_a_session(
    contexten: Callable[[], Page], screenshot: Screenshot
) -> None:
    begeleider = contexten()
    _inloggen(begeleider, "lp")
    begeleider.goto("/intervisie")
    begeleider.get_by_label("Of: casussen op ref").fill("SEED-042")
    begeleider.get_by_role("button", name="Start de sessie").click()
    code = begeleider.locator("#sessiecode").inner_text()
    assert len(code) == 6

    anna, bram = contexten(), contexten()
    _meedoen(anna, code, "Anna")
    _meedoen(bram, code, "Bram")
    # The facilitator's list fills in by polling, without reloading the page.
    begeleider.evaluate("window.zelfdePagina = true")
    expect(begeleider.locator("#deelnemers")).to_contain_text("0 van 2 beantwoord")

    expect(anna.get_by_text("Brugklasser 13 spijbelt")).to_have_count(0)  # no title, no decision
    _besluiten(anna, "halt", "jongere", ["motivatie_zonder_zorg", "eerste_melding"],
               "Klassiek spijbelen, eerste melding.")
    _besluiten(bram, "pv", "jongere", ["afspraken_niet_nagekomen"], "Het loopt al weken.")
    expect(begeleider.locator("#deelnemers")).to_contain_text("2 van 2 beantwoord")
    assert begeleider.evaluate("window.zelfdePagina") is True
    screenshot(begeleider, "intervisie-begeleider")

    anna.evaluate("window.wachtend = true")
    begeleider.get_by_role("button", name="Onthul het besluit").click()
    expect(begeleider.get_by_text("1 van 2 kozen het besluit uit de casus.").first).to_be_visible()
    # At 1280px the tally fits the side box: nothing sticks out on the right.
    assert begeleider.evaluate("""() => {
        const box = document.querySelector('aside.samenvatting');
        const rechts = box.getBoundingClientRect().right;
        return [...box.querySelectorAll('*')].every(e => e.getBoundingClientRect().right <= rechts);
    }""")

    # The participants' pages reload themselves once the facilitator has revealed.
    for deelnemer, uitslag in ((anna, "Hetzelfde besluit."), (bram, "Een ander besluit.")):
        expect(deelnemer.get_by_role("heading", name="Wat de leerplichtambtenaar besloot")
               ).to_be_visible(timeout=10_000)
        expect(deelnemer.get_by_text(uitslag)).to_be_visible()
    assert anna.evaluate("window.wachtend === undefined")
    screenshot(anna, "intervisie-deelnemer-onthuld")

    begeleider.get_by_text("Sessie afsluiten").click()
    begeleider.get_by_label(re.compile("Ja, sluit de sessie af")).check()
    begeleider.get_by_role("button", name="Afsluiten").click()
    expect(begeleider.get_by_role("heading", name=re.compile(r"^Intervisie: Sessie van "))
           ).to_be_visible()
    expect(anna.get_by_text("De begeleider heeft de sessie afgesloten")).to_be_visible(
        timeout=10_000)

    with begeleider.expect_download() as download:
        begeleider.get_by_role("link", name="Download als Markdown").click()
    verslag = Path(download.value.path()).read_text(encoding="utf-8")
    assert "**Besluit in de casus:** Halt tegen jongere" in verslag
    assert "| Anna | Halt tegen jongere |" in verslag and "| Bram | Pv tegen jongere |" in verslag

    begeleider.emulate_media(media="print")
    expect(begeleider.locator("header.kop")).to_be_hidden()
    expect(begeleider.get_by_role("button", name="Afdrukken")).to_be_hidden()
    screenshot(begeleider, "intervisie-verslag-afdruk")


def test_chart_labels_end_before_their_bars(
    contexten: Callable[[], Page],
) -> None:
    pagina = contexten()
    _inloggen(pagina, "lp")
    pagina.goto("/inzicht")
    # Per bar: the label's right edge, measured in the browser's font, against the bar's start.
    overlap = pagina.evaluate("""() => [...document.querySelectorAll('svg text.as-label')]
        .map(t => [t.textContent, t.getBBox().x + t.getBBox().width,
                   t.nextElementSibling && t.nextElementSibling.tagName === 'rect'
                     ? Number(t.nextElementSibling.getAttribute('x')) : Infinity])
        .filter(([, eind, begin]) => eind > begin)""")
    assert overlap == []
    expect(pagina.get_by_text("Voortgezet speciaal onderwijs").first).to_be_attached()


def test_printing_inzicht_prints_the_tables_behind_the_charts(
    contexten: Callable[[], Page],
) -> None:
    pagina = contexten()
    _inloggen(pagina, "lp")
    pagina.goto("/inzicht")
    tabellen = pagina.locator("details.tabel-alternatief")
    assert tabellen.count() >= 7
    pagina.locator("details.tabel-alternatief summary").first.click()  # one the user opened
    pagina.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert pagina.locator("details.tabel-alternatief:not([open])").count() == 0
    pagina.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert pagina.locator("details.tabel-alternatief[open]").count() == 1


def test_inzicht_fits_a_phone_without_scrolling_sideways(
    contexten: Callable[[], Page],
) -> None:
    pagina = contexten()
    _inloggen(pagina, "lp")
    pagina.set_viewport_size({"width": 375, "height": 800})
    pagina.goto("/inzicht")
    assert pagina.evaluate("document.documentElement.scrollWidth") <= 375
