"""Domain abbreviations in a query, written out when no case uses them.

Officers write "JR" where the cases write "jeugdreclassering". BM25 then has nothing
to match, and the small embedding model does not know the abbreviation either: the
query's key term is dead weight. Adding the written-out form to the query gives both
something to find. An abbreviation that cases do use is left alone, since it already
matches the cases that use it; writing out every abbreviation helped some queries and
hurt others as much (docs/zoekkwaliteit.md, "Adopted: abbreviations no case uses").

pv, OM and RvdK are not in the table: nearly every case uses them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

AFKORTINGEN = {
    "JR": "jeugdreclassering",
    "JCO": "justitieel casusoverleg",
    "OTP": "onderhoud ter parkette",
    "OTS": "ondertoezichtstelling",
    "VTB": "verzoek tot bespreking",
    "GI": "gecertificeerde instelling",
    "MDO": "multidisciplinair overleg",
    "ZAT": "zorg- en adviesteam",
    "SWT": "sociaal wijkteam",
    "RMC": "regionaal meld- en coördinatiepunt",
    "IJO": "integraal jeugdoverleg",
    "MAZL": "meer aandacht voor ziek gemelde leerlingen",
    "JBT": "jeugdbeschermingstafel",
    "ISK": "internationale schakelklas",
    "SWV": "samenwerkingsverband",
    "OPP": "ontwikkelingsperspectiefplan",
    "JGZ": "jeugdgezondheidszorg",
    "GGZ": "geestelijke gezondheidszorg",
    "ASS": "autisme",
    "ZML": "zeer moeilijk lerend",
    "BOA": "buitengewoon opsporingsambtenaar",
    "AZC": "asielzoekerscentrum",
    "VSV": "voortijdig schoolverlaten",
    "LPA": "leerplichtambtenaar",
    "VSO": "voortgezet speciaal onderwijs",
    "PRO": "praktijkonderwijs",
    "SO": "speciaal onderwijs",
}

# Also ordinary words in lower case ("hij zat thuis", "so", "pro forma", "jr" for
# junior): an abbreviation only in capitals.
ALLEEN_IN_HOOFDLETTERS = frozenset({"ASS", "SO", "PRO", "GI", "JR", "ZAT"})
# Of those, the ones whose lower-case word is common in case texts: BM25, which sees
# words in lower case, cannot tell whether any case uses the abbreviation.
GEWOON_WOORD = frozenset({"ZAT"})

_WOORD = re.compile(r"\w+")


def afkortingen_in(vraag: str) -> list[str]:
    """The abbreviations of the table in a query, each once, as written."""
    gevonden = [
        w
        for w in _WOORD.findall(vraag)
        if w.upper() in AFKORTINGEN and (w.isupper() or w.upper() not in ALLEEN_IN_HOOFDLETTERS)
    ]
    return list(dict.fromkeys(gevonden))


def uitgeschreven(vraag: str, gebruikt: Callable[[str], bool] | None = None) -> dict[str, str]:
    """Abbreviation -> written-out form, for those in the query that `gebruikt` says no
    case uses (with `gebruikt` None: all of them).

    `gebruikt` sees words as BM25 does, in lower case. An abbreviation whose lower-case
    form is a common word cannot be told from that word that way ("ZAT" from "hij zat"),
    so it is always written out."""
    return {
        w: AFKORTINGEN[w.upper()]
        for w in afkortingen_in(vraag)
        if gebruikt is None or w.upper() in GEWOON_WOORD or not gebruikt(w)
    }


def voluit(vraag: str, gebruikt: Callable[[str], bool] | None = None) -> str:
    """The query with the written-out forms of `uitgeschreven` added at the end."""
    return met_voluit(vraag, uitgeschreven(vraag, gebruikt))


def met_voluit(vraag: str, uit: dict[str, str]) -> str:
    """The query with these written-out forms added at the end, each once."""
    extra = dict.fromkeys(uit.values())
    return f"{vraag} ({', '.join(extra)})" if extra else vraag
