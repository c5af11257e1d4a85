"""The command line speaks Dutch, also in the texts its libraries write themselves."""

from __future__ import annotations

from typer.testing import CliRunner

from kb.cli import app

runner = CliRunner()


def test_help_is_dutch_from_usage_line_to_the_help_option() -> None:
    uit = runner.invoke(app, ["search", "--help"]).output
    assert "Gebruik: " in uit and " search [OPTIONS]" in uit
    assert "Toon deze hulp en stop." in uit and "Opties" in uit and "[standaard: 10]" in uit
    for engels in ("Usage:", "Show this message", "Options", "[default:"):
        assert engels not in uit


def test_a_missing_argument_and_an_unknown_command_are_said_in_dutch() -> None:
    ontbreekt = runner.invoke(app, ["search"])
    assert ontbreekt.exit_code == 2
    assert "Argument ontbreekt: 'tekst'." in ontbreekt.output and "Missing" not in ontbreekt.output
    onbekend = runner.invoke(app, ["zoekk"])
    assert "Onbekende opdracht 'zoekk'." in onbekend.output


def test_a_value_of_the_wrong_type_is_refused_in_dutch() -> None:
    for waarde in ("tien", "2.5"):
        uit = runner.invoke(app, ["search", "verzuim", "--limit", waarde])
        assert uit.exit_code == 2
        assert "Ongeldige waarde voor '--limit' / '-n': moet een geheel getal zijn" in uit.output
        assert "Invalid value" not in uit.output and "Input should" not in uit.output
