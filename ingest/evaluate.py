"""Measure the anonymity guard on a labelled set of passages.

The set (tests/data/anonimiteit.yaml) holds clean case text and text with
personal data, each labelled with the exact words that identify someone.
Recall counts labelled words that a finding overlaps; the false-positive rate
counts clean passages in which anything at all is found (each one would be a
refused import, so that is the figure users feel).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingest.anonymity import AnonymityGuard, get_guard
from kb.settings import PROJECT_ROOT

# The development set (the guard was tuned on it) and two sets written apart from the
# guard's code; see docs/anonimiteit.md for what was measured before and after tuning.
STANDAARD_SET = PROJECT_ROOT / "tests" / "data" / "anonimiteit.yaml"
TOETS_SETS = (
    PROJECT_ROOT / "tests" / "data" / "anonimiteit-toets.yaml",
    PROJECT_ROOT / "tests" / "data" / "anonimiteit-toets2.yaml",
)
STANDAARD_SETS = (STANDAARD_SET, *TOETS_SETS)


@dataclass
class AnonimiteitsMeting:
    woorden: int = 0
    gevonden_woorden: int = 0
    schone_passages: int = 0
    vals_positief: int = 0
    per_soort: dict[str, list[int]] = field(default_factory=dict)  # soort -> [gevonden, totaal]
    gemist: list[tuple[str, str]] = field(default_factory=list)
    onterecht: list[tuple[str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.gevonden_woorden / self.woorden if self.woorden else 1.0

    @property
    def fp_rate(self) -> float:
        return self.vals_positief / self.schone_passages if self.schone_passages else 0.0


def meet(items: list[dict[str, Any]], guard: AnonymityGuard | None = None) -> AnonimiteitsMeting:
    guard = guard or get_guard()
    meting = AnonimiteitsMeting()
    for item in items:
        tekst = item["tekst"]
        bevindingen = guard.check_text(tekst)
        soorten = item.get("persoonsgegevens") or []
        if not soorten:
            meting.schone_passages += 1
            if bevindingen:
                meting.vals_positief += 1
                meting.onterecht.extend((item["id"], b.tekst) for b in bevindingen)
            continue
        for woord in item.get("woorden") or []:
            start = tekst.find(woord)
            eind = start + len(woord)
            geraakt = any(b.start < eind and start < b.eind for b in bevindingen)
            meting.woorden += 1
            meting.gevonden_woorden += geraakt
            if not geraakt:
                meting.gemist.append((item["id"], woord))
        for soort in soorten:
            telling = meting.per_soort.setdefault(soort, [0, 0])
            telling[1] += 1
            telling[0] += bool(bevindingen)
    return meting


def laad(pad: Path = STANDAARD_SET) -> list[dict[str, Any]]:
    return yaml.safe_load(pad.read_text(encoding="utf-8"))


def rapport(meting: AnonimiteitsMeting) -> str:
    regels = [
        f"recall (gelabelde woorden gevonden): {meting.recall:.3f} "
        f"({meting.gevonden_woorden}/{meting.woorden})",
        f"vals-positief (schone passages met een vondst): {meting.fp_rate:.3f} "
        f"({meting.vals_positief}/{meting.schone_passages})",
        "per soort (passages met een vondst / passages):",
    ]
    regels += [f"  {s}: {g}/{t}" for s, (g, t) in sorted(meting.per_soort.items())]
    if meting.gemist:
        regels.append("gemist: " + "; ".join(f"{i}: '{w}'" for i, w in meting.gemist))
    if meting.onterecht:
        regels.append("onterecht: " + "; ".join(f"{i}: '{w}'" for i, w in meting.onterecht))
    return "\n".join(regels)
