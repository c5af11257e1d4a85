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
and the vocabulary. Every write path calls `check_case` or `check_text`;
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
}


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
        gevonden = "; ".join(f"{b.label} '{b.tekst}'" for b in self.bevindingen)
        return f"mogelijk persoonsgegevens gevonden: {gevonden}. Anonimiseer deze tekst"


_MAAND = (
    r"(?:jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|jun(?:i)?|jul(?:i)?"
    r"|aug(?:ustus)?|sep(?:t(?:ember)?)?|okt(?:ober)?|oct|nov(?:ember)?|dec(?:ember)?)"
)
_DAG = r"(?:0?[1-9]|[12]\d|3[01])"
_MND = r"(?:0?[1-9]|1[0-2])"
_HOOFD = r"[A-ZÀ-Ý][a-zà-ÿ'’\-]+"
_SCHOOLWOORD = (
    r"(?:College|Lyceum|Gymnasium|Scholengemeenschap|Scholengroep|Academie|Mavo|Atheneum"
    r"|Vakcollege|Montessorischool|Daltonschool|Jenaplanschool|Vrije School|Campus)"
)
_SCHOOLPREFIX = r"(?:OBS|CBS|PCBS|RKBS|KBS|SBO|SBAO|SO|VSO|CSG|OSG|RSG|IKC|ISK|SG|ROC|Roc)"

_PATRONEN: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    ("url", re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)),
    (
        "telefoon",
        re.compile(r"(?<![\w+])(?:\+31|0031|0)[\s\-]?(?:\(0\)[\s\-]?)?\d(?:[\s\-]?\d){8}(?!\d)"),
    ),
    ("postcode", re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b|\b[1-9]\d{3}[a-z]{2}\b")),
    (
        "datum",
        re.compile(
            rf"\b{_DAG}(?:e|ste|de)?\s+{_MAAND}\b\.?"
            rf"|\b{_DAG}[\-/.]{_MND}[\-/.](?:19|20)?\d{{2}}\b"
            rf"|\b(?:19|20)\d{{2}}[\-/.]{_MND}[\-/.]{_DAG}\b"
            rf"|(?<![\d\-/])\b{_DAG}/{_MND}\b(?![\-/]\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "school",
        re.compile(
            rf"\b(?:{_HOOFD}\s+){{1,3}}{_SCHOOLWOORD}(?:\s+{_HOOFD})?"
            rf"|\b{_SCHOOLWOORD}\s+(?:{_HOOFD}|De\s+{_HOOFD})"
            rf"|\b{_SCHOOLPREFIX}\s+(?:(?:De|Het|'t|Den)\s+)?{_HOOFD}(?:\s+{_HOOFD})?"
            rf"|\b(?:[Bb]asisschool|[Kk]indcentrum|[Ss]chool|[Bb]asisschool|[Ss]o-school)"
            rf"\s+(?:(?:De|Het|'t|Den)\s+{_HOOFD}|{_HOOFD})"
        ),
    ),
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
        ),
    ),
    (
        "adres",
        re.compile(
            r"\b[A-Z][a-zà-ÿ\-]*(?:straat|laan|weg|plein|singel|gracht|kade|dijk|pad|hof|dreef"
            r"|steeg|markt|park|plantsoen|ring|baan|allee|boulevard|wal|erf|veld)\s+\d{1,4}"
            r"(?:\s?[a-zA-Z](?!\w)|-\d+)?"
        ),
    ),
    ("cijferreeks", re.compile(r"(?<![\d\-/.,])\d(?:[ .]?\d){5,}(?![\d\-/])")),
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
_WOORD = re.compile(r"[A-Za-zÀ-ÿ'’\-]+")
_AANSPREKING = re.compile(
    r"\b(?:meneer|mevrouw|mw|mr|dhr|mevr|juf|meester|meneertje)\.?\s*$", re.IGNORECASE
)


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
        self._toegestaan = _lees_toegestaan() | _vocabulaire_woorden()

    def _is_plaats(self, tekst: str) -> bool:
        tokens = [t for t in re.split(r"\s+|(-)", tekst.strip()) if t]
        return bool(tokens) and tokens in self._plaatsen

    def _is_gewoon_woord(self, tekst: str, context_voor: str) -> bool:
        """True for deduce hits that are ordinary case words, not names."""
        if _AANSPREKING.search(context_voor):
            return False
        woorden = _WOORD.findall(tekst)
        if not woorden:
            return True
        if self._is_plaats(tekst):
            return True
        return all(
            w.lower() in self._toegestaan
            or (w.lower() in self._gewone_woorden and [w] not in self._voornamen)
            or w.lower() in self._stopwoorden
            for w in woorden
        )

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
            if soort == "naam" and self._is_gewoon_woord(ann.text, tekst[: ann.start_char]):
                continue
            if soort == "adres" and (self._is_plaats(ann.text) or not re.search(r"\d", ann.text)):
                # A place or street name alone is no address; with a number it is.
                continue
            if soort == "datum" and not _PATRONEN_BY_SOORT["datum"].search(ann.text):
                # deduce also tags month + year; only day + month identifies.
                continue
            result.append(Bevinding(soort, ann.text, ann.start_char, ann.end_char))
        return result

    def _patroon_bevindingen(self, tekst: str) -> list[Bevinding]:
        result = []
        for soort, patroon in _PATRONEN:
            for m in patroon.finditer(tekst):
                gevonden = m.group(0).rstrip(" .")
                if soort == "cijferreeks":
                    cijfers = re.sub(r"\D", "", gevonden)
                    soort_hier = "bsn" if elfproef(cijfers) else "nummer"
                    result.append(
                        Bevinding(soort_hier, gevonden, m.start(), m.start() + len(gevonden))
                    )
                    continue
                if (
                    soort == "initialen"
                    and self._is_gewoon_woord(gevonden.split()[-1], "x")
                    and not re.search(r"\b(?:van|de|der|den|te|ter)\s", gevonden)
                ):
                    continue
                if (
                    soort == "school"
                    and self._is_gewoon_woord(gevonden.split()[-1], "x")
                    and (not re.search(_SCHOOLWOORD, gevonden))
                ):
                    continue
                result.append(Bevinding(soort, gevonden, m.start(), m.start() + len(gevonden)))
        return result

    def check_text(self, tekst: str) -> list[Bevinding]:
        """Every piece of personal data in `tekst`, in reading order, overlaps merged."""
        if not tekst or not tekst.strip():
            return []
        gevonden = sorted(
            self._patroon_bevindingen(tekst) + self._deduce_bevindingen(tekst),
            key=lambda b: (b.start, -(b.eind - b.start)),
        )
        result: list[Bevinding] = []
        for b in gevonden:
            if result and b.start < result[-1].eind:
                continue
            result.append(b)
        return result

    def check_fields(self, velden: Iterable[tuple[str, str]]) -> list[VeldBevindingen]:
        result = []
        for veld, tekst in velden:
            bevindingen = self.check_text(tekst)
            if bevindingen:
                result.append(VeldBevindingen(veld, tuple(bevindingen)))
        return result

    def check_case(self, data: Any) -> list[VeldBevindingen]:
        """Check every text in a case (a `Casus` or its exchange-format dict)."""
        if hasattr(data, "model_dump"):
            data = data.model_dump(mode="json", exclude_none=True)
        return self.check_fields(tekstvelden(data))


_PATRONEN_BY_SOORT = dict(_PATRONEN)

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
    return velden


@cache
def get_guard() -> AnonymityGuard:
    """The process-wide guard: deduce's lookup lists are loaded once."""
    return AnonymityGuard()
