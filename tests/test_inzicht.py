"""Inzicht: every chart's CSV matches a count made independently from the stored cases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kb import inzicht
from kb.export_csv import csv_tekst, lees_csv
from kb.schema import Casus
from kb.service import Casusbank
from kb.vocabulary import FACTOR_BY_CODE, LABELS
from tests.conftest import gebruiker, log_in
from tests.test_intervisie import app_met_leren
from web.inzicht import grafiek


@pytest.fixture
def lezer(kb: Casusbank) -> Iterator[TestClient]:
    with TestClient(app_met_leren(kb)) as c:
        yield log_in(c, "lp")


def _groep(leeftijd: int) -> str:
    return next(g for g, laag, hoog in inzicht.LEEFTIJDSGROEPEN if laag <= leeftijd <= hoog)


def _verwacht(cases: list[Casus], naam: str) -> Counter[tuple[str, str]]:
    """(row label, column label) -> count, straight from the cases in the exchange format."""
    b = lambda c: LABELS["besluit"][c.afweging.besluit]  # noqa: E731
    teller: Counter[tuple[str, str]] = Counter()
    for c in cases:
        if naam == "factor":
            teller.update((FACTOR_BY_CODE[f].label, b(c)) for f in c.afweging.factoren or [])
        elif naam == "route":
            teller[(LABELS["route"][c.route], b(c))] += 1
        elif naam == "leeftijd":
            teller[(f"{_groep(c.leerling.leeftijd).replace('-', '–')} jaar", b(c))] += 1
        elif naam == "onderwijs":
            teller[(LABELS["onderwijs"][c.leerling.onderwijs], b(c))] += 1
        elif naam == "schooljaar":
            teller[(c.schooljaar, b(c))] += 1
        elif c.uitkomst is not None:
            waarde = getattr(c.uitkomst, naam) or "onbekend"
            teller[(b(c), LABELS[naam][waarde])] += 1
    return teller


def _uit_csv(tekst: str) -> Counter[tuple[str, str]]:
    kop, *rijen = lees_csv(tekst)
    teller: Counter[tuple[str, str]] = Counter()
    for rij in rijen:
        assert int(rij[-1]) == sum(int(n) for n in rij[1:-1])  # the Totaal column adds up
        for kolom, n in zip(kop[1:-1], rij[1:-1], strict=True):
            if int(n):
                teller[(rij[0], kolom)] = int(n)
    return teller


@pytest.mark.parametrize("naam", list(inzicht.WEERGAVEN))
def test_each_chart_csv_matches_the_database(lezer: TestClient, kb: Casusbank, naam: str) -> None:
    r = lezer.get(f"/inzicht/{naam}.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert _uit_csv(r.text) == _verwacht(kb.all(alleen_gepubliceerd=True), naam)


def test_filters_narrow_the_csv_like_they_narrow_the_cases(
    lezer: TestClient, kb: Casusbank
) -> None:
    r = lezer.get("/inzicht/verzuim_na.csv", params={"verzuim.soort": "luxe"})
    luxe = [c for c in kb.all(alleen_gepubliceerd=True) if c.verzuim.soort == "luxe"]
    assert _uit_csv(r.text) == _verwacht(luxe, "verzuim_na")


def test_concepts_are_not_counted(kb: Casusbank) -> None:
    voor = inzicht.kruistabel(kb, "route").totaal
    data = kb.get("SEED-001").model_dump(mode="json", exclude_none=True)  # type: ignore[union-attr]
    kb.save({**data, "ref": "CONCEPT-2"}, door=gebruiker(kb, "lp"))
    assert inzicht.kruistabel(kb, "route").totaal == voor


def test_the_page_has_a_chart_a_table_and_a_csv_link_per_view(lezer: TestClient) -> None:
    html = lezer.get("/inzicht", params={"route": "halt"}).text
    for naam in inzicht.WEERGAVEN:
        assert f'href="/inzicht/{naam}.csv?route=halt"' in html
    assert html.count('role="img"') == len(inzicht.WEERGAVEN)
    assert html.count('class="telling kruistabel"') == len(inzicht.WEERGAVEN)


def test_an_htmx_filter_gets_only_the_charts(lezer: TestClient) -> None:
    r = lezer.get("/inzicht", params={"themas": "bijna-18"}, headers={"HX-Request": "true"})
    assert "<html" not in r.text and 'role="img"' in r.text


def test_an_unknown_filter_is_named(lezer: TestClient) -> None:
    html = lezer.get("/inzicht?kleur=rood").text
    assert "Onbekend filterveld &#39;kleur&#39;" in html
    assert "Deze filters zijn niet toegepast: hieronder staan alle casussen." in html
    assert lezer.get("/inzicht/route.csv?kleur=rood").status_code == 400
    assert lezer.get("/inzicht/bestaat.csv").status_code == 404


def test_csv_cells_that_look_like_formulas_are_defused() -> None:
    rijen = lees_csv(csv_tekst(["Motivatie"], [["=HYPERLINK(\"x\")"], ["gewoon; tekst"]]))
    assert rijen[1:] == [["'=HYPERLINK(\"x\")"], ["gewoon; tekst"]]


# A sans-serif at the 13px of `.as-label` averages well over 0.55em a character.
TEKEN_MINSTENS = 13 * 0.55


@pytest.mark.parametrize("naam", ["onderwijs", "factor"])
def test_the_longest_labels_end_before_the_bars_start(kb: Casusbank, naam: str) -> None:
    g = grafiek(inzicht.kruistabel(kb, naam))
    assert g is not None
    langste = max((s.label for s in g.staven), key=len)
    assert langste in ("Voortgezet speciaal onderwijs", "Gemeentebeleid terughoudend",
                       "Verwijtbaarheid onduidelijk")
    begin = min(seg.x for s in g.staven for seg in s.segmenten)
    assert begin >= len(langste) * TEKEN_MINSTENS
