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
from kb.db import make_engine, migrate, session_scope
from kb.schema import Casus, naar_uitwisseling
from kb.settings import Settings
from kb.store import Filters, count_cases, delete_case, get_case, list_cases, save_cases

if TYPE_CHECKING:
    from search.index import SearchIndex

EXPORT_FORMATEN = ("yaml", "json", "jsonl")


class GeweigerdeCasus(ValueError):
    """A case was refused; `fouten` holds every message, each naming its field."""

    def __init__(self, fouten: list[str]) -> None:
        super().__init__("; ".join(fouten))
        self.fouten = fouten


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

    def get(self, ref: str) -> Casus | None:
        with self.session() as s:
            return get_case(s, ref)

    def all(self, filters: Filters | None = None) -> list[Casus]:
        with self.session() as s:
            return list_cases(s, filters)

    # --- writing -------------------------------------------------------------

    def import_files(
        self, paden: Sequence[Path], *, dry_run: bool = False, voortgang: Voortgang = _stil
    ) -> ImportRapport:
        rapport = import_paths(self.engine, paden, dry_run=dry_run, voortgang=voortgang)
        if rapport.opgeslagen is not None:
            self.index.sync(voortgang=voortgang)
        return rapport

    def save(self, data: dict[str, Any], *, ref: str | None = None) -> Casus:
        """Create or replace one case from exchange-format data (API and web form)."""
        if ref is not None and isinstance(data, dict) and data.get("ref", ref) != ref:
            raise GeweigerdeCasus([f"ref: '{data.get('ref')}' wijkt af van de casus '{ref}'"])
        cases, fouten = check_raw([RuweCasus("invoer", 1, data)])
        if fouten:
            raise GeweigerdeCasus([f.zonder_plaats() for f in fouten])
        with self.session() as s:
            save_cases(s, cases)
        self.index.sync()
        return cases[0]

    def delete(self, ref: str) -> bool:
        with self.session() as s:
            deleted = delete_case(s, ref) is not None
        if deleted:
            self.index.sync()
        return deleted

    def seed_if_empty(self, voortgang: Voortgang = _stil) -> ImportRapport | None:
        """Load the seed corpus into an empty knowledge base; None when it had cases."""
        if self.count() > 0:
            return None
        rapport = self.import_files([self.settings.seeds_dir], voortgang=voortgang)
        if not rapport.ok:
            raise GeweigerdeCasus(rapport.fouten)
        return rapport

    # --- export --------------------------------------------------------------

    def export(self, formaat: str = "yaml", filters: Filters | None = None) -> str:
        return serialise([naar_uitwisseling(c) for c in self.all(filters)], formaat)


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
