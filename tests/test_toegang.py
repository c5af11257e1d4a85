"""The authorization matrix: every route of the app × every role, anonymous included.

`VERWACHT` is the specification: who may use each route. The test reads the
app's route table, so a route without an entry here, or without its access
rule (`web.auth.Toegang`), fails; then every route is requested as every role
and must be refused or admitted as the table says. Rules about one case (the
author edits their own concept, four eyes) are tested in test_review.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from kb.service import Casusbank
from tests.conftest import copy_kb, log_in
from web.app import create_app
from web.auth import Toegang

IEDEREEN = None  # public: anonymous visitors too
INGELOGD = frozenset({"leerplicht", "keten", "redactie", "beheer"})
SCHRIJVERS = frozenset({"leerplicht", "redactie"})
REDACTIE = frozenset({"redactie"})
KETEN = frozenset({"keten"})
BEHEER = frozenset({"beheer"})

VERWACHT: dict[tuple[str, str], frozenset[str] | None] = {
    ("GET", "/login"): IEDEREEN,
    ("POST", "/login"): IEDEREEN,
    ("POST", "/logout"): INGELOGD,
    ("GET", "/account"): INGELOGD,
    ("GET", "/account/wachtwoord"): INGELOGD,
    ("POST", "/account/wachtwoord"): INGELOGD,
    ("POST", "/account/tokens"): INGELOGD,
    ("POST", "/account/tokens/{token_id}/intrekken"): INGELOGD,
    ("GET", "/openapi.json"): INGELOGD,
    ("GET", "/docs"): INGELOGD,
    ("GET", "/"): INGELOGD,
    ("GET", "/bladeren"): INGELOGD,
    ("GET", "/zoeken.csv"): INGELOGD,
    ("GET", "/casus/{ref}"): INGELOGD,
    ("GET", "/casus/{ref}/vergelijkbaar"): INGELOGD,
    ("GET", "/mijn"): INGELOGD,
    ("POST", "/casus/anonimiteit"): INGELOGD,
    ("GET", "/api/cases"): INGELOGD,
    ("GET", "/api/cases/{ref}"): INGELOGD,
    ("GET", "/api/cases/{ref}/similar"): INGELOGD,
    ("POST", "/api/search"): INGELOGD,
    ("POST", "/api/cases"): SCHRIJVERS,
    ("PUT", "/api/cases/{ref}"): SCHRIJVERS,
    ("DELETE", "/api/cases/{ref}"): SCHRIJVERS,
    ("GET", "/casus/nieuw"): SCHRIJVERS,
    ("POST", "/casus/nieuw"): SCHRIJVERS,
    ("GET", "/casus/{ref}/bewerken"): SCHRIJVERS,
    ("POST", "/casus/{ref}/bewerken"): SCHRIJVERS,
    ("POST", "/casus/{ref}/verwijderen"): SCHRIJVERS,
    ("POST", "/casus/{ref}/aanbieden"): SCHRIJVERS,
    ("POST", "/casus/{ref}/vraag"): SCHRIJVERS,
    ("POST", "/casus/{ref}/publiceren"): REDACTIE,
    ("POST", "/casus/{ref}/terugsturen"): REDACTIE,
    ("GET", "/review"): REDACTIE,
    ("POST", "/casus/{ref}/commentaar"): KETEN,
    ("POST", "/casus/{ref}/commentaar/{commentaar_id}"): KETEN,
    ("GET", "/vragen"): KETEN,
    ("POST", "/vragen/{vraag_id}/antwoord"): KETEN,
    ("GET", "/beheer/gebruikers"): BEHEER,
    ("POST", "/beheer/gebruikers"): BEHEER,
    ("POST", "/beheer/gebruikers/{naam}/wachtwoord"): BEHEER,
    ("POST", "/beheer/gebruikers/{naam}/actief"): BEHEER,
    ("GET", "/beheer/audit"): BEHEER,
    ("GET", "/beheer/audit.csv"): BEHEER,
    ("GET", "/beheer/export"): BEHEER,
    # Intervisie: a facilitator signs in; participants join with the code, without account.
    ("GET", "/intervisie"): INGELOGD,
    ("POST", "/intervisie"): INGELOGD,
    ("GET", "/intervisie/{code}/begeleiden"): INGELOGD,
    ("POST", "/intervisie/{code}/onthullen"): INGELOGD,
    ("POST", "/intervisie/{code}/volgende"): INGELOGD,
    ("POST", "/intervisie/{code}/afsluiten"): INGELOGD,
    ("POST", "/intervisie/{code}/verwijderen"): INGELOGD,
    ("GET", "/intervisie/{code}/samenvatting"): INGELOGD,
    ("GET", "/intervisie/{code}/samenvatting.{formaat}"): INGELOGD,
    ("GET", "/intervisie/doe-mee"): IEDEREEN,
    ("POST", "/intervisie/doe-mee"): IEDEREEN,
    ("GET", "/intervisie/{code}"): IEDEREEN,
    ("POST", "/intervisie/{code}/antwoord"): IEDEREEN,
    ("GET", "/intervisie/{code}/stand"): IEDEREEN,
    ("GET", "/leerpad"): INGELOGD,
    ("GET", "/leerpad/{naam}"): INGELOGD,
    ("GET", "/leerpad/{naam}/stap/{nr}"): INGELOGD,
    ("POST", "/leerpad/{naam}/stap/{nr}"): INGELOGD,
    ("POST", "/leerpad/{naam}/opnieuw"): INGELOGD,
    ("GET", "/leerpad/{naam}/resultaat"): INGELOGD,
    ("GET", "/leerpad/{naam}/resultaat.csv"): INGELOGD,
    ("GET", "/inzicht"): INGELOGD,
    ("GET", "/inzicht/{naam}.csv"): INGELOGD,
}
# One account per role (tests/conftest.py ACCOUNTS); keten is represented by the OM.
ROLLEN = {"leerplicht": "lp", "keten": "om", "redactie": "red", "beheer": "beheer"}
ROUTE_WEIGERING = "niet voor de rol"  # the words of a route-level refusal (web.auth)
VOORBEELDEN = {
    "ref": "SEED-001", "token_id": "999999", "commentaar_id": "1", "vraag_id": "1",
    "code": "ABC123", "nr": "1", "formaat": "md",
}


def _toegangsregels(route: APIRoute) -> list[Toegang]:
    gevonden: list[Toegang] = []
    stapel = list(route.dependant.dependencies)
    while stapel:
        dep = stapel.pop()
        if isinstance(dep.call, Toegang):
            gevonden.append(dep.call)
        stapel.extend(dep.dependencies)
    return gevonden


def _routes(app: Any) -> list[tuple[str, str, APIRoute]]:
    result = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.route, APIRoute):
            for methode in sorted(context.methods or []):
                if methode != "HEAD":
                    result.append((methode, context.path_format, context.route))
    return result


@pytest.fixture(scope="module")
def matrix_kb(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Casusbank:
    return copy_kb(seeded_dir, tmp_path_factory.mktemp("matrix") / "data")


@pytest.fixture(scope="module")
def app(matrix_kb: Casusbank) -> Any:
    return create_app(matrix_kb)


def test_every_route_has_exactly_one_access_rule_and_it_matches_the_table(app: Any) -> None:
    routes = _routes(app)
    zonder_regel = [(m, p) for m, p, r in routes if len(_toegangsregels(r)) != 1]
    assert not zonder_regel, f"routes zonder (of met meer dan één) toegangsregel: {zonder_regel}"
    in_app = {(m, p) for m, p, _ in routes}
    assert in_app - VERWACHT.keys() == set(), "nieuwe routes: voeg ze toe aan VERWACHT"
    assert VERWACHT.keys() - in_app == set(), "routes in VERWACHT die de app niet meer heeft"
    for methode, pad, route in routes:
        regel = _toegangsregels(route)[0]
        verwacht = VERWACHT[(methode, pad)]
        gekregen = regel.rollen()
        assert (None if gekregen is None else frozenset(gekregen)) == verwacht, (methode, pad)


def _pad(pad: str, leerpad: str) -> str:
    waarden = {**VOORBEELDEN, "naam": leerpad if pad.startswith("/leerpad") else "lp2"}
    if pad.startswith("/inzicht/"):
        waarden["naam"] = "besluiten"
    return pad.format(**waarden)


def _clients(app: Any) -> Iterator[tuple[str, TestClient]]:
    anoniem = TestClient(app)
    anoniem.get("/login")
    anoniem.headers["X-CSRF-Token"] = anoniem.cookies.get("kb_csrf") or ""
    yield "anoniem", anoniem
    for rol, naam in ROLLEN.items():
        yield rol, log_in(TestClient(app), naam)


def test_every_route_admits_and_refuses_every_role_as_the_table_says(app: Any) -> None:
    leerpad = "halt-of-pv"
    routes = sorted(_routes(app), key=lambda r: r[1] == "/logout")  # logging out last
    fouten: list[str] = []
    for rol, client in _clients(app):
        for methode, pad, _ in routes:
            toegestaan = VERWACHT[(methode, pad)]
            url = _pad(pad, leerpad)
            r = client.request(methode, url, follow_redirects=False)
            # Refused at the door: a page sends to the login page (and back), the API says 401.
            naar_login = r.status_code == 303 and r.headers["location"].startswith(
                "/login?volgende="
            )
            niet_ingelogd = r.status_code == 401 and url.startswith(("/api/", "/openapi"))
            route_weigering = r.status_code == 403 and ROUTE_WEIGERING in r.text
            mag = toegestaan is None or (rol != "anoniem" and rol in toegestaan)
            if r.status_code >= 500:
                fouten.append(f"{rol} {methode} {url}: serverfout {r.status_code}")
            elif mag and (naar_login or route_weigering or niet_ingelogd):
                fouten.append(f"{rol} {methode} {url}: geweigerd ({r.status_code}), mag wel")
            elif not mag and rol == "anoniem":
                if not (naar_login or niet_ingelogd):
                    fouten.append(f"anoniem {methode} {url}: {r.status_code}, niet geweigerd")
            elif not mag and not route_weigering:
                fouten.append(f"{rol} {methode} {url}: {r.status_code}, verwacht 403")
    assert not fouten, "\n".join(fouten)


def test_an_anonymous_visitor_sees_only_the_login_page(app: Any) -> None:
    with TestClient(app) as c:
        r = c.get("/")
        assert r.url.path == "/login" and "Inloggen" in r.text
        assert "Twijfelgeval" not in r.text and "SEED-" not in r.text
        assert c.get("/api/cases").status_code == 401
        assert c.get("/static/app.css").status_code == 200  # the login page needs its style
