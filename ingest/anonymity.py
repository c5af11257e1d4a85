"""The anonymity guard: no case with personal data gets into the knowledge base.

Two layers, because neither is enough alone:

* deduce (Dutch de-identification) finds person names, initials, streets,
  dates, phone numbers and e-mail addresses with its lookup lists;
* our own patterns catch what a medical de-identifier does not know about:
  school names and BRIN codes, student numbers and BSN (11-proef), postcodes,
  day-and-month dates without a year.

deduce was built for medical letters and flags ordinary case words (languages
such as "Frans", place names, organisations such as "Halt", capitalised words
at the start of a sentence). `_is_gewoon_woord` drops those, using the domain
word list in `toegestaan.txt`, deduce's own place-name and common-word lists,
and the vocabulary. Every write path calls `check_case`, `check_text` or (for
free text outside a case: intervisie and leerpad answers) `eis_anoniem`;
`kb check-anonymity` and the web form's live check use the same functions.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SOORT_LABELS: dict[str, str] = {
    "naam": "naam",
    "initialen": "initialen met achternaam",
    "adres": "adres",
    "postcode": "postcode",
    "telefoon": "telefoonnummer",
    "email": "e-mailadres",
    "bsn": "BSN",
    "nummer": "lang nummer (leerlingnummer?)",
    "datum": "datum",
    "school": "schoolnaam",
    "brin": "BRIN-code",
    "url": "internetadres",
    "account": "account op sociale media",
}


# When findings overlap, the more specific kind names the place in the text.
_VOORRANG = (
    "email",
    "url",
    "account",
    "telefoon",
    "bsn",
    "nummer",
    "postcode",
    "adres",
    "datum",
    "brin",
    "school",
    "initialen",
    "naam",
)


@dataclass(frozen=True)
class Bevinding:
    """One piece of personal data found in a text."""

    soort: str
    tekst: str
    start: int
    eind: int

    @property
    def label(self) -> str:
        return SOORT_LABELS.get(self.soort, self.soort)


@dataclass(frozen=True)
class VeldBevindingen:
    veld: str
    bevindingen: tuple[Bevinding, ...]

    def melding(self) -> str:
        gevonden = opsomming(self.bevindingen)
        return f"mogelijk persoonsgegevens gevonden: {gevonden}. Anonimiseer deze tekst"


def opsomming(bevindingen: Iterable[Bevinding]) -> str:
    return "; ".join(f"{b.label} '{b.tekst}'" for b in bevindingen)


class Persoonsgegevens(ValueError):
    """Free text outside a case (an intervisie answer or title, a leerpad answer) was
    refused; `veld` names the form field, so the page can show the message next to it."""

    def __init__(self, veld: str, melding: str) -> None:
        super().__init__(melding)
        self.veld = veld


_MAAND = (
    r"(?:jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|jun(?:i)?|jul(?:i)?"
    r"|aug(?:ustus)?|sep(?:t(?:ember)?)?|okt(?:ober)?|oct|nov(?:ember)?|dec(?:ember)?)"
)
_DAG = r"(?:0?[1-9]|[12]\d|3[01])"
_MND = r"(?:0?[1-9]|1[0-2])"
# A capitalised word, also with accents outside Latin-1 (Zielińska) and double
# names (Jan-Willem); a compound with a lowercase part (Halt-afdoening) is no name.
_HOOFD = r"[A-ZÀ-ÞĀ-Ž][a-zß-ÿā-ž'’]+(?:-[A-ZÀ-ÞĀ-Ž][a-zß-ÿā-ž'’]+)*(?![\w\-])"
_SCHOOLWOORD = (
    r"(?:College|Lyceum|Gymnasium|Scholengemeenschap|Scholengroep|Academie|Mavo|Atheneum"
    r"|Vakcollege|Praktijkcollege|Montessorischool|Daltonschool|Jenaplanschool|Vrije School"
    r"|Campus)"
)
_SCHOOLPREFIX = r"(?:OBS|CBS|PCBS|RKBS|KBS|SBO|SBAO|SO|VSO|CSG|OSG|RSG|IKC|ISK|SG|ROC|Roc)"

_PATRONEN: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    ("url", re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)),
    # "@sanne_2009": a handle names one person as surely as an e-mail address does.
    ("account", re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,29}[A-Za-z0-9_])\b")),
    (
        "telefoon",
        re.compile(r"(?<![\w+])(?:\+31|0031|0)[\s\-]?(?:\(0\)[\s\-]?)?\d(?:[\s\-]?\d){8}(?!\d)"),
    ),
    (
        "postcode",
        re.compile(
            r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b|\b[1-9]\d{3}[a-z]{2}\b"
            r"|(?i:\bpostcode\s*:?\s*[1-9]\d{3}\s?[a-z]{2}\b)"
            r"|\b[1-9]\d{3}\s[a-z]{2}(?=\s+[a-z][a-z\-']+)"
        ),
    ),
    (
        "datum",
        re.compile(
            rf"\b{_DAG}(?:e|ste|de)?\s+{_MAAND}\b\.?"
            rf"|\b{_DAG}[\-/.]{_MND}[\-/.](?:19|20)?\d{{2}}\b"
            rf"|\b(?:19|20)\d{{2}}[\-/.]{_MND}[\-/.]{_DAG}\b"
            rf"|\b(?:op|sinds|vanaf|per|tot|d\.d\.|datum|dd)\s+{_DAG}[\-/]{_MND}\b(?![\-/]\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "school",
        re.compile(
            rf"\b(?:{_HOOFD}\s+){{1,3}}{_SCHOOLWOORD}(?:\s+(?:(?:De|Het|'t|Den)\s+)?{_HOOFD})?"
            rf"|\b{_SCHOOLWOORD}\s+(?:{_HOOFD}|De\s+{_HOOFD})"
            rf"|\b{_SCHOOLPREFIX}\s+(?:(?:De|Het|'t|Den)\s+)?{_HOOFD}(?:\s+{_HOOFD})?"
            rf"|\b(?i:[\w\-]*(?:school|gemeenschap|centrum|college|lyceum|gymnasium))"
            rf"\s+(?:De|Het|'t|Den)\s+{_HOOFD}"
            rf"|\b(?:[Bb]asisschool|[Kk]indcentrum|[Ss]chool|[Ss]o-school)\s+{_HOOFD}"
            # written as one word: "het Hazelaarcollege", "op het Merelhovelyceum"
            rf"|\b[A-Z][\w\-]*(?:college|lyceum|gymnasium)\b"
        ),
    ),
    # the same written without capitals: "het berkenhorst lyceum"
    ("school", re.compile(r"(?i:\b[a-zà-ÿ][\w\-]+\s+(?:college|lyceum|gymnasium)\b)")),
    (
        "brin",
        re.compile(
            r"\b\d{2}[A-Z]{2}(?:\d{2})?\b|\bbrin(?:nummer|code|-nummer|-code)?\s*:?\s*\w{4,6}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "initialen",
        re.compile(
            r"(?<![\w\-])(?:[A-Z]\.\s?){1,4}\s?(?:(?:van|de|der|den|te|ter|el|al|von|du)\s+){0,3}"
            r"[A-Z][a-z'\-]+"
            r"|(?<![\w.])(?:[A-Z]\.){2,4}(?![\w.])"
        ),
    ),
    (
        "adres",
        re.compile(
            r"\b[A-Z][a-zà-ÿ\-]*(?:straat|laan|weg|plein|singel|gracht|kade|dijk|pad|hof|dreef"
            r"|steeg|markt|park|plantsoen|ring|baan|allee|boulevard|wal|erf|veld)\s+\d{1,4}"
            r"(?:\s?[a-zA-Z](?!\w)|-\d+)?"
            r"|(?i:\b[a-z][a-zà-ÿ\-]*(?:straat|laan|plein|singel|gracht|kade|dreef|steeg)"
            r"\s+\d{1,4}\b)"
            # the number first: "op nummer 14 van de Lindelaan"
            r"|(?i:\b(?:nummer|nr\.?|huisnummer)\s+\d{1,4}[a-z]?\s+(?:van|aan|in|op)\s+(?:de\s+)?)"
            r"[A-Z][a-zà-ÿ\-]*(?:straat|laan|weg|plein|singel|gracht|kade|dijk|pad|hof|dreef"
            r"|steeg|markt|park|plantsoen|ring|baan|allee|boulevard|wal|erf|veld)\b"
        ),
    ),
    ("cijferreeks", re.compile(r"(?<![\d,])\d(?:[ .]?\d){5,}(?!\d)")),
    (
        "nummer",
        re.compile(
            r"\b(?:parket|dossier|leerling|zaak|registratie|klant|onderwijs|student)"
            r"(?:nummer|nr)\.?\s*:?\s*[\w/\-.]*\d[\w/\-.]*",
            re.IGNORECASE,
        ),
    ),
    (
        "naam",
        re.compile(
            r"\b(?:meneer|mevrouw|mw|mevr|dhr|juf|meester|de heer)\.?\s+"
            r"(?:(?:van|de|der|den|te|ter|el|al|von|du|la)\s+){0,3}[A-Za-zÀ-ÿ][\w'’\-]+",
            re.IGNORECASE,
        ),
    ),
    (
        "naam",
        re.compile(
            rf"\b{_HOOFD}(?:\s+{_HOOFD})?"
            rf"(?=\s*\(\d{{1,2}}\)|\s+(?:is|werd|wordt)\s+\d{{1,2}}\b)"
        ),
    ),
    (
        "rol_naam",
        re.compile(
            r"(?i:\b(?:mentor|mentrix|docent|docente|leerkracht|directeur|directrice|"
            r"zorgco[öo]rdinator|begeleider|wijkagent|agent|jeugdarts|huisarts|casemanager|"
            r"consulent|hulpverlener|jeugdreclasseerder|raadsonderzoeker|officier|broer|zus|"
            r"oom|tante|opa|oma|neef|nicht|buurvrouw|buurman|collega)\s+)"
            rf"(?:(?:De|Van|Van der|Van den|Ten|Ter|El|Al)\s+)?{_HOOFD}"
        ),
    ),
    ("volle_naam", re.compile(rf"\b{_HOOFD}\s+{_HOOFD}(?:\s+{_HOOFD})?")),
    # A surname with its particle capitalised, as written without a first name or title:
    # "De Vries belde", "gesprek met De Boer", "(Van der Berg)". See `_is_tussenvoegselnaam`.
    (
        "tussenvoegsel_naam",
        re.compile(
            rf"(?<![\w\-])(?:De|Den|Van|Ter|Ten|Uit)(?:\s+(?:de|der|den|het|'t|te|ter|ten))?"
            rf"\s+{_HOOFD}"
        ),
    ),
)

# deduce tag -> our soort; tags not listed here are ignored (ages, hospitals).
_DEDUCE_SOORTEN: dict[str, str] = {
    "persoon": "naam",
    "patient": "naam",
    "voornaam": "naam",
    "achternaam": "naam",
    "initiaal+naam": "initialen",
    "locatie": "adres",
    "straat": "adres",
    "datum": "datum",
    "telefoonnummer": "telefoon",
    "emailadres": "email",
    "bsn": "bsn",
    "url": "url",
}
_DEDUCE_UIT = {"placename", "age", "hospital", "institution", "identifier", "postbus"}

_TOEGESTAAN_PAD = Path(__file__).with_name("toegestaan.txt")
_WOORD = re.compile(r"[A-Za-zÀ-ÿĀ-ž'’\-]+")
# Occupations that are also common surnames: a profession at the start of a
# sentence ("Visser worden, ..."), a name in the middle of one ("volgens Visser").
BEROEPSNAMEN = frozenset(
    [
        "bakker",
        "visser",
        "smit",
        "boer",
        "kok",
        "schipper",
        "koster",
        "molenaar",
        "slager",
        "timmerman",
        "schilder",
        "kuiper",
        "brouwer",
        "metselaar",
        "kapper",
        "smid",
    ]
)
# Ordinary words that deduce's name lists also hold ("niks", "koos" of kiezen, "zwart" in
# "werkt zwart"): in text without capitals they are no name. Found by running the check
# below over the seed cases, the query sets and the leerpaden (all lowercase words that
# are in a name list and not in deduce's common words); capitalised, they still count.
_GEWOON_IN_KLEINE_LETTERS = frozenset(
    [
        "advocaat",
        "blok",
        "boot",
        "bouw",
        "brak",
        "bron",
        "broers",
        "dingen",
        "hek",
        "jongens",
        "kern",
        "koos",
        "mager",
        "middag",
        "niks",
        "rouw",
        "schat",
        "schoof",
        "schreven",
        "sloot",
        "stok",
        "streng",
        "winkels",
        "zwart",
    ]
)
# The verbs case texts put after a title as its subject ("Mevrouw belde", "Meneer kwam").
_WERKWOORDEN_NA_TITEL = frozenset(
    [
        "antwoordde",
        "antwoordt",
        "appt",
        "appte",
        "belde",
        "belt",
        "bleef",
        "blijft",
        "dacht",
        "deed",
        "denkt",
        "doet",
        "gaat",
        "gaf",
        "geeft",
        "ging",
        "had",
        "heeft",
        "hoorde",
        "hoort",
        "is",
        "kan",
        "komt",
        "kon",
        "kreeg",
        "krijgt",
        "kwam",
        "kwamen",
        "laat",
        "legde",
        "legt",
        "liet",
        "maakt",
        "maakte",
        "mailde",
        "mailt",
        "meldde",
        "meldt",
        "merkt",
        "merkte",
        "nam",
        "neemt",
        "reageerde",
        "reageert",
        "schreef",
        "schrijft",
        "sprak",
        "spreekt",
        "stuurde",
        "stuurt",
        "vertelde",
        "vertelt",
        "vindt",
        "vond",
        "vraagt",
        "vroeg",
        "was",
        "weet",
        "werd",
        "wil",
        "wilde",
        "wist",
        "wordt",
        "zag",
        "zegt",
        "zei",
        "ziet",
        "zocht",
        "zoekt",
        "zou",
    ]
)
# Of the twenty most common Dutch surnames with a particle, the one deduce also knows as
# a place (a hamlet); other particle + place combinations (Ten Boer, De Bilt) are places.
_ACHTERNAAM_OOK_DORP = frozenset(["de boer"])
_AANSPREKING = re.compile(
    r"\b(?:meneer|mevrouw|mw|mr|dhr|mevr|juf|meester|meneertje)\.?\s*$", re.IGNORECASE
)


def _begin_zin(context_voor: str) -> bool:
    return not context_voor.strip() or context_voor.rstrip()[-1] in ".!?:;\n"


def elfproef(cijfers: str) -> bool:
    """The BSN check: weights 9..2 and -1 must sum to a multiple of 11."""
    if len(cijfers) != 9 or not cijfers.isdigit():
        return False
    som = sum(int(c) * w for c, w in zip(cijfers[:8], range(9, 1, -1), strict=True))
    som -= int(cijfers[8])
    return som % 11 == 0 and int(cijfers) > 0


def _lees_toegestaan() -> frozenset[str]:
    woorden: set[str] = set()
    for regel in _TOEGESTAAN_PAD.read_text(encoding="utf-8").splitlines():
        regel = regel.split("#", 1)[0].strip()
        if regel:
            woorden.add(regel.lower())
    return frozenset(woorden)


def _vocabulaire_woorden() -> frozenset[str]:
    from kb.vocabulary import LABELS

    woorden: set[str] = set()
    for soort in LABELS.values():
        for code, tekst in soort.items():
            woorden.update(w.lower() for w in _WOORD.findall(f"{code.replace('_', ' ')} {tekst}"))
    return frozenset(woorden)


class AnonymityGuard:
    """Finds personal data in Dutch case text. Build once; it is thread-safe."""

    def __init__(self) -> None:
        from deduce import Deduce

        self._deduce = Deduce()
        # deduce configures the root logger at INFO while it loads; keep the CLI quiet.
        logging.getLogger().setLevel(logging.WARNING)
        self._lock = threading.Lock()
        structs = self._deduce.lookup_structs
        self._plaatsen = structs["placename"]
        self._gewone_woorden = structs["common_word"]
        self._stopwoorden = structs["stop_word"]
        self._voornamen = structs["first_name"]
        self._achternamen = structs["surname"]
        toegestaan = _lees_toegestaan()
        # A hyphenated name ("noord-holland") also as words, as a code is read (`_als_woorden`).
        self._frases = tuple(
            dict.fromkeys(
                v for w in toegestaan if " " in w or "-" in w for v in (w, w.replace("-", " "))
            )
        )
        self._frase_begin = frozenset(f.split()[0] for f in self._frases)
        self._toegestaan = frozenset(w for w in toegestaan if " " not in w) | _vocabulaire_woorden()

    def _is_plaats(self, tekst: str) -> bool:
        tokens = [t for t in re.split(r"\s+|(-)", tekst.strip()) if t]
        return bool(tokens) and tokens in self._plaatsen

    def _in_plaatsnaam(self, tekst: str, start: int, eind: int) -> bool:
        """'den IJssel' inside 'Capelle aan den IJssel' is part of a place name."""
        voor = tekst[:start].split()
        for n in range(1, 4):
            if len(voor) >= n and self._is_plaats(" ".join([*voor[-n:], tekst[start:eind]])):
                return True
        return False

    def _is_gewoon_woord(self, tekst: str, context_voor: str) -> bool:
        """True for deduce hits that are ordinary case words, not names."""
        if _AANSPREKING.search(context_voor):
            return False
        woorden = _WOORD.findall(tekst)
        if not woorden:
            return True
        if self._is_plaats(tekst):
            return True
        if woorden[0].lower() in BEROEPSNAMEN:
            return _begin_zin(context_voor) and len(woorden) == 1
        return all(self._gewone_woorden_alleen(w) or self._is_plaats(w) for w in woorden)

    def _deduce_bevindingen(self, tekst: str) -> list[Bevinding]:
        with self._lock:
            doc = self._deduce.deidentify(tekst, disabled=_DEDUCE_UIT)
        result = []
        for ann in doc.annotations:
            soort = _DEDUCE_SOORTEN.get(ann.tag.split("+")[0], _DEDUCE_SOORTEN.get(ann.tag))
            if soort is None and ("naam" in ann.tag or "initia" in ann.tag):
                soort = "naam"
            if soort is None:
                continue
            start, gevonden = ann.start_char, ann.text
            if soort == "naam":
                if self._is_gewoon_woord(gevonden, tekst[:start]) or self._in_plaatsnaam(
                    tekst, start, start + len(gevonden)
                ):
                    continue
                eerste = _WOORD.match(gevonden)
                if (
                    eerste
                    and " " in gevonden
                    and _begin_zin(tekst[:start])
                    and self._gewone_woorden_alleen(eerste.group(0))
                ):
                    # "Volgens Visser": the sentence's first word is not part of the name.
                    rest = gevonden[eerste.end() :].lstrip()
                    start, gevonden = start + len(gevonden) - len(rest), rest
            if soort == "adres" and (
                self._is_plaats(ann.text)
                or not re.search(r"\d", ann.text)
                or self._is_jaar_met_afkorting(ann.text)
            ):
                # A place or street name alone is no address; with a number it is.
                continue
            if soort == "datum" and not _DATUM.search(ann.text):
                # deduce also tags month + year; only day + month identifies.
                continue
            result.append(Bevinding(soort, gevonden, start, start + len(gevonden)))
        return result

    def _patroon_bevindingen(self, tekst: str) -> list[Bevinding]:
        result = []
        for soort, patroon in _PATRONEN:
            for m in patroon.finditer(tekst):
                gevonden = m.group(0).rstrip(" .")
                gevonden_soort = soort
                if soort == "cijferreeks":
                    cijfers = re.sub(r"\D", "", gevonden)
                    gevonden_soort = "bsn" if elfproef(cijfers) else "nummer"
                elif soort == "tussenvoegsel_naam":
                    if self._is_tussenvoegselnaam(gevonden, tekst[: m.start()]):
                        eind = m.start() + len(gevonden)
                        result.append(Bevinding("naam", gevonden, m.start(), eind))
                    continue
                elif soort in ("rol_naam", "naam", "volle_naam"):
                    naam = self._naam_in(gevonden, tekst[: m.start()], soort)
                    if naam is None:
                        continue
                    start = m.start() + gevonden.rindex(naam)
                    result.append(Bevinding("naam", naam, start, start + len(naam)))
                    continue
                elif not self._bevestigd(soort, gevonden, tekst[m.end() :]):
                    continue
                eind = m.start() + len(gevonden)
                result.append(Bevinding(gevonden_soort, gevonden, m.start(), eind))
        return result

    def _bevestigd(self, soort: str, gevonden: str, erna: str) -> bool:
        """Second look at a pattern match: initials before an ordinary word, a school
        word without a name, a year before an abbreviation are no personal data."""
        if soort == "initialen":
            return not self._gewone_woorden_alleen(gevonden.split(".")[-1])
        if soort == "school":
            return self._is_schoolnaam(gevonden)
        if soort == "account":  # "@school", "@RvdK": a word, not someone's handle
            return not self._gewone_woorden_alleen(gevonden.lstrip("@"))
        if soort == "postcode":
            return self._is_postcode(gevonden, erna)
        return True

    def _gewone_woorden_alleen(self, tekst: str) -> bool:
        return all(
            w.lower() in self._toegestaan
            or w.lower() in self._stopwoorden
            or (w.lower() in self._gewone_woorden and [w] not in self._voornamen)
            for w in _WOORD.findall(tekst)
        )

    def _is_postcode(self, gevonden: str, erna: str) -> bool:
        """'2023 OM' is a year and an organisation; '2021 in Tilburg' a year and a place.
        A lowercase postcode counts when a place name follows it ('5611 kc eindhoven')."""
        if self._is_jaar_met_afkorting(gevonden):
            return False
        letters = gevonden[-2:]
        if letters.islower() and " " in gevonden and not gevonden.lower().startswith("postcode"):
            volgend = erna.split()[0].strip(",.;:!?") if erna.split() else ""
            return letters not in self._stopwoorden and self._is_plaats(volgend.title())
        return True

    def _is_jaar_met_afkorting(self, tekst: str) -> bool:
        """'2023 OM' is a year and an organisation, not a postcode."""
        m = re.fullmatch(r"((?:19|20)\d\d)\s+([A-Z]{2})", tekst)
        return bool(m) and m.group(2).lower() in self._toegestaan

    def _naam_in(self, gevonden: str, context_voor: str, patroon: str) -> str | None:
        """The name in a match of our own name patterns, or None when it is none.

        After a title (mevrouw, dhr.) a capitalised word is a name even when it is an
        ordinary word (mevrouw Berg) or a place (de heer De Boer, mevrouw Laren: many
        common surnames are also villages); after a role (mentor De Wit) likewise.
        Otherwise the words must be no place, organisation or ordinary word, and a
        sentence's ordinary first word is left out ("Volgens Visser" -> "Visser")."""
        titel = re.match(
            r"(?i)(?:meneer|mevrouw|mw|mevr|dhr|juf|meester|de heer)\b\.?\s*", gevonden
        )
        if titel or patroon == "rol_naam":
            rest = gevonden[titel.end() :] if titel else gevonden.split(None, 1)[1]
            hoofdletter = re.search(r"\b[A-ZÀ-ÞĀ-Ž]", rest)
            if not hoofdletter and (
                self._gewone_woorden_alleen(rest) or self._werkwoord_na_titel(rest)
            ):
                # "Mevrouw belde", "de juf vertelde": the title is the subject of a verb.
                return None
            return gevonden if titel else rest
        if self._is_plaats(gevonden):
            return None
        woorden = _WOORD.findall(gevonden)
        if _begin_zin(context_voor) and woorden and self._gewone_woorden_alleen(woorden[0]):
            woorden = woorden[1:]
        if len(woorden) < (2 if patroon == "volle_naam" else 1) or any(
            self._gewone_woorden_alleen(w) or self._is_plaats(w) or w.isupper() for w in woorden
        ):
            return None
        return gevonden[gevonden.index(woorden[0]) :]

    def _werkwoord_na_titel(self, rest: str) -> bool:
        """A lowercase word after a title that is one of the verbs case texts put there
        ("Mevrouw belde", "de juf vertelde"), not a name typed lowercase. A fixed list,
        not a suffix rule: "-de", "-te" and "-t" also end surnames ("mevrouw verhaart")."""
        woorden = _WOORD.findall(rest)
        if len(woorden) != 1:
            return False
        woord = woorden[0].lower()
        if [woord.title()] in self._voornamen or [woord.title()] in self._achternamen:
            return False
        return woord in _WERKWOORDEN_NA_TITEL

    def _is_tussenvoegselnaam(self, gevonden: str, context_voor: str) -> bool:
        """'De Vries', 'Van der Berg': after a capitalised particle, a capitalised word is
        a surname, also at the start of a sentence, where "De" is capitalised anyway (in
        Dutch the word after it then keeps its capital only as a name). Not a name: an
        allowed word or organisation (De Raad, Van Halt), an abbreviation, an adjective of
        origin (De Poolse jongen, Van Turkse komaf), a place that is no common surname
        (De Bilt, Den Haag) or an ordinary word (De Brug). deduce's surname list decides
        first: De Boer and De Vries are also villages. After a title the title's own
        pattern finds the name with its title ("mevrouw De Boer")."""
        if _AANSPREKING.search(context_voor) or re.search(r"(?i)\bde heer\s*$", context_voor):
            return False
        woord = gevonden.split()[-1]
        laag = woord.lower()
        if (
            woord.isupper()
            or laag in self._toegestaan
            or laag in self._frase_begin  # De William Schrikker Jeugdbescherming
            or re.search(r"(?:se|sche)$", laag)
        ):
            return False
        if self._is_plaats(gevonden):  # Ten Boer, Den Haag, De Bilt
            return gevonden.lower() in _ACHTERNAAM_OOK_DORP
        if [woord] in self._achternamen:
            return True
        if self._is_plaats(woord):
            return False
        return not self._gewone_woorden_alleen(woord)

    def _is_schoolnaam(self, gevonden: str) -> bool:
        """A school word with a name: 'basisschool De Regenboog' is one even though
        'regenboog' is an ordinary word; 'school Leerplicht' or 'het lyceum' is none."""
        if re.search(r"\s(?:De|Het|'t|Den)\s", gevonden):
            return True
        naam = re.sub(_SCHOOLWOORD, "", gevonden, flags=re.IGNORECASE)
        naam = re.sub(rf"(?i)\b[\w\-]*school\b|\b(?:{_SCHOOLPREFIX})\b", "", naam)
        return not self._gewone_woorden_alleen(naam)

    def check_text(self, tekst: str) -> list[Bevinding]:
        """Every piece of personal data in `tekst`, in reading order, overlaps merged."""
        if not tekst or not tekst.strip():
            return []
        vrij = self._toegestane_frases_in(tekst)
        gevonden = (
            self._patroon_bevindingen(tekst)
            + self._deduce_bevindingen(tekst)
            + self._kleine_letter_namen(tekst)
        )
        # Where findings overlap, the most specific kind names the place, then the shortest
        # finding; of names the longest, since the message tells the writer what to
        # remove: "Noor van Dijk", not just "Dijk" (which left "Noor van" to be refused
        # on the next try).
        gevonden.sort(
            key=lambda b: (
                _VOORRANG.index(b.soort),
                (b.start - b.eind) if b.soort == "naam" else (b.eind - b.start),
                b.start,
            )
        )
        gekozen: list[Bevinding] = []
        for b in gevonden:
            if any(s <= b.start and b.eind <= e for s, e in vrij):
                continue
            if all(b.eind <= g.start or g.eind <= b.start for g in gekozen):
                gekozen.append(b)
        return sorted(gekozen, key=lambda b: b.start)

    def _toegestane_frases_in(self, tekst: str) -> list[tuple[int, int]]:
        """Spans of allowed multi-word names (organisations named after a person)."""
        laag = tekst.lower()
        spans = []
        for frase in self._frases:
            start = laag.find(frase)
            while start >= 0:
                spans.append((start, start + len(frase)))
                start = laag.find(frase, start + 1)
        return spans

    def _kleine_letter_namen(self, tekst: str) -> list[Bevinding]:
        """In text written without capitals, names lose the capital deduce relies on:
        then look words up in deduce's name lists as if they were capitalised."""
        if any(z[:1].isupper() for z in re.split(r"(?<=[.!?])\s+", tekst.strip())):
            return []
        result = []
        for m in _WOORD.finditer(tekst):
            woord = m.group(0)
            if (
                len(woord) < 3
                or woord in _GEWOON_IN_KLEINE_LETTERS
                or self._gewone_woorden_alleen(woord)
            ):
                continue
            titel = woord.title()
            if [titel] in self._voornamen or [titel] in self._achternamen:
                result.append(Bevinding("naam", woord, m.start(), m.end()))
        return result

    def check_fields(self, velden: Iterable[tuple[str, str]]) -> list[VeldBevindingen]:
        result = []
        for veld, tekst in velden:
            bevindingen = (
                self._check_code(veld, tekst) if _is_codeveld(veld) else self.check_text(tekst)
            )
            if bevindingen:
                result.append(VeldBevindingen(veld, tuple(bevindingen)))
        return result

    def _check_code(self, veld: str, code: str) -> list[Bevinding]:
        """A ref or theme: checked as written (a phone number, BSN or date in it), and
        read as words for the kinds separators hide ("Sanne-de-Vries-2009" as a name,
        "kerkstraat-12" as an address). A ref numbers cases, so a long number in it is
        its numbering, and a place with a number ("Rotterdam-7") is no address."""
        ref = veld == "ref"
        letterlijk = [
            b for b in self.check_text(code) if not (ref and b.soort in ("nummer", "adres"))
        ]
        soorten = ("naam",) if ref else ("naam", "adres")
        als_woorden = [
            b
            for b in self.check_text(_als_woorden(code))
            if b.soort in soorten
            and all(b.eind <= g.start or g.eind <= b.start for g in letterlijk)
        ]
        return sorted(letterlijk + als_woorden, key=lambda b: b.start)

    def check_case(self, data: Any) -> list[VeldBevindingen]:
        """Check every text in a case (a `Casus` or its exchange-format dict)."""
        if hasattr(data, "model_dump"):
            data = data.model_dump(mode="json", exclude_none=True)
        return self.check_fields(tekstvelden(data))


# The day-and-month pattern, to second-guess deduce's dates (it also tags month + year).
_DATUM = next(patroon for soort, patroon in _PATRONEN if soort == "datum")

def _is_codeveld(veld: str) -> bool:
    """Codes people choose, checked also for the words in them (`_check_code`)."""
    return veld == "ref" or veld.startswith("themas[")


# Text fields of the exchange format that are free text written by people.
_VRIJE_TEKST = (
    ("titel",),
    ("regio",),
    ("beschrijving",),
    ("afweging", "toelichting"),
    ("uitkomst", "toelichting"),
    ("lessen",),
)


def tekstvelden(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(veld, tekst) for every free-text field of a case in the exchange format."""
    velden: list[tuple[str, str]] = []
    for pad in _VRIJE_TEKST:
        waarde: Any = data
        for deel in pad:
            waarde = waarde.get(deel) if isinstance(waarde, dict) else None
        if isinstance(waarde, str):
            velden.append((".".join(pad), waarde))
    for i, item in enumerate(data.get("commentaar") or []):
        if isinstance(item, dict) and isinstance(item.get("tekst"), str):
            velden.append((f"commentaar[{i + 1}].tekst", item["tekst"]))
    for i, thema in enumerate(data.get("themas") or []):
        if isinstance(thema, str):
            velden.append((f"themas[{i + 1}]", thema))
    # The ref is shown in addresses, exports, search results and the audit log.
    if isinstance(data.get("ref"), str):
        velden.append(("ref", data["ref"]))
    return velden


def _als_woorden(code: str) -> str:
    """A ref or theme with its separators as spaces, so that the guard reads the words
    in it: "Sanne-de-Vries-2009" as a name, "kerkstraat-12" as an address."""
    return re.sub(r"[-_.]", " ", code)  # one for one: positions stay those of the code


@cache
def get_guard() -> AnonymityGuard:
    """The process-wide guard: deduce's lookup lists are loaded once."""
    return AnonymityGuard()


def eis_anoniem(veld: str, tekst: str, *, behalve: frozenset[str] = frozenset()) -> None:
    """Refuse a free text in which the guard finds personal data (`Persoonsgegevens`).

    For texts that are not a case but are shown to others or exported all the same:
    what a participant or learner writes about a precedent. `behalve` names kinds of
    finding that are no personal data in this field (the date of a session's title)."""
    bevindingen = [b for b in get_guard().check_text(tekst) if b.soort not in behalve]
    if bevindingen:
        raise Persoonsgegevens(
            veld,
            f"Mogelijk persoonsgegevens: {opsomming(bevindingen)}. Schrijf het zonder namen, "
            "datums, adressen, telefoonnummers of andere gegevens die iemand herkenbaar maken.",
        )
