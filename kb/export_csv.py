"""CSV for people: fixed column order, readable headings, opens directly in Dutch Excel.

Every CSV download of the learning pages (intervisie, leerpad, inzicht, search
results) is written here, so they all look alike: semicolon-separated and UTF-8
with a byte order mark, which is what Excel with Dutch settings expects. A cell
that starts like a formula gets a leading apostrophe, so text a participant typed
is never run as a formula in a spreadsheet (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

SCHEIDER = ";"
BOM = "\ufeff"
_FORMULE_BEGIN = ("=", "+", "-", "@", "\t", "\r")


def _cel(waarde: Any) -> str:
    if waarde is None:
        return ""
    tekst = str(waarde)
    if isinstance(waarde, str) and tekst.startswith(_FORMULE_BEGIN):
        return "'" + tekst
    return tekst


def csv_tekst(kolommen: Sequence[str], rijen: Iterable[Sequence[Any]]) -> str:
    uit = io.StringIO()
    schrijver = csv.writer(uit, delimiter=SCHEIDER, lineterminator="\r\n")
    schrijver.writerow(kolommen)
    for rij in rijen:
        schrijver.writerow([_cel(w) for w in rij])
    return BOM + uit.getvalue()


def lees_csv(tekst: str) -> list[list[str]]:
    """The rows of a CSV written by `csv_tekst` (tests and re-imports)."""
    return list(csv.reader(io.StringIO(tekst.removeprefix(BOM)), delimiter=SCHEIDER))
