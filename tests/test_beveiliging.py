"""Web security: sessions, CSRF, API tokens, throttling, headers, size limits, escaping.

All against the real app over a copy of the seeded knowledge base, through the
same forms a browser posts. The XSS payloads are also checked in a real browser
(tests/browser/test_beveiliging_browser.py).
"""

from __future__ import annotations

import copy
import html
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from kb import accounts
from kb.service import Casusbank
from tests.conftest import DATA, WACHTWOORD, csrf_uit, gebruiker, log_in
from web.app import create_app
from web.beveiliging import MAX_BODY

VOORBEELD: dict[str, Any] = yaml.safe_load((DATA / "voorbeeld.yaml").read_text(encoding="utf-8"))
XSS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '" onmouseover="window.__xss=1" x="',
    "' autofocus onfocus='window.__xss=1",
]


@pytest.fixture
def app(kb: Casusbank) -> Any:
    return create_app(kb)


@pytest.fixture
def anoniem(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _login(c: TestClient, naam: str, wachtwoord: str) -> Any:
    pagina = c.get("/login")
    return c.post("/login", data={"naam": naam, "wachtwoord": wachtwoord,
                                  "csrf": csrf_uit(pagina.text)}, follow_redirects=False)


# --- sessions ----------------------------------------------------------------


def test_the_session_cookie_is_httponly_samesite_lax_and_secure_behind_https(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(app) as c:
        koek = _login(c, "lp", WACHTWOORD).headers["set-cookie"]
        assert "kb_sessie=" in koek and "HttpOnly" in koek and "SameSite=lax" in koek
        assert "Secure" not in koek  # plain http on a laptop: a Secure cookie would not return
    with TestClient(app, base_url="https://casusbank.test") as c:
        assert "Secure" in _login(c, "lp", WACHTWOORD).headers["set-cookie"]
    monkeypatch.setenv("KB_HTTPS", "1")  # behind a TLS proxy that does not say so
    with TestClient(app) as c:
        assert "Secure" in _login(c, "lp", WACHTWOORD).headers["set-cookie"]


def test_logging_out_ends_the_session_on_the_server(anoniem: TestClient) -> None:
    log_in(anoniem, "lp")
    koek = anoniem.cookies.get("kb_sessie")
    assert anoniem.post("/logout", follow_redirects=False).status_code == 303
    anoniem.cookies.set("kb_sessie", koek or "")  # a copied cookie no longer works
    assert anoniem.get("/", follow_redirects=False).status_code == 303


def test_a_wrong_password_or_unknown_name_gives_the_same_answer(anoniem: TestClient) -> None:
    fout_wachtwoord = _login(anoniem, "lp", "niet-het-wachtwoord")
    onbekend = _login(anoniem, "niemand", "niet-het-wachtwoord")
    assert fout_wachtwoord.status_code == onbekend.status_code == 401
    assert "Gebruikersnaam of wachtwoord klopt niet" in fout_wachtwoord.text
    assert "Gebruikersnaam of wachtwoord klopt niet" in onbekend.text


def test_after_login_the_user_returns_to_the_page_they_asked_for_never_to_another_site(
    anoniem: TestClient,
) -> None:
    r = anoniem.get("/bladeren?themas=luxe-verzuim", follow_redirects=False)
    assert r.headers["location"] == "/login?volgende=%2Fbladeren%3Fthemas%3Dluxe-verzuim"
    pagina = anoniem.get(r.headers["location"])
    assert 'value="/bladeren?themas=luxe-verzuim"' in pagina.text
    for volgende, doel in [("/bladeren", "/bladeren"), ("//evil.example", "/"),
                           ("https://evil.example", "/"), ("/\\evil.example", "/")]:
        anoniem.cookies.clear()
        pagina = anoniem.get("/login")
        r = anoniem.post("/login", data={"naam": "lp", "wachtwoord": WACHTWOORD,
                                         "csrf": csrf_uit(pagina.text), "volgende": volgende},
                         follow_redirects=False)
        assert r.headers["location"] == doel, volgende


def test_a_one_time_password_must_be_changed_before_anything_else(
    kb: Casusbank, anoniem: TestClient
) -> None:
    eenmalig = accounts.nieuw_wachtwoord()
    with kb.session() as s:
        accounts.maak(s, "nieuwkomer", "leerplicht", eenmalig, moet_wijzigen=True)
    r = _login(anoniem, "nieuwkomer", eenmalig)
    assert r.headers["location"] == "/account/wachtwoord"
    assert anoniem.get("/", follow_redirects=False).headers["location"] == "/account/wachtwoord"
    csrf = csrf_uit(anoniem.get("/account/wachtwoord").text)
    r = anoniem.post("/account/wachtwoord", data={
        "csrf": csrf, "huidig": eenmalig, "nieuw": "kort", "herhaal": "kort"})
    assert r.status_code == 422 and "minstens 10 tekens" in r.text
    nieuw = "mijn eigen lange wachtwoord"
    r = anoniem.post("/account/wachtwoord", data={
        "csrf": csrf, "huidig": eenmalig, "nieuw": nieuw, "herhaal": nieuw},
        follow_redirects=False)
    assert r.status_code == 303
    assert anoniem.get("/", follow_redirects=False).status_code == 200
    assert _login(TestClient(anoniem.app), "nieuwkomer", eenmalig).status_code == 401


def _eenmalig_account(kb: Casusbank, naam: str = "nieuwkomer") -> str:
    eenmalig = accounts.nieuw_wachtwoord()
    with kb.session() as s:
        accounts.maak(s, naam, "leerplicht", eenmalig, moet_wijzigen=True)
    return eenmalig


def test_the_one_time_password_cannot_be_kept_as_ones_own(
    kb: Casusbank, anoniem: TestClient
) -> None:
    eenmalig = _eenmalig_account(kb)
    _login(anoniem, "nieuwkomer", eenmalig)
    csrf = csrf_uit(anoniem.get("/account/wachtwoord").text)
    r = anoniem.post("/account/wachtwoord", data={
        "csrf": csrf, "huidig": eenmalig, "nieuw": eenmalig, "herhaal": eenmalig},
        follow_redirects=False)
    assert r.status_code == 422
    fout = r.text.split('id="fout-nieuw"')[1].split("</div>")[0]  # next to the new password
    assert "Kies een ander wachtwoord dan uw eenmalige wachtwoord." in fout
    assert "gewijzigd" not in r.text
    # Still held on the password page, and the password the administrator saw is still
    # a one-time password.
    assert anoniem.get("/", follow_redirects=False).headers["location"] == "/account/wachtwoord"
    assert _login(TestClient(anoniem.app), "nieuwkomer", eenmalig).headers["location"] == (
        "/account/wachtwoord"
    )


def test_changing_ones_own_password_asks_the_current_one_and_a_different_new_one(
    kb: Casusbank,
) -> None:
    lp = gebruiker(kb, "lp")
    with kb.session() as s, pytest.raises(accounts.HuidigKloptNiet, match="huidige wachtwoord"):
        accounts.wijzig_eigen_wachtwoord(s, lp, "niet-het-wachtwoord", "een-nieuw-wachtwoord")
    with kb.session() as s, pytest.raises(
        accounts.AccountFout, match="Kies een ander wachtwoord dan uw huidige wachtwoord"
    ):
        accounts.wijzig_eigen_wachtwoord(s, lp, WACHTWOORD, WACHTWOORD)
    with kb.session() as s:
        accounts.wijzig_eigen_wachtwoord(s, lp, WACHTWOORD, "een-nieuw-wachtwoord")
    with kb.session() as s:
        assert accounts.aanmelden(s, "lp", "een-nieuw-wachtwoord", None).naam == "lp"


def test_a_shared_link_opened_with_a_one_time_password_is_reached_after_choosing_ones_own(
    kb: Casusbank, anoniem: TestClient
) -> None:
    eenmalig = _eenmalig_account(kb)
    link = "/bladeren?afweging.besluit=halt"
    pagina = anoniem.get(anoniem.get(link, follow_redirects=False).headers["location"])
    r = anoniem.post("/login", data={
        "naam": "nieuwkomer", "wachtwoord": eenmalig, "csrf": csrf_uit(pagina.text),
        "volgende": link}, follow_redirects=False)
    wachtwoordpagina = "/account/wachtwoord?volgende=%2Fbladeren%3Fafweging.besluit%3Dhalt"
    assert r.headers["location"] == wachtwoordpagina
    pagina = anoniem.get(wachtwoordpagina)
    assert f'name="volgende" value="{link}"' in pagina.text
    formulier = {"csrf": csrf_uit(pagina.text), "huidig": eenmalig, "volgende": link}
    # A refusal keeps the link for the next try.
    r = anoniem.post("/account/wachtwoord", data=formulier | {
        "nieuw": eenmalig, "herhaal": eenmalig})
    assert r.status_code == 422 and f'name="volgende" value="{link}"' in r.text
    nieuw = "mijn eigen lange wachtwoord"
    r = anoniem.post("/account/wachtwoord", data=formulier | {"nieuw": nieuw, "herhaal": nieuw},
                     follow_redirects=False)
    # Arriving at the page asked for is the confirmation; a failed change would have
    # kept the user on the password form with the reason.
    assert r.status_code == 303 and r.headers["location"] == link
    assert anoniem.get(link, follow_redirects=False).status_code == 200


def test_a_page_opened_before_the_password_is_chosen_is_where_the_change_leads(
    kb: Casusbank, anoniem: TestClient
) -> None:
    eenmalig = _eenmalig_account(kb)
    _login(anoniem, "nieuwkomer", eenmalig)
    r = anoniem.get("/casus/SEED-001", follow_redirects=False)
    assert r.headers["location"] == "/account/wachtwoord?volgende=%2Fcasus%2FSEED-001"
    csrf = csrf_uit(anoniem.get("/account/wachtwoord").text)
    r = anoniem.post("/account/tokens", data={"csrf": csrf, "naam": "x"},
                     follow_redirects=False)
    assert r.headers["location"] == "/account/wachtwoord"  # a form sent is no page to go to


@pytest.mark.parametrize("volgende", ["//evil.example", "https://evil.example",
                                      "/\\evil.example", ""])
def test_after_a_password_change_the_user_never_goes_to_another_site(
    kb: Casusbank, anoniem: TestClient, volgende: str
) -> None:
    eenmalig = _eenmalig_account(kb)
    _login(anoniem, "nieuwkomer", eenmalig)
    pagina = anoniem.get("/account/wachtwoord", params={"volgende": volgende})
    assert "evil" not in pagina.text
    nieuw = "mijn eigen lange wachtwoord"
    r = anoniem.post("/account/wachtwoord", data={
        "csrf": csrf_uit(pagina.text), "huidig": eenmalig, "nieuw": nieuw, "herhaal": nieuw,
        "volgende": volgende}, follow_redirects=False)
    assert r.headers["location"] == "/account?gewijzigd=1"
    assert "Uw wachtwoord is gewijzigd" in anoniem.get(r.headers["location"]).text


def test_a_disabled_account_is_out_at_once_sessions_and_tokens_included(
    kb: Casusbank, app: Any
) -> None:
    with TestClient(app) as c:
        log_in(c, "lp2")
        with kb.session() as s:
            token = accounts.maak_token(s, gebruiker(kb, "lp2"), "koppeling")
            accounts.zet_actief(s, "lp2", False, door=None)
        assert c.get("/", follow_redirects=False).status_code == 303
        api = c.get("/api/cases", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 401
        assert _login(TestClient(app), "lp2", WACHTWOORD).status_code == 401


# --- login throttling ----------------------------------------------------------


def test_repeated_failed_logins_lock_the_account_even_for_the_right_password(
    kb: Casusbank, anoniem: TestClient
) -> None:
    for _ in range(accounts.DREMPEL_ACCOUNT):
        assert _login(anoniem, "lp", "geraden-wachtwoord").status_code in (401, 429)
    r = _login(anoniem, "lp", WACHTWOORD)
    assert r.status_code == 429 and "Te veel mislukte pogingen" in r.text
    assert _login(TestClient(anoniem.app), "red", WACHTWOORD).status_code == 303  # others fine
    with kb.session() as s:
        regels = accounts.audit.lees(s, actie="login_mislukt", gebruiker="lp").regels
    assert len(regels) == accounts.DREMPEL_ACCOUNT + 1


def test_many_failures_from_one_address_lock_that_address_across_accounts(
    anoniem: TestClient,
) -> None:
    for nr in range(accounts.DREMPEL_ADRES):
        _login(anoniem, f"gok{nr}", "geraden-wachtwoord")
    r = _login(anoniem, "red", WACHTWOORD)
    assert r.status_code == 429


def test_parallel_wrong_passwords_get_no_more_checks_than_the_threshold(
    kb: Casusbank,
) -> None:
    """Attempts are checked one at a time, so attempts sent at once see each other's
    failures: beyond the threshold they are refused unchecked."""
    from concurrent.futures import ThreadPoolExecutor

    def poging(i: int) -> str:
        with kb.session() as s:
            try:
                accounts.aanmelden(s, "lp", f"fout-wachtwoord-{i}", f"10.0.0.{i}")
            except accounts.TeVeelPogingen:
                return "geweigerd"
            except accounts.AccountFout:
                return "gecontroleerd"
        return "binnen"

    with ThreadPoolExecutor(max_workers=12) as pool:
        uitkomsten = list(pool.map(poging, range(24)))
    assert uitkomsten.count("gecontroleerd") <= accounts.DREMPEL_ACCOUNT
    assert "binnen" not in uitkomsten


def test_the_wait_doubles_with_each_failure_past_the_threshold(kb: Casusbank) -> None:
    wachten = []
    for _ in range(accounts.DREMPEL_ACCOUNT + 3):
        with kb.session() as s:
            accounts._mislukt(s, "naam:test", accounts.DREMPEL_ACCOUNT, accounts._nu())
        with kb.session() as s:
            poging = s.get(accounts.InlogPoging, "naam:test")
            assert poging is not None
            if poging.geblokkeerd_tot:
                wachten.append((poging.geblokkeerd_tot - poging.laatste).total_seconds())
    assert wachten == [30, 60, 120, 240]


# --- CSRF ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "pad, data",
    [
        ("/casus/nieuw", {"titel": "x"}),
        ("/casus/SEED-001/verwijderen", {"bevestig": "ja"}),
        ("/account/tokens", {"naam": "x"}),
        ("/logout", {}),
    ],
)
def test_a_state_changing_request_without_the_csrf_token_is_refused(
    kb: Casusbank, app: Any, pad: str, data: dict[str, str]
) -> None:
    with TestClient(app) as c:
        log_in(c, "red")
        goed = c.headers.pop("X-CSRF-Token")
        for kop in ({}, {"X-CSRF-Token": "verzonnen"}, {"HX-Request": "true"}):
            r = c.post(pad, data=data, headers=kop, follow_redirects=False)
            assert r.status_code == 403 and "CSRF" in r.text, (pad, kop)
        r = c.post(pad, data={**data, "csrf": "verzonnen"}, follow_redirects=False)
        assert r.status_code == 403
        assert kb.get("SEED-001") is not None
        # The same request with the session's token goes through (as a form field).
        r = c.post(pad, data={**data, "csrf": goed}, follow_redirects=False)
        assert r.status_code != 403


def test_the_login_form_itself_needs_the_csrf_token(anoniem: TestClient) -> None:
    anoniem.get("/login")
    r = anoniem.post("/login", data={"naam": "lp", "wachtwoord": WACHTWOORD})
    assert r.status_code == 403


def test_the_api_with_a_personal_token_needs_no_csrf_token_and_the_cookie_alone_does(
    kb: Casusbank, app: Any
) -> None:
    data = copy.deepcopy(VOORBEELD) | {"ref": "API-TOKEN-1"}
    with kb.session() as s:
        token = accounts.maak_token(s, gebruiker(kb, "lp"), "koppeling")
    with TestClient(app) as c:
        r = c.post("/api/cases", json=data, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201
        log_in(c, "lp")
        c.headers.pop("X-CSRF-Token")
        r = c.post("/api/cases", json=data | {"ref": "API-TOKEN-2"})
        assert r.status_code == 403  # a browser session must prove the request is its own
    assert kb.get("API-TOKEN-1") is not None and kb.get("API-TOKEN-2") is None


def test_a_revoked_or_made_up_token_is_refused(kb: Casusbank, app: Any) -> None:
    with TestClient(app) as c:
        log_in(c, "lp")
        r = c.post("/account/tokens", data={"naam": "rapportage"})
        token = r.text.split('id="nieuw-token">')[1].split("<")[0]
        kop = {"Authorization": f"Bearer {token}"}
        assert TestClient(app).get("/api/cases", headers=kop).status_code == 200
        with kb.session() as s:
            (rij,) = accounts.tokens(s, gebruiker(kb, "lp"))
        c.post(f"/account/tokens/{rij.id}/intrekken")
    assert TestClient(app).get("/api/cases", headers=kop).status_code == 401
    for fout in ("Bearer kb_verzonnen", "Basic bHA6d2FjaHR3b29yZA==", "Bearer "):
        assert TestClient(app).get("/api/cases", headers={"Authorization": fout}).status_code == 401


# --- headers, limits, errors -------------------------------------------------------


def test_every_answer_carries_the_security_headers(app: Any) -> None:
    with TestClient(app) as c:
        antwoorden = [c.get("/login"), c.get("/api/cases"), c.get("/static/app.css"),
                      log_in(c, "lp").get("/"), c.get("/bestaat-niet"),
                      c.get("/api/cases/BESTAAT-NIET")]
    for r in antwoorden:
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, r.url
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"


def test_no_page_or_api_answer_is_kept_by_the_browser_only_static_files_are(app: Any) -> None:
    # On a shared computer Back after logging out must not show a case from the cache.
    with TestClient(app) as c:
        antwoorden = [c.get("/login"), c.get("/api/cases"), c.get("/", follow_redirects=False)]
        log_in(c, "lp")
        antwoorden += [c.get("/"), c.get("/casus/SEED-001"), c.get("/bladeren"),
                       c.get("/casus/SEED-001/vergelijkbaar", headers={"HX-Request": "true"}),
                       c.get("/api/cases/SEED-001"), c.get("/account"), c.get("/zoeken.csv"),
                       c.get("/bestaat-niet"),
                       c.post("/casus/nieuw", content=b"a" * (MAX_BODY + 1),
                              headers={"Content-Type": "application/x-www-form-urlencoded"}),
                       c.post("/logout", follow_redirects=False)]
        statisch = [c.get("/static/app.css"), c.get("/static/htmx.min.js")]
    for r in antwoorden:
        assert r.headers.get("cache-control") == "no-store", (r.request.url, r.status_code)
    for r in statisch:
        assert r.status_code == 200 and "cache-control" not in r.headers, r.request.url
        assert r.headers["etag"] and r.headers["x-content-type-options"] == "nosniff"


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(app: Any) -> None:
    with TestClient(app) as c:
        log_in(c, "lp")
        r = c.post("/casus/nieuw", content=b"a" * (MAX_BODY + 1),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 413 and "te groot" in r.text
        r = c.post("/api/search", content=b"{" * (MAX_BODY + 1),
                   headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.json()["detail"].startswith("Het verzoek is te groot")


def test_refusals_are_clear_dutch_pages(app: Any) -> None:
    with TestClient(app) as c:
        log_in(c, "om")
        r = c.get("/casus/nieuw")
        assert r.status_code == 403 and "Dit mag u niet" in r.text
        assert "alleen voor leerplicht en redactie" in r.text and "Traceback" not in r.text
        r = c.get("/api/cases/GEEN-CASUS")
        assert r.status_code == 404 and "mag hem (nog) niet inzien" in r.json()["detail"]


# --- escaping ------------------------------------------------------------------------


def test_script_and_quote_payloads_are_escaped_everywhere_they_are_shown(
    kb: Casusbank, app: Any
) -> None:
    data = copy.deepcopy(VOORBEELD) | {
        "ref": "XSS-2024-001",
        "titel": "Payload " + XSS[1][:60],
        "beschrijving": VOORBEELD["beschrijving"] + " " + " ".join(XSS),
    }
    data["afweging"] = data["afweging"] | {"toelichting": "Toelichting " + XSS[2] + XSS[3]}
    with TestClient(app) as c:
        log_in(c, "lp")
        assert c.post("/api/cases", json=data).status_code == 201
        log_in(c, "lp")
        c.post("/casus/XSS-2024-001/aanbieden")
        log_in(c, "red")
        c.post("/casus/XSS-2024-001/publiceren", data={"anonimiteit_bevestigd": "ja"})
        assert c.get("/casus/XSS-2024-001").text.count("Ter review") == 0  # published
        log_in(c, "om")
        c.post("/casus/XSS-2024-001/commentaar", data={
            "oordeel": "oneens", "moment": "achteraf",
            "tekst": "Commentaar met " + XSS[0] + " en " + XSS[2]})
        paginas = [c.get("/casus/XSS-2024-001"), c.get("/?q=" + XSS[0]),
                   c.get("/bladeren?q=Payload")]
        log_in(c, "lp")
        paginas.append(c.get("/mijn"))
    assert kb.get("XSS-2024-001") is not None
    for r in paginas:
        assert r.status_code == 200
        for payload in XSS:
            assert payload not in r.text, (r.url, payload)
        assert "<script>window" not in r.text and "onerror=\"window" not in r.text
    casuspagina = paginas[0].text
    assert html.escape(XSS[0], quote=False) in casuspagina  # shown as text, not dropped


def test_a_nul_character_is_refused_in_dutch_before_it_reaches_the_database(app: Any) -> None:
    """PostgreSQL refuses NUL in text with an error that became a 500, on the login form
    too; it is refused for every route, in path, query string and body."""
    with TestClient(app) as c:
        pagina = c.get("/login")
        r = c.post("/login", data={"naam": "lp\x00", "wachtwoord": "x" * 12,
                                   "csrf": csrf_uit(pagina.text)})
        assert r.status_code == 400 and "NUL-teken" in r.text
        ingelogd = log_in(c, "lp")
        for pad in ("/bladeren?q=x%00y", "/casus/SEED%00-001"):
            r = ingelogd.get(pad)
            assert r.status_code == 400 and "NUL-teken" in r.text, pad
        r = ingelogd.post("/api/search", content=b'{"query": "ha\\u0000lt"}',
                          headers={"content-type": "application/json"})
        assert r.status_code == 400 and "NUL-teken" in r.json()["detail"]
        # In JSON "%00" is plain text ("korting van 50%00"), no NUL.
        r = ingelogd.post("/api/search", json={"query": "verzuim gedaald met 50%00 uren"})
        assert r.status_code == 200


def test_numbers_beyond_a_database_integer_are_refused_in_dutch(app: Any) -> None:
    """A 32-bit integer column on PostgreSQL: a larger filter value or id was a 500."""
    with TestClient(app) as c:
        lp = log_in(c, "lp")
        r = lp.get("/bladeren", params={"leerling.leeftijd": "3000000000"})
        assert "gebruik een getal van 0 tot en met 2147483647" in html.unescape(r.text)
        r = lp.get("/api/cases", params={"verzuim.uren": "10-99999999999999999999"})
        assert r.status_code == 422 and "0 tot en met" in r.json()["detail"]["fouten"][0]
        assert lp.post("/account/tokens/3000000000/intrekken").status_code in (400, 422)
        assert lp.get("/api/cases", params={"offset": "3000000000"}).status_code == 422
        # Past the last page: Bladeren shows the last page, also for an absurd number.
        assert lp.get("/bladeren", params={"pagina": "9" * 25}).status_code == 200


def test_after_the_wait_the_right_password_gets_in_again(kb: Casusbank) -> None:
    """Throttling delays guessing; it must not lock the owner out once the wait is over."""
    from datetime import timedelta

    for i in range(accounts.DREMPEL_ACCOUNT):
        with kb.session() as s, pytest.raises(accounts.AccountFout):
            accounts.aanmelden(s, "lp", f"fout-{i}", "10.2.2.2")
    with kb.session() as s, pytest.raises(accounts.TeVeelPogingen):
        accounts.aanmelden(s, "lp", WACHTWOORD, "10.2.2.2")
    with kb.session() as s:  # the wait is over
        for sleutel in ("naam:lp", "adres:10.2.2.2"):
            poging = s.get(accounts.InlogPoging, sleutel)
            if poging is not None and poging.geblokkeerd_tot:
                poging.geblokkeerd_tot = accounts._nu() - timedelta(seconds=1)
                s.add(poging)
    with kb.session() as s:
        assert accounts.aanmelden(s, "lp", WACHTWOORD, "10.2.2.2").naam == "lp"
