"""The app in a real browser: uvicorn in a thread over a copy of the seeded knowledge base,
driven by Playwright with Debian's Chromium (`apt-get install chromium`).

One server and one browser for the whole session. Every page the tests open gets a
fresh browser context (own cookies, no htmx history, as on a separate device) and the
test fails on any JavaScript error in it. Every page of the app needs a login:
`page` is signed in as the leerplicht officer `lp` through the real login form,
`pagina_als(naam)` signs in anyone of `tests.conftest.ACCOUNTS`, and `nieuwe_pagina()`
opens one that is not signed in.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from ingest.anonymity import get_guard
from kb.settings import PROJECT_ROOT
from tests.conftest import WACHTWOORD, copy_kb
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
CONTEXT_STANDAARD: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, "locale": "nl-NL"}


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(seeded_dir: Path, werkmap: Path) -> Iterator[str]:
    """Serve a copy of the seeded knowledge base in `werkmap`; yields its address.
    A test module that publishes cases can serve its own copy, so the other modules'
    counts and screenshots keep seeing only the seed cases."""
    kb = copy_kb(seeded_dir, werkmap / "data")
    # Load the search model and the anonymity guard before the browser waits on them.
    kb.index.ensure_current()
    get_guard()
    poort = _vrije_poort()
    server = uvicorn.Server(
        uvicorn.Config(create_app(kb), host="127.0.0.1", port=poort, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("de webapp startte niet binnen 20 seconden")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{poort}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def app_url(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start_server(seeded_dir, tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} ontbreekt; installeer het met: apt-get install -y chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def inloggen(page: Page, naam: str, wachtwoord: str = WACHTWOORD) -> None:
    """Sign in through the login form, as a person does."""
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill(naam)
    page.get_by_label("Wachtwoord").fill(wachtwoord)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


@pytest.fixture
def nieuwe_pagina(browser: Browser, app_url: str) -> Iterator[Callable[..., Page]]:
    """Opens a page in a fresh browser context, not signed in; keyword arguments go to
    `browser.new_context` (viewport, java_script_enabled, ...)."""
    contexten: list[BrowserContext] = []
    fouten: list[str] = []

    def open_pagina(**opties: Any) -> Page:
        context = browser.new_context(base_url=app_url, **{**CONTEXT_STANDAARD, **opties})
        contexten.append(context)
        pagina = context.new_page()
        pagina.set_default_timeout(15_000)
        pagina.on("pageerror", lambda exc: fouten.append(str(exc)))
        return pagina

    yield open_pagina
    for context in contexten:
        context.close()
    assert not fouten, f"JavaScript-fouten in de pagina: {fouten}"


@pytest.fixture
def pagina_als(nieuwe_pagina: Callable[..., Page]) -> Callable[..., Page]:
    """`pagina_als("red")`: a page signed in as that account, in a context of its own."""

    def als(naam: str, **opties: Any) -> Page:
        pagina = nieuwe_pagina(**opties)
        inloggen(pagina, naam)
        return pagina

    return als


@pytest.fixture
def page(pagina_als: Callable[..., Page]) -> Page:
    """Signed in as the leerplicht officer `lp`."""
    return pagina_als("lp")


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., None]:
    """Saves a page to docs/screenshots/<naam>.png; look at them after changing the UI."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def opslaan(page: Page, naam: str, *, hele_pagina: bool = True) -> None:
        page.screenshot(path=SCREENSHOTS / f"{naam}.png", full_page=hele_pagina)

    return opslaan
