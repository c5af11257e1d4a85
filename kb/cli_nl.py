"""Dutch for the texts the command line's libraries write themselves.

click and typer write their help and errors in English ("Show this message and exit.",
"Missing argument 'tekst'."), between our own Dutch texts. Both look their texts up
through `gettext`; `vertaal` is put in place of that lookup in their modules, and typer's
panel titles are set, before the app is built. A text without a translation stays as it
was, so a newer click can only leave a text English, never break one.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import typer
import typer.rich_utils

VERTALINGEN: dict[str, str] = {
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Positional arguments": "Argumenten",
    "Error: {message}": "Fout: {message}",
    "Aborted!": "Afgebroken.",
    "Missing argument": "Argument ontbreekt:",
    "Missing option": "Optie ontbreekt:",
    "Missing parameter": "Parameter ontbreekt:",
    "Missing command.": "Geef een opdracht.",
    "Missing parameter: {param_name}": "Parameter ontbreekt: {param_name}",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "Option {name!r} does not take a value.": "Optie {name!r} neemt geen waarde.",
    "Option {name!r} requires an argument.": "Optie {name!r} heeft een waarde nodig.",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Try '{command} {option}' for help.": "Hulp: '{command} {option}'.",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig {number_type}.",
    "{value} is not in the range {range}.": "{value} valt buiten {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} is niet schrijfbaar.",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    "integer": "geheel getal",
    "Do you want to continue?": "Doorgaan?",
    "default: {default}": "standaard: {default}",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
}


def vertaal(tekst: str) -> str:
    return VERTALINGEN.get(tekst, tekst)


def _modules() -> list[ModuleType]:
    """typer's modules and the click it carries (typer._click, or click itself)."""
    modules: list[ModuleType] = [importlib.import_module("typer.core"), typer.rich_utils]
    for naam in ("typer._click", "click"):
        try:
            pakket = importlib.import_module(naam)
        except ImportError:
            continue
        for info in pkgutil.iter_modules(pakket.__path__):
            if not info.name.startswith("_"):
                modules.append(importlib.import_module(f"{naam}.{info.name}"))
    return modules


def installeer() -> None:
    """Dutch from here on, for the lookups of click and typer and typer's panels
    (idempotent)."""
    for module in _modules():
        if callable(getattr(module, "_", None)):
            module._ = vertaal  # type: ignore[attr-defined]
    _nederlands_in_typers_click()
    ru = typer.rich_utils
    ru.DEFAULT_STRING = "[standaard: {}]"
    ru.ENVVAR_STRING = "[omgevingsvariabele: {}]"
    ru.REQUIRED_LONG_STRING = "[verplicht]"
    ru.DEPRECATED_STRING = "(verouderd) "
    ru.ARGUMENTS_PANEL_TITLE = "Argumenten"
    ru.OPTIONS_PANEL_TITLE = "Opties"
    ru.COMMANDS_PANEL_TITLE = "Opdrachten"
    ru.ERRORS_PANEL_TITLE = "Fout"
    ru.ABORTED_TEXT = "Afgebroken."
    ru.RICH_HELP = "Hulp: [blue]'{command_path} {help_option}'[/]."


_SOORT = {"argument": "argument", "option": "optie", "parameter": "parameter"}


def _nederlands_in_typers_click() -> None:
    """typer carries its own copy of click with its texts written in (no gettext): the
    usage line, the missing-parameter error and the --help option's text."""
    try:
        from typer._click import core, decorators, exceptions, formatting
    except ImportError:  # another typer: nothing of ours to adjust
        return
    if getattr(formatting.HelpFormatter.write_usage, "_nl", False):
        return
    schrijf = formatting.HelpFormatter.write_usage

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:  # type: ignore[no-untyped-def]
        schrijf(self, prog, args, "Gebruik: " if prefix is None else prefix)

    write_usage._nl = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]

    bericht = exceptions.MissingParameter.format_message

    def format_message(self) -> str:  # type: ignore[no-untyped-def]
        tekst = bericht(self)
        for engels, soort in _SOORT.items():
            if tekst.startswith(f"Missing {engels}"):
                return f"{soort.capitalize()} ontbreekt:" + tekst[len(f"Missing {engels}") :]
        return tekst

    exceptions.MissingParameter.format_message = format_message  # type: ignore[method-assign]

    help_optie = decorators.help_option

    def help_option(*args, **kwargs):  # type: ignore[no-untyped-def]
        maak = help_optie(*args, **kwargs)

        def decorator(f):  # type: ignore[no-untyped-def]
            resultaat = maak(f)
            for param in getattr(resultaat, "params", None) or getattr(f, "__click_params__", []):
                if getattr(param, "help", None) == "Show this message and exit.":
                    param.help = VERTALINGEN["Show this message and exit."]
            return resultaat

        return decorator

    decorators.help_option = help_option
    if hasattr(core, "help_option"):
        core.help_option = help_option  # type: ignore[attr-defined]
