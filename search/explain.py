"""Why a precedent matches: shared and differing factors, and a marked snippet.

In the CATO tradition a precedent is compared on factors that push towards or
away from a decision. The explanation lists the factors the new case shares
with the precedent and those only the precedent has, each with its direction
from the vocabulary, so an officer sees at a glance which way the facts pushed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from kb.vocabulary import FACTOR_BY_CODE, FACTOREN, RICHTING_LABELS
from search.lexical import WOORD, stammen_van_woord, tokens

_ZIN = re.compile(r"(?<=[.!?])\s+")
# A negation shortly before a phrase: "niet" and "nooit" reach two words ("niet erg
# angstig"), "geen", "zonder" and "noch" a noun phrase and the ones listed after it
# ("geen signalen van somberheid of angst"). Not the whole clause: in "komt niet naar
# school door angst" the angst is there. A listed word is never a conjunction itself, so
# a run of "en en en" can be read one way only (otherwise the pattern backtracks
# exponentially: one search of a hundred characters held the server for half a minute).
_LIJSTWOORD = r"(?:(?!(?:of|en|noch)\s)\w+\s+)"
_ONTKENNING = re.compile(
    rf"(?:\b(?:niet|nooit)\s+(?:\w+\s+){{0,2}}"
    rf"|\b(?:geen|zonder|noch)\s+{_LIJSTWOORD}{{0,3}}"
    rf"(?:(?:of|en|noch)\s+{_LIJSTWOORD}{{0,2}})*)$"
)
# Only the words near a phrase can negate it (and the patterns stay cheap on long text).
_BEREIK = 120
# A denial after the phrase, closing its clause: "angst is er niet", "somberheid speelt
# geen rol", "psychische klachten zijn niet aan de orde".
_ONTKENNING_NA = re.compile(
    r"^[^.;:!?,]*?\b(?:is|zijn|was|waren|speelt|spelen|speelde|speelden)\s+(?:er\s+)?"
    r"(?:niet|geen)(?:\s+(?:rol|sprake|aan de orde|aanwezig|bekend|gezien|van toepassing))?"
    r"\s*(?:[.;:!?,]|$)"
)


def herken_factoren(query: str) -> list[str]:
    """Factors an officer's sentence names, from the signal phrases in the vocabulary.

    A denied phrase does not count: after a negation ("geen angst", "geen signalen van
    somberheid of angst") or denied at the end of its clause ("angst is er niet").
    """
    tekst = " " + " ".join(query.lower().split()) + " "
    gevonden = []
    for factor in FACTOREN:
        for signaal in factor.signalen:
            for treffer in _patroon(signaal).finditer(tekst):
                start = treffer.start()
                eind = tekst.find(" ", treffer.end())
                na = tekst[eind : eind + _BEREIK] if eind >= 0 else ""
                voor = tekst[max(0, start - _BEREIK) : start]
                if not _ONTKENNING.search(voor) and not _ONTKENNING_NA.search(na):
                    gevonden.append(factor.code)
                    break
            if gevonden and gevonden[-1] == factor.code:
                break
    return [c for c in gevonden if _GAAT_VOOR.get(c) not in gevonden]


# A factor that the other excludes, when both are read from one text: "vorig jaar ook
# (op vakantie)" is luxe verzuim again, though "vakantie" alone reads as a first time.
_GAAT_VOOR = {"luxe_eerste_keer": "luxe_herhaald"}


@cache
def _patroon(signaal: str) -> re.Pattern[str]:
    """A signal phrase from the start of a word; with a trailing space, to its end too."""
    eind = r"(?!\w)" if signaal.endswith(" ") else ""
    return re.compile(r"(?<!\w)" + re.escape(signaal.strip()) + eind)


def factor_info(code: str) -> dict[str, str]:
    f = FACTOR_BY_CODE[code]
    return {
        "code": code,
        "label": f.label,
        "richting": f.richting.value,
        "richting_label": RICHTING_LABELS[f.richting.value],
        "groep": f.groep,
    }


def vergelijk_factoren(
    vraag: Iterable[str], precedent: Iterable[str]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(gedeeld, alleen in precedent), each in vocabulary order."""
    vraag_set, prec_set = set(vraag), set(precedent)
    volgorde = [f.code for f in FACTOREN]
    gedeeld = [factor_info(c) for c in volgorde if c in vraag_set and c in prec_set]
    alleen = [factor_info(c) for c in volgorde if c in prec_set and c not in vraag_set]
    return gedeeld, alleen


def snippet(query: str, teksten: Sequence[str], max_tekens: int = 280) -> str:
    """The passage that best matches the query, HTML-escaped, matched words in <mark>.

    A single letter is no match worth marking: the "s" of "collega's" marked every
    "'s" in the snippet. A single digit is (an age)."""
    q_stems = {t for t in tokens(query) if len(t) > 1 or t.isdigit()}
    zinnen = [z.strip() for t in teksten for z in _ZIN.split(t) if z.strip()]
    if not zinnen:
        return ""
    beste = max(range(len(zinnen)), key=lambda i: (len(_raak(zinnen[i], q_stems)), -i))
    gekozen = zinnen[beste]
    if len(gekozen) < max_tekens // 2 and beste + 1 < len(zinnen):
        gekozen = f"{gekozen} {zinnen[beste + 1]}"
    if len(gekozen) > max_tekens:
        gekozen = gekozen[:max_tekens].rsplit(" ", 1)[0] + " …"
    return _markeer(gekozen, q_stems)


def _raak(zin: str, q_stems: set[str]) -> set[str]:
    """The query stems a sentence contains."""
    return {s for w in WOORD.findall(zin) for s in stammen_van_woord(w) if s in q_stems}


def _markeer(tekst: str, q_stems: set[str]) -> str:
    delen: list[str] = []
    positie = 0
    for m in WOORD.finditer(tekst):
        delen.append(html.escape(tekst[positie : m.start()]))
        woord = m.group(0)
        if q_stems.intersection(stammen_van_woord(woord)):
            delen.append(f"<mark>{html.escape(woord)}</mark>")
        else:
            delen.append(html.escape(woord))
        positie = m.end()
    delen.append(html.escape(tekst[positie:]))
    return "".join(delen)


def plain(snippet_html: str, open_: str = "[", sluit: str = "]") -> str:
    """A snippet for a terminal: marks as brackets, entities decoded."""
    return html.unescape(snippet_html.replace("<mark>", open_).replace("</mark>", sluit))


def samenvatting(resultaten: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Decisions among the similar cases and what followed each decision."""
    from kb.vocabulary import LABELS

    n = len(resultaten)
    per_besluit: dict[str, dict[str, Any]] = {}
    for r in resultaten:
        b = per_besluit.setdefault(
            r["besluit"], {"aantal": 0, "verzuim_na": {}, "refs": [], "commentaar_oneens": 0}
        )
        b["aantal"] += 1
        b["refs"].append(r["ref"])
        na = (r.get("uitkomst") or {}).get("verzuim_na") or "onbekend"
        b["verzuim_na"][na] = b["verzuim_na"].get(na, 0) + 1
        b["commentaar_oneens"] += sum(
            1 for c in r.get("commentaar", []) if c["oordeel"] == "oneens"
        )
    zinnen = []
    for besluit in ("pv", "halt", "geen_pv", "aangehouden"):
        b = per_besluit.get(besluit)
        if not b:
            continue
        label = LABELS["besluit"][besluit].lower()
        zin = f"in {b['aantal']} van de {n} vergelijkbare casussen {_lidwoord(label)}"
        bekend = b["aantal"] - b["verzuim_na"].get("onbekend", 0)
        if bekend:
            gestopt = b["verzuim_na"].get("gestopt", 0)
            minder = b["verzuim_na"].get("verminderd", 0)
            # Out of the cases whose outcome is known: an unknown one neither stopped nor
            # went on, and counting it would make every decision look less effective.
            van = f"{bekend}" if bekend == b["aantal"] else f"{bekend} met bekende afloop"
            zin += f"; daarna stopte het verzuim in {gestopt} van de {van}" + (
                f" en verminderde het in {minder}" if minder else ""
            )
        zinnen.append(zin)
    tekst = ("In de top " + str(n) + ": " + "; ".join(zinnen) + ".") if zinnen else ""
    per_partij = _commentaar_per_partij(resultaten)
    if per_partij:
        tekst += (
            " Ketencommentaar: "
            + "; ".join(
                f"{LABELS['partij'].get(partij, partij)} "
                + ", ".join(f"{aantal}× {oordeel}" for oordeel, aantal in oordelen.items())
                for partij, oordelen in per_partij.items()
            )
            + "."
        )
    return {"aantal": n, "per_besluit": per_besluit, "commentaar": per_partij, "tekst": tekst}


def _commentaar_per_partij(resultaten: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """How the chain partners judged the similar cases: partij -> oordeel -> count."""
    telling: dict[str, dict[str, int]] = {}
    for r in resultaten:
        for c in r.get("commentaar", []):
            oordelen = telling.setdefault(c["partij"], {})
            oordelen[c["oordeel"]] = oordelen.get(c["oordeel"], 0) + 1
    return {
        partij: {
            o: telling[partij][o] for o in ("eens", "oneens", "aanvullend") if o in telling[partij]
        }
        for partij in sorted(telling)
    }


def _lidwoord(label: str) -> str:
    return {
        "pv": "een pv",
        "halt": "Halt",
        "geen pv": "geen pv",
        "aangehouden": "besluit aangehouden",
    }[label]
