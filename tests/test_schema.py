"""The exchange format's rules, one test per rule (casusformaat.md is the contract)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kb.schema import naar_uitwisseling, valideer

VOORBEELD = yaml.safe_load((Path(__file__).parent / "data" / "voorbeeld.yaml").read_text())


def casus(**wijzigingen: Any) -> dict[str, Any]:
    """The example case with changes; a dotted key reaches into nested fields, None removes."""
    data = copy.deepcopy(VOORBEELD)
    for pad, waarde in wijzigingen.items():
        *ouders, laatste = pad.split("__")
        doel = data
        for deel in ouders:
            doel = doel.setdefault(deel, {})
        if waarde is None:
            doel.pop(laatste, None)
        else:
            doel[laatste] = waarde
    return data


def fouten(data: Any) -> dict[str, str]:
    _, gevonden = valideer(data)
    return dict(gevonden)


def test_the_example_of_the_format_is_valid() -> None:
    assert fouten(casus()) == {}


@pytest.mark.parametrize(
    "veld",
    [
        "ref",
        "titel",
        "schooljaar",
        "beschrijving",
        "leerling",
        "verzuim",
        "route",
        "afweging",
        "leerling__leeftijd",
        "leerling__onderwijs",
        "verzuim__soort",
        "afweging__besluit",
        "afweging__toelichting",
    ],
)
def test_required_field_missing_is_refused(veld: str) -> None:
    assert fouten(casus(**{veld: None})) == {veld.replace("__", "."): "verplicht veld ontbreekt"}


def test_optional_fields_may_be_left_out() -> None:
    minimaal = {k: VOORBEELD[k] for k in ("ref", "titel", "schooljaar", "beschrijving", "route")}
    minimaal["leerling"] = {"leeftijd": 15, "onderwijs": "vmbo"}
    minimaal["verzuim"] = {"soort": "relatief"}
    minimaal["afweging"] = {
        "besluit": "geen_pv",
        "toelichting": VOORBEELD["afweging"]["toelichting"],
    }
    assert fouten(minimaal) == {}


@pytest.mark.parametrize("pad", ["tittel", "leerling__naam", "afweging__reden", "uitkomst__datum"])
def test_unknown_keys_are_refused_not_dropped(pad: str) -> None:
    gevonden = fouten(casus(**{pad: "x"}))
    assert list(gevonden) == [pad.replace("__", ".")]
    assert "onbekend veld" in gevonden[pad.replace("__", ".")]


@pytest.mark.parametrize("ref", ["AB", "a" * 65, "AMS 2024", "AMS/2024", "één-1"])
def test_ref_must_be_3_to_64_safe_characters(ref: str) -> None:
    assert "ref" in fouten(casus(ref=ref))


@pytest.mark.parametrize("ref", ["AMS-2024-017", "a.b_c-1", "X" * 64])
def test_ref_accepts_letters_digits_dash_underscore_dot(ref: str) -> None:
    assert fouten(casus(ref=ref)) == {}


@pytest.mark.parametrize(
    "titel,ok", [("Kort", False), ("Vijf.", True), ("x" * 120, True), ("x" * 121, False)]
)
def test_titel_is_5_to_120_characters(titel: str, ok: bool) -> None:
    assert ("titel" not in fouten(casus(titel=titel))) is ok


@pytest.mark.parametrize(
    "jaar", ["2023-2025", "2024-2023", "2023/2024", "23-24", "2023-2024-", 2023, "12-03-2024"]
)
def test_schooljaar_must_be_two_consecutive_years(jaar: Any) -> None:
    assert "schooljaar" in fouten(casus(schooljaar=jaar))


def test_beschrijving_is_80_to_6000_characters() -> None:
    assert "beschrijving" in fouten(casus(beschrijving="Te kort om iets over de casus te zeggen."))
    assert "beschrijving" in fouten(casus(beschrijving="woord " * 1001))
    assert "te kort: minimaal 80 tekens" in fouten(casus(beschrijving="x" * 79))["beschrijving"]


@pytest.mark.parametrize("leeftijd", [3, 24, "15", 15.5, True])
def test_leeftijd_is_an_integer_from_4_to_23(leeftijd: Any) -> None:
    assert "leerling.leeftijd" in fouten(casus(leerling__leeftijd=leeftijd))


@pytest.mark.parametrize(
    "pad,waarde",
    [
        ("bron", "school"),
        ("leerling__geslacht", "man"),
        ("leerling__onderwijs", "hbo"),
        ("leerling__gezinssituatie", "gescheiden"),
        ("verzuim__soort", "spijbelen"),
        ("verzuim__meldingen", ["16u"]),
        ("problematiek", ["armoede"]),
        ("route", "zorg"),
        ("interventies", ["huisbezoek"]),
        ("afweging__besluit", "boete"),
        ("afweging__factoren", ["verwijtbaar"]),
        ("uitkomst__maatregelen", ["taakstraf"]),
        ("uitkomst__verzuim_na", "weg"),
        ("uitkomst__onderwijs_na", "werk"),
    ],
)
def test_values_outside_the_vocabulary_are_refused(pad: str, waarde: Any) -> None:
    gevonden = fouten(casus(**{pad: waarde}))
    veld = pad.replace("__", ".")
    assert any(k.startswith(veld) for k in gevonden), gevonden


def test_enum_error_lists_what_is_allowed() -> None:
    melding = fouten(casus(route="zorg"))["route"]
    assert "ongeldige waarde 'zorg'" in melding and "strafrechtelijk" in melding


@pytest.mark.parametrize("veld", ["uren", "keer_te_laat", "duur_weken", "eerdere_meldingen"])
def test_verzuim_counts_are_non_negative_integers(veld: str) -> None:
    assert f"verzuim.{veld}" in fouten(casus(**{f"verzuim__{veld}": -1}))
    assert f"verzuim.{veld}" in fouten(casus(**{f"verzuim__{veld}": "veel"}))
    assert fouten(casus(**{f"verzuim__{veld}": 0})) == {}


def test_pv_tegen_is_only_allowed_with_pv_or_halt() -> None:
    gevonden = fouten(casus(afweging__besluit="geen_pv"))
    assert gevonden == {"afweging.pv_tegen": "alleen toegestaan bij besluit pv of halt"}
    assert fouten(casus(afweging__besluit="aangehouden")) == gevonden


@pytest.mark.parametrize("besluit", ["pv", "halt"])
def test_pv_tegen_is_required_with_pv_or_halt(besluit: str) -> None:
    gevonden = fouten(casus(afweging__besluit=besluit, afweging__pv_tegen=None))
    assert list(gevonden) == ["afweging.pv_tegen"]
    assert gevonden["afweging.pv_tegen"].startswith(f"verplicht bij besluit {besluit}")


def test_toelichting_is_40_to_4000_characters() -> None:
    assert "afweging.toelichting" in fouten(casus(afweging__toelichting="Te kort."))
    assert "afweging.toelichting" in fouten(casus(afweging__toelichting="x" * 4001))


def test_commentaar_needs_partij_oordeel_and_tekst_of_20_characters() -> None:
    gevonden = fouten(
        casus(
            commentaar=[
                {"partij": "om", "oordeel": "eens", "tekst": "Kort."},
                {"partij": "advocaat", "tekst": "x" * 30},
            ]
        )
    )
    assert set(gevonden) == {"commentaar[1].tekst", "commentaar[2].partij", "commentaar[2].oordeel"}


def test_commentaar_moment_is_vooraf_or_achteraf() -> None:
    item = {"partij": "rvdk", "oordeel": "oneens", "tekst": "x" * 25, "moment": "tijdens"}
    assert "commentaar[1].moment" in fouten(casus(commentaar=[item]))


@pytest.mark.parametrize("termijn,ok", [(0, True), (60, True), (61, False), (-1, False)])
def test_termijn_maanden_is_0_to_60(termijn: int, ok: bool) -> None:
    assert (
        "uitkomst.termijn_maanden" not in fouten(casus(uitkomst__termijn_maanden=termijn))
    ) is ok


def test_long_texts_have_upper_limits() -> None:
    assert "lessen" in fouten(casus(lessen="x" * 4001))
    assert "uitkomst.toelichting" in fouten(casus(uitkomst__toelichting="x" * 4001))


@pytest.mark.parametrize("thema", ["Luxe-verzuim", "x" * 41, ""])
def test_themas_are_lowercase_tags_of_at_most_40_characters(thema: str) -> None:
    assert "themas" in fouten(casus(themas=[thema]))


def test_a_value_twice_in_a_list_is_refused() -> None:
    assert "problematiek" in fouten(casus(problematiek=["psychisch", "psychisch"]))


def test_every_error_is_reported_not_just_the_first() -> None:
    gevonden = fouten(casus(titel="x", route="zorg", leerling__leeftijd=2))
    assert {"titel", "route", "leerling.leeftijd"} <= set(gevonden)


def test_the_decision_rule_is_reported_together_with_the_other_errors() -> None:
    """A form with several mistakes shows them all at once, the pv_tegen rule included."""
    gevonden = fouten(casus(titel="x", route="zorg", afweging__besluit="geen_pv"))
    assert {"titel", "route", "afweging.pv_tegen"} <= set(gevonden)
    assert gevonden["afweging.pv_tegen"] == "alleen toegestaan bij besluit pv of halt"
    # Not when the decision itself is wrong: then the rule cannot be judged.
    assert "afweging.pv_tegen" not in fouten(casus(titel="x", afweging__besluit="boete"))


def test_a_case_must_be_an_object() -> None:
    assert fouten(["geen", "object"]) == {"": "een casus moet een object met velden zijn"}


def test_export_shape_leaves_out_empty_optional_fields() -> None:
    data = casus(lessen=None, uitkomst=None, commentaar=None)
    geldig, _ = valideer(data)
    assert geldig is not None
    uit = naar_uitwisseling(geldig)
    assert "lessen" not in uit and "uitkomst" not in uit and "commentaar" not in uit
    assert valideer(uit)[0] == geldig


@pytest.mark.parametrize("pad", ["beschrijving", "afweging__toelichting", "themas"])
def test_a_nul_character_anywhere_is_refused(pad: str) -> None:
    """Every write path (import, API, form) validates here; PostgreSQL refuses NUL."""
    waarde: Any = ["luxe\x00verzuim"] if pad == "themas" else "tekst\x00met nul" * 5
    veld = {"afweging__toelichting": "afweging.toelichting", "themas": "themas[1]"}.get(pad, pad)
    meldingen = fouten(casus(**{pad: waarde})).values()
    assert any(f"NUL-teken (\\0) (in {veld})" in m for m in meldingen), meldingen
