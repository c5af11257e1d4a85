"""Reading case files: YAML, JSON and JSON Lines, as the exchange format allows.

Each raw case keeps where it came from (file and position), so every error
message can say "cases.yaml: casus 3 (ref HID-003): ..." and a user can find it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

EXTENSIES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl"}


@dataclass
class RuweCasus:
    bestand: str
    positie: int  # 1-based position in the file
    data: Any

    @property
    def ref(self) -> str | None:
        ref = self.data.get("ref") if isinstance(self.data, dict) else None
        return ref if isinstance(ref, str) else None

    def plaats(self) -> str:
        ref = f" (ref {self.ref})" if self.ref else ""
        return f"{self.bestand}: casus {self.positie}{ref}"


class BestandFout(ValueError):
    """A file cannot be read as cases at all; the message names the file."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML loader that refuses a key given twice (the second would silently win)."""


def _mapping_zonder_dubbelen(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"veld '{key}' staat twee keer in dezelfde casus", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_zonder_dubbelen
)
# Keep YAML 1.1 from turning an unquoted 2023-10-12 into a date object behind the
# user's back: leave timestamps as text, so validation can refuse exact dates.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _als_lijst(data: Any) -> list[Any]:
    if data is None:
        return []
    return data if isinstance(data, list) else [data]


def parse_text(tekst: str, soort: str, naam: str) -> list[RuweCasus]:
    """Parse the text of one file; `soort` is yaml, json or jsonl."""
    try:
        if soort == "jsonl":
            items = []
            for nr, regel in enumerate(tekst.splitlines(), start=1):
                if regel.strip():
                    try:
                        items.append(json.loads(regel))
                    except json.JSONDecodeError as exc:
                        raise BestandFout(
                            f"{naam}: regel {nr} is geen geldige JSON: {exc.msg}"
                        ) from exc
        elif soort == "json":
            items = _als_lijst(json.loads(tekst))
        else:
            items = []
            for doc in yaml.load_all(tekst, Loader=_UniqueKeyLoader):
                items.extend(_als_lijst(doc))
    except json.JSONDecodeError as exc:
        raise BestandFout(
            f"{naam}: geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}): {exc.msg}"
        ) from exc
    except yaml.YAMLError as exc:
        uitleg, regel = _yaml_uitleg(exc)
        waar = f" (regel {regel})" if regel else ""
        raise BestandFout(f"{naam}: geen geldige YAML{waar}: {uitleg}") from exc
    return [RuweCasus(naam, i, data) for i, data in enumerate(items, start=1)]


# PyYAML's messages, said the way an editor of a case file would fix them.
_YAML_UITLEG = (
    ("mapping values are not allowed",
     "een dubbele punt op een plek waar die niet mag: staat er ': ' in een tekst (zet die "
     "tekst dan tussen aanhalingstekens), of springt dit veld verder in dan de velden erboven?"),
    ("could not find expected ':'",
     "na een veldnaam ontbreekt de dubbele punt, of een tekst loopt door op de volgende "
     "regel zonder in te springen"),
    ("cannot start any token",
     "een teken waarmee geen waarde mag beginnen (een tab, of @ of ` aan het begin); "
     "spring in met spaties en zet zo'n tekst tussen aanhalingstekens"),
    ("found unexpected end of stream",
     "een tekst tussen aanhalingstekens die hier begint, wordt nergens afgesloten"),
    ("did not find expected key",
     "de opbouw klopt niet: springen de velden van één casus even ver in, en staat er geen "
     "aanhalingsteken midden in een tekst die tussen dezelfde aanhalingstekens staat?"),
    ("did not find expected '-' indicator",
     "de inspringing van een lijst klopt niet: elk item begint met '- ' op dezelfde hoogte"),
    ("expected <block end>",
     "de opbouw klopt niet: springen de velden van één casus even ver in, en staat er geen "
     "aanhalingsteken midden in een tekst die tussen dezelfde aanhalingstekens staat "
     "(schrijf 'm''n' of gebruik dubbele aanhalingstekens)?"),
    ("expected alphabetic or numeric character",
     "een tekst die met * of & begint; zet die tekst tussen aanhalingstekens"),
    ("found undefined alias",
     "een tekst die met * begint; zet die tekst tussen aanhalingstekens"),
)


def _yaml_uitleg(exc: yaml.YAMLError) -> tuple[str, int | None]:
    """A Dutch explanation of a YAML error, with PyYAML's own words for the expert, and
    the line to look at (where an unclosed quote opened, not where the file ends)."""
    origineel = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    plek = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if "end of stream" in origineel and getattr(exc, "context_mark", None):
        plek = exc.context_mark  # type: ignore[attr-defined]
    regel = plek.line + 1 if plek else None
    for sleutel, uitleg in _YAML_UITLEG:
        if sleutel in origineel:
            return f"{uitleg} (YAML meldt: {origineel})", regel
    return f"de opbouw van het bestand klopt hier niet (YAML meldt: {origineel})", regel


def read_file(pad: Path) -> list[RuweCasus]:
    soort = EXTENSIES.get(pad.suffix.lower())
    if soort is None:
        raise BestandFout(
            f"{pad.name}: onbekend bestandstype '{pad.suffix}'; "
            "gebruik .yaml, .yml, .json of .jsonl"
        )
    try:
        tekst = pad.read_text(encoding="utf-8-sig")  # a BOM, as Windows editors write it
    except FileNotFoundError as exc:
        raise BestandFout(f"{pad}: bestand niet gevonden") from exc
    except UnicodeDecodeError as exc:
        raise BestandFout(f"{pad.name}: geen UTF-8-tekst (sla het bestand op als UTF-8)") from exc
    return parse_text(tekst, soort, pad.name)


def expand_paths(paden: list[Path]) -> Iterator[Path]:
    """Files as given, and the case files inside any folder given."""
    for pad in paden:
        if pad.is_dir():
            yield from sorted(p for p in pad.rglob("*") if p.suffix.lower() in EXTENSIES)
        else:
            yield pad
