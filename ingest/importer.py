"""Import: validate every case, check anonymity, then store all or nothing.

One invocation is one transaction. All files are read and every case is checked
before anything is written; a single bad case anywhere means nothing is stored
and every error is listed, so the user fixes the file in one go.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from ingest.anonymity import get_guard
from ingest.loader import BestandFout, RuweCasus, expand_paths, read_file
from kb import audit
from kb.db import session_scope
from kb.schema import Casus, valideer
from kb.store import Opgeslagen, save_cases
from kb.toegang import SYSTEEM, Gebruiker
from kb.vocabulary import Status

Voortgang = Callable[[str, int, int], None]


def _stil(_stap: str, _gedaan: int, _totaal: int) -> None:
    return None


@dataclass
class ImportRapport:
    gelezen: int = 0
    fouten: list[str] = field(default_factory=list)
    opgeslagen: Opgeslagen | None = None
    cases: list[Casus] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.fouten


@dataclass(frozen=True)
class Fout:
    """One error in one case: where (file and case), which field, what is wrong."""

    plaats: str
    veld: str
    melding: str

    def __str__(self) -> str:
        return ": ".join(deel for deel in (self.plaats, self.veld, self.melding) if deel)

    def zonder_plaats(self) -> str:
        """For a single case typed in a form or sent to the API: the field says enough."""
        return f"{self.veld}: {self.melding}" if self.veld else self.melding


def check_raw(
    ruwe: Sequence[RuweCasus], voortgang: Voortgang = _stil
) -> tuple[list[Casus], list[Fout]]:
    """Validate and anonymity-check raw cases; returns the good ones and all errors."""
    guard = get_guard()
    cases: list[Casus] = []
    fouten: list[Fout] = []
    eerste_plaats: dict[str, str] = {}
    for nr, ruw in enumerate(ruwe, start=1):
        casus, velden = valideer(ruw.data)
        fouten.extend(Fout(ruw.plaats(), veld, melding) for veld, melding in velden)
        # A text over its length is refused anyway; checking megabytes for names would
        # only hold up the import (and, in the app, everyone waiting on the guard).
        te_lang = any(melding.startswith("te lang") for _, melding in velden)
        if isinstance(ruw.data, dict) and not te_lang:
            fouten.extend(
                Fout(ruw.plaats(), v.veld, v.melding()) for v in guard.check_case(ruw.data)
            )
        # As stored: validation strips spaces, so "SP-1" and "SP-1 " are one ref.
        ref = casus.ref if casus is not None else (ruw.ref or "").strip()
        if ref:
            if ref in eerste_plaats:
                fouten.append(
                    Fout(
                        ruw.plaats(),
                        "",
                        f"ref komt al voor in {eerste_plaats[ref]}; "
                        "een ref mag in één import maar één keer voorkomen",
                    )
                )
            else:
                eerste_plaats[ref] = ruw.plaats()
        if casus is not None:
            cases.append(casus)
        voortgang("controleren", nr, len(ruwe))
    return cases, fouten


def import_paths(
    engine: Engine,
    paden: Sequence[Path],
    *,
    dry_run: bool = False,
    voortgang: Voortgang = _stil,
    status: str = Status.gepubliceerd,
    door: Gebruiker = SYSTEEM,
) -> ImportRapport:
    """Read, check and store; `status` is what every stored case gets (publish or concept)."""
    rapport = ImportRapport()
    ruwe: list[RuweCasus] = []
    bestanden: list[str] = []
    for pad in expand_paths(list(paden)):
        bestanden.append(pad.name)
        try:
            ruwe.extend(read_file(pad))
        except BestandFout as exc:
            rapport.fouten.append(str(exc))
    rapport.gelezen = len(ruwe)
    if not ruwe and not rapport.fouten:
        waar = (
            f" in {', '.join(bestanden)}"
            if bestanden
            else ": geen .yaml-, .yml-, .json- of .jsonl-bestanden"
        )
        rapport.fouten.append(f"geen casussen gevonden{waar}")
    cases, fouten = check_raw(ruwe, voortgang)
    rapport.fouten.extend(str(f) for f in fouten)
    rapport.cases = cases
    if rapport.fouten or dry_run:
        return rapport
    with session_scope(engine) as session:
        rapport.opgeslagen = save_cases(session, cases, status=status, door_id=door.id)
        audit.schrijf(
            session, "import", door,
            details=f"{len(rapport.opgeslagen.nieuw)} nieuw, "
            f"{len(rapport.opgeslagen.bijgewerkt)} bijgewerkt, "
            f"{len(rapport.opgeslagen.ongewijzigd)} ongewijzigd, status {status}",
        )
        voortgang("opslaan", len(cases), len(cases))
    return rapport
