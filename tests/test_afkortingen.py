"""Which abbreviations in a query are written out (search/afkortingen.py)."""

from __future__ import annotations

from search.afkortingen import afkortingen_in, uitgeschreven, voluit


def test_abbreviations_are_found_in_capitals_and_lower_case() -> None:
    assert afkortingen_in("isk-leerling, JR en de GGZ, weer JR") == ["isk", "JR", "GGZ"]


def test_abbreviations_that_are_also_ordinary_words_count_only_in_capitals() -> None:
    """In lower case "so", "pro", "zat" and "jr" are words or "junior", not SO, PRO, ZAT, JR."""
    assert afkortingen_in("so what, pro forma, hij zat thuis, jr") == []
    assert afkortingen_in("leerling van het SO, nu op PRO") == ["SO", "PRO"]


def test_only_abbreviations_no_case_uses_are_written_out() -> None:
    gebruikt = {"GGZ"}.__contains__
    assert uitgeschreven("JR en GGZ", gebruikt) == {"JR": "jeugdreclassering"}
    assert voluit("JR en GGZ", gebruikt) == "JR en GGZ (jeugdreclassering)"


def test_a_query_without_abbreviations_is_unchanged() -> None:
    assert voluit("jongen van 15 zit thuis", lambda _w: False) == "jongen van 15 zit thuis"
