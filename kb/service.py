"""The knowledge base as one object: database, search index and the writes that keep both in step.

Everything that changes cases goes through here (import, the API's create,
update and delete, seeding), so the search index is brought up to date after
every write, whichever door the write came through.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sqlalchemy.engine import Engine

from ingest.importer import ImportRapport, Voortgang, _stil, check_raw, import_paths
from ingest.loader import RuweCasus
from kb import audit
from kb.db import make_engine, migrate, session_scope
from kb.schema import Casus, naar_uitwisseling
from kb.settings import Settings
from kb.store import (
    Filters,
    count_cases,
    delete_case,
    get_case,
    get_row,
    list_cases,
    save_cases,
)
from kb.toegang import SYSTEEM, Gebruiker, Geweigerd, Recht, mag_verwijderen, mag_wijzigen
from kb.vocabulary import Status

if TYPE_CHECKING:
    from search.index import SearchIndex

EXPORT_FORMATEN = ("yaml", "json", "jsonl")


class GeweigerdeCasus(ValueError):
    """A case was refused; `fouten` holds every message, each naming its field."""

    def __init__(self, fouten: list[str]) -> None:
        super().__init__("; ".join(fouten))
        self.fouten = fouten


def seedbestanden(map: Path) -> list[Path]:
    """The seed corpus's case files: only those at the top, since sub-folders
    (leerpaden/) hold other material."""
    return sorted(p for p in map.iterdir() if p.is_file())


class Casusbank:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = make_engine(self.settings.database_url)
        migrate(self.engine)

    @cached_property
    def index(self) -> SearchIndex:
        from search.index import SearchIndex

        return SearchIndex(self.engine, self.settings)

    def session(self):  # type: ignore[no-untyped-def]
        return session_scope(self.engine)

    # --- reading -------------------------------------------------------------

    def count(self, filters: Filters | None = None) -> int:
        with self.session() as s:
            return count_cases(s, filters)

    def get(self, ref: str, *, app_commentaar: bool = True) -> Casus | None:
        """Any stored case, whoever may see it: callers for a user check `review.mag_inzien`."""
        with self.session() as s:
            return get_case(s, ref, app_commentaar=app_commentaar)

    def all(
        self, filters: Filters | None = None, *, alleen_gepubliceerd: bool = False
    ) -> list[Casus]:
        with self.session() as s:
            return list_cases(s, filters, alleen_gepubliceerd=alleen_gepubliceerd)

    # --- writing -------------------------------------------------------------

    def import_files(
        self,
        paden: Sequence[Path],
        *,
        dry_run: bool = False,
        voortgang: Voortgang = _stil,
        status: str = Status.gepubliceerd,
    ) -> ImportRapport:
        """Import as beheer (the CLI): published at once, or as concepts for review."""
        rapport = import_paths(
            self.engine, paden, dry_run=dry_run, voortgang=voortgang, status=status
        )
        if rapport.opgeslagen is not None:
            self.index.sync(voortgang=voortgang)
        return rapport

    def save(
        self, data: dict[str, Any], *, ref: str | None = None, door: Gebruiker = SYSTEEM
    ) -> Casus:
        """Create or replace one case from exchange-format data (API and web form).

        A user's save is a concept that needs review (kb.review); they may change
        only their own cases, unless they review. `SYSTEEM` (the CLI) publishes.
        """
        if ref is not None and isinstance(data, dict) and data.get("ref", ref) != ref:
            raise GeweigerdeCasus([f"ref: '{data.get('ref')}' wijkt af van de casus '{ref}'"])
        ref = ref or (data.get("ref") if isinstance(data, dict) else None)
        if door is not SYSTEEM:
            door.eis(Recht.schrijven, "casussen schrijven")
            with self.session() as s:
                rij = get_row(s, ref) if isinstance(ref, str) else None
                if rij is not None and not mag_wijzigen(rij, door):
                    raise Geweigerd(
                        f"Casus '{ref}' is van een collega; alleen de auteur en de redactie "
                        "mogen hem wijzigen."
                    )
        cases, fouten = check_raw([RuweCasus("invoer", 1, data)])
        if fouten:
            raise GeweigerdeCasus([f.zonder_plaats() for f in fouten])
        bestaand = self.get(cases[0].ref, app_commentaar=False)
        if bestaand is not None and naar_uitwisseling(bestaand) == naar_uitwisseling(cases[0]):
            # Saved without a change: a published case stays published (and in search).
            return bestaand
        status = Status.gepubliceerd if door is SYSTEEM else Status.concept
        with self.session() as s:
            opgeslagen = save_cases(s, cases, status=status, door_id=door.id)
            actie = "casus_aangemaakt" if opgeslagen.nieuw else "casus_gewijzigd"
            audit.schrijf(s, actie, door, onderwerp=cases[0].ref, details=f"status {status}")
        self.index.sync()
        return cases[0]

    def delete(self, ref: str, *, door: Gebruiker = SYSTEEM) -> bool:
        """Delete a case: the author a case not yet published, the redactie any case."""
        with self.session() as s:
            rij = get_row(s, ref)
            if rij is None:
                return False
            if door is not SYSTEEM and not mag_verwijderen(rij, door):
                raise Geweigerd(
                    "Alleen de redactie verwijdert een gepubliceerde casus, en een concept "
                    "alleen de auteur of de redactie."
                )
            delete_case(s, ref)
            audit.schrijf(s, "casus_verwijderd", door, onderwerp=ref)
        self.index.sync()
        return True

    def seed_if_empty(self, voortgang: Voortgang = _stil) -> ImportRapport | None:
        """Load the seed corpus into an empty knowledge base; None when it had cases."""
        if self.count() > 0:
            return None
        rapport = self.import_files(seedbestanden(self.settings.seeds_dir), voortgang=voortgang)
        if not rapport.ok:
            raise GeweigerdeCasus(rapport.fouten)
        return rapport

    # --- export --------------------------------------------------------------

    def export(
        self,
        formaat: str = "yaml",
        filters: Filters | None = None,
        *,
        door: Gebruiker = SYSTEEM,
        met_concepten: bool = False,
    ) -> str:
        """Published cases in the exchange format (concepts too only when asked, for a backup)."""
        if door is not SYSTEEM:
            door.eis(Recht.beheren, "exporteren")
        if formaat not in EXPORT_FORMATEN:
            raise ValueError(f"onbekend formaat '{formaat}'; kies uit {', '.join(EXPORT_FORMATEN)}")
        cases = self.all(filters, alleen_gepubliceerd=not met_concepten)
        with self.session() as s:
            audit.schrijf(
                s, "export", door,
                details=f"{len(cases)} casussen, {formaat}"
                + (", met concepten" if met_concepten else ""),
            )
        return serialise([naar_uitwisseling(c) for c in cases], formaat)


class _BlokDumper(yaml.SafeDumper):
    """Writes texts with line breaks as YAML block scalars, as people write them."""


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    stijl = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=stijl)


_BlokDumper.add_representer(str, _str_representer)


def serialise(items: list[dict[str, Any]], formaat: str) -> str:
    if formaat == "json":
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if formaat == "jsonl":
        return "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items)
    if formaat == "yaml":
        return yaml.dump(items, Dumper=_BlokDumper, allow_unicode=True, sort_keys=False, width=100)
    raise ValueError(f"onbekend formaat '{formaat}'; kies uit {', '.join(EXPORT_FORMATEN)}")
