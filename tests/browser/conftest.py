"""The app in a real browser: uvicorn in a thread over a copy of the seeded knowledge base,
driven by Playwright with Debian's Chromium (`apt-get install chromium`).

One server and one browser for the whole session; every test gets a fresh
browser context (no cookies, no htmx history) and fails on any JavaScript error.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from ingest.anonymity import get_guard
from kb.settings import PROJECT_ROOT
from tests.conftest import copy_kb
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


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def app_url(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kb = copy_kb(seeded_dir, tmp_path_factory.mktemp("browser") / "data")
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
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} ontbreekt; installeer het met: apt-get install -y chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=app_url, viewport={"width": 1280, "height": 900}, locale="nl-NL"
    )
    pagina = context.new_page()
    pagina.set_default_timeout(15_000)
    fouten: list[str] = []
    pagina.on("pageerror", lambda exc: fouten.append(str(exc)))
    yield pagina
    context.close()
    assert not fouten, f"JavaScript-fouten in de pagina: {fouten}"


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., None]:
    """Saves a page to docs/screenshots/<naam>.png; look at them after changing the UI."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def opslaan(page: Page, naam: str, *, hele_pagina: bool = True) -> None:
        page.screenshot(path=SCREENSHOTS / f"{naam}.png", full_page=hele_pagina)

    return opslaan
