"""Abbreviations and their written-out forms as one search term, for BM25.

Measured and not adopted (docs/zoekkwaliteit.md: ±0.002 hybrid nDCG@10, because
cases and queries already use the same short forms); kept so that
`python -m search.experimenten synoniemen` prints the figures again.

Officers write "pv", "RvdK", "OM", "lpa" in one case and "proces-verbaal",
"Raad voor de Kinderbescherming", "Openbaar Ministerie" in the next; a lexical
match misses one for the other. Each group below is a set of ways to say the
same thing in the leerplicht domain (not a list of related words). All forms of
a group become one term on the index and the query side alike.

A form in capitals ("OM") only matches in capitals: "om" is also a common word
(and a stop word). A form of one word is replaced by the group's term; a form of
several words keeps its words as well, because "verzuim" in "luxe verzuim" should
still match "verzuim".
"""

from __future__ import annotations

import re
from functools import cache

GROEPEN: tuple[tuple[str, ...], ...] = (
    ("pv", "proces-verbaal", "procesverbaal", "proces verbaal"),
    ("rvdk", "raad voor de kinderbescherming", "kinderbescherming"),
    ("OM", "openbaar ministerie"),
    ("lpa", "leerplichtambtenaar", "leerplichtambtenaren", "leerplichtconsulent"),
    ("po", "primair onderwijs", "basisonderwijs"),
    ("vo", "voortgezet onderwijs"),
    ("so", "speciaal onderwijs"),
    ("vso", "voortgezet speciaal onderwijs"),
    ("pro", "praktijkonderwijs"),
    ("mbo", "middelbaar beroepsonderwijs"),
    ("isk", "internationale schakelklas"),
    ("swv", "samenwerkingsverband", "samenwerkingsverbanden"),
    ("opp", "ontwikkelingsperspectiefplan", "ontwikkelingsperspectief"),
    ("mdo", "multidisciplinair overleg"),
    ("zat", "zorg- en adviesteam"),
    ("jgz", "jeugdgezondheidszorg"),
    ("gi", "gecertificeerde instelling"),
    ("ots", "ondertoezichtstelling", "ondertoezichtstellingen"),
    ("rmc", "regionaal meld- en coördinatiepunt"),
    ("luxe verzuim", "vakantieverzuim"),
    ("spijbelen", "spijbelt", "spijbelde", "spijbelden", "gespijbeld", "ongeoorloofd verzuim"),
    ("thuiszitter", "thuiszitters", "thuiszitten", "thuiszit"),
)
# The last three groups are paraphrases, not abbreviations: measured apart.
AFKORTINGEN = GROEPEN[:-3]


def _term(groep: tuple[str, ...]) -> str:
    """One word no text contains, that survives tokenising and stemming unchanged."""
    return "syn" + re.sub(r"\W", "", groep[0].lower())


@cache
def _patroon(groepen: tuple[tuple[str, ...], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for all forms, longest first, so "voortgezet speciaal onderwijs" is
    not read as "speciaal onderwijs"; and the group term per lowercased form."""
    term_van = {vorm.lower(): _term(groep) for groep in groepen for vorm in groep}
    vormen = sorted((v for groep in groepen for v in groep), key=len, reverse=True)
    keuzes = "|".join(re.escape(v) if v.isupper() else f"(?i:{re.escape(v)})" for v in vormen)
    return re.compile(rf"(?<![\w-])(?:{keuzes})(?![\w-])"), term_van


def normaliseer(tekst: str, groepen: tuple[tuple[str, ...], ...] = GROEPEN) -> str:
    """The text with every form of a group written as (or followed by) the group's term."""
    patroon, term_van = _patroon(groepen)

    def vervang(m: re.Match[str]) -> str:
        vorm = m.group(0)
        term = term_van[vorm.lower()]
        return f"{vorm} {term}" if " " in vorm else term

    return patroon.sub(vervang, tekst)
