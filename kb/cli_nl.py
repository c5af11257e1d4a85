"""Dutch for the texts the command line's library writes itself.

typer writes its help and errors in English ("Show this message and exit.", "Missing
argument 'tekst'."), between our own Dutch texts. typer looks a few texts up through
`gettext` in `typer.core` (`vertaal` takes that lookup's place), keeps its panel titles
as module constants in `typer.rich_utils` (set here), and writes the rest in the copy of
click it carries (`typer._click`: the usage line, the missing-parameter and bad-value
errors, the help option; adjusted here). A value of the wrong type ("--limit tien") is
refused with pydantic's first error message, which typer reads in `typer._display`;
the common ones get Dutch here by their error type. A text without a translation stays
as it was, and another typer without that copy of click is left alone: a newer typer
can leave a text English, never break one.
"""

from __future__ import annotations

from typing import Any

import typer.core
import typer.rich_utils

HELP_ENGELS = "Show this message and exit."
HELP = "Toon deze hulp en stop."

# The texts typer.core looks up through gettext.
VERTALINGEN: dict[str, str] = {
    "(dynamic)": "(berekend)",
    "Aborted!": "Afgebroken.",
    "Arguments": "Argumenten",
    "Commands": "Opdrachten",
    "Missing command.": "Geef een opdracht.",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "Options": "Opties",
    "default: {default}": "standaard: {default}",
    "env var: {var}": "omgevingsvariabele: {var}",
    "required": "verplicht",
}

_SOORT = {"argument": "Argument", "option": "Optie", "parameter": "Parameter"}

# pydantic's error types (stable, unlike its English messages) for a value of the wrong type.
TYPEFOUTEN: dict[str, str] = {
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "float_parsing": "moet een getal zijn",
    "bool_parsing": "moet ja of nee zijn (true/false)",
}


def vertaal(tekst: str) -> str:
    return VERTALINGEN.get(tekst, tekst)


def installeer() -> None:
    """Dutch from here on (idempotent); called before the app is built."""
    typer.core._ = vertaal  # type: ignore[attr-defined]
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
    _nederlands_in_typers_click()


def _nederlands_in_typers_click() -> None:
    """The texts typer's copy of click writes in directly, without gettext."""
    try:
        from typer._click import core, decorators, exceptions, formatting
    except ImportError:  # another typer: nothing of ours to adjust
        return
    if getattr(formatting.HelpFormatter.write_usage, "_nl", False):
        return
    schrijf = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        schrijf(self, prog, args, "Gebruik: " if prefix is None else prefix)

    write_usage._nl = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]

    bericht = exceptions.MissingParameter.format_message

    def format_message(self: Any) -> str:
        tekst = bericht(self)
        for engels, soort in _SOORT.items():
            if tekst.startswith(f"Missing {engels}"):
                return f"{soort} ontbreekt:" + tekst[len(f"Missing {engels}") :]
        return tekst

    exceptions.MissingParameter.format_message = format_message  # type: ignore[method-assign]

    ongeldig = exceptions.BadParameter.format_message

    def format_ongeldig(self: Any) -> str:
        tekst = ongeldig(self)
        for engels, nl in (
            ("Invalid value for ", "Ongeldige waarde voor "),
            ("Invalid value: ", "Ongeldige waarde: "),
        ):
            if tekst.startswith(engels):
                return nl + tekst[len(engels) :]
        return tekst

    exceptions.BadParameter.format_message = format_ongeldig  # type: ignore[method-assign]
    _nederlandse_typefouten()

    help_optie = decorators.help_option

    def help_option(*args: Any, **kwargs: Any) -> Any:
        maak = help_optie(*args, **kwargs)

        def decorator(f: Any) -> Any:
            resultaat = maak(f)
            for param in getattr(resultaat, "params", None) or getattr(f, "__click_params__", []):
                if getattr(param, "help", None) == HELP_ENGELS:
                    param.help = HELP
            return resultaat

        return decorator

    decorators.help_option = help_option
    if hasattr(core, "help_option"):
        core.help_option = help_option  # type: ignore[attr-defined]


def _nederlandse_typefouten() -> None:
    """pydantic's message for a value of the wrong type, in Dutch where its type is known;
    typer imported `get_error_msg` by name into the modules that use it."""
    try:
        from typer import _coercion, _display, _param_types
    except ImportError:  # another typer
        return
    engels = _display.get_error_msg

    def get_error_msg(exc: Any) -> str:
        fouten = exc.errors() if hasattr(exc, "errors") else []
        if fouten and fouten[0].get("type") in TYPEFOUTEN:
            return TYPEFOUTEN[fouten[0]["type"]]
        return str(engels(exc))

    for module in (_display, _coercion, _param_types):
        if hasattr(module, "get_error_msg"):
            module.get_error_msg = get_error_msg  # type: ignore[attr-defined]
