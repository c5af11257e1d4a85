"""The search indexes, always derived from the database (the source of truth).

Vectors live in a faiss file in `KB_DATA_DIR/index/`, next to `meta.json`
which records the embedder and dimension that built them and, per case, the
modification stamp that was embedded and a hash of the embedded text (a
comment added to a case changes its stamp, since BM25 reads comments, but not
its vectors: the hash spares re-embedding it). Writes go to new files that are renamed
into place, `meta.json` last: a crash at any moment leaves the previous,
consistent pair. `sync` compares the database with `meta.json` and embeds only
what is new or changed and drops what was deleted; it runs after every write
and whenever the database changed behind this process's back (another
process's import, a crash between commit and index update), so the index
repairs itself. The BM25 index is rebuilt in memory on the first search after a
change, from each case's terms kept between rebuilds (only changed cases are
tokenised again).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kb.models import CasusRij, CommentaarRij
from kb.settings import Settings
from search.embedder import Embedder, get_embedder
from search.lexical import LexicalIndex, Termen
from search.text import (
    LEXICAL_KOLOMMEN,
    MAX_CHUNKS,
    TEKST_VERSIE,
    chunks,
    dense_text,
    join_lexical,
)

log = logging.getLogger(__name__)

Voortgang = Callable[[str, int, int], None]
EMBED_BATCH = 16


def _stil(_stap: str, _gedaan: int, _totaal: int) -> None:
    return None


def _stempel(rij_gewijzigd: Any) -> str:
    return rij_gewijzigd.isoformat() if hasattr(rij_gewijzigd, "isoformat") else str(rij_gewijzigd)


def _tekst_hash(rij: CasusRij) -> str:
    return hashlib.sha256(dense_text(rij).encode("utf-8")).hexdigest()[:16]


def _checksum(stempels: dict[int, str]) -> str:
    h = hashlib.sha256()
    for cid in sorted(stempels):
        h.update(f"{cid}:{stempels[cid]};".encode())
    return h.hexdigest()


def _atomic_write_bytes(pad: Path, data: bytes) -> None:
    tmp = pad.with_name(f".{pad.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, pad)


class SearchIndex:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.map = settings.data_dir / "index"
        self.map.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._embedder: Embedder | None = None
        self._faiss: Any = None
        self._meta: dict[str, Any] = {}
        self._lexical: LexicalIndex | None = None
        self._lexical_token: tuple[Any, ...] | None = None
        self._termen = Termen()
        self._last_check = 0.0
        self.meldingen: list[str] = []

    # --- state ---------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.settings.embedder)
        return self._embedder

    def db_token(self) -> tuple[Any, ...]:
        """A cheap fingerprint of the case table: changes on every insert, edit or delete."""
        with Session(self.engine) as s:
            n, laatst, hoogste = s.exec(
                select(func.count(), func.max(CasusRij.gewijzigd), func.max(CasusRij.id))
            ).one()
        return (int(n), _stempel(laatst), int(hoogste or 0))

    def _db_stempels(self) -> dict[int, str]:
        with Session(self.engine) as s:
            rows = s.exec(select(CasusRij.id, CasusRij.gewijzigd)).all()
        return {int(cid): _stempel(g) for cid, g in rows}

    def _load(self) -> None:
        if self._faiss is not None:
            return
        meta_pad = self.map / "meta.json"
        meta: dict[str, Any] = {}
        if meta_pad.exists():
            try:
                meta = json.loads(meta_pad.read_text(encoding="utf-8"))
                self._faiss = faiss.read_index(str(self.map / meta["bestand"]))
            except (OSError, ValueError, KeyError, RuntimeError) as exc:
                self._melding(f"zoekindex onleesbaar ({exc}); wordt opnieuw opgebouwd")
                meta, self._faiss = {}, None
        if meta and (
            meta.get("embedder") != self.embedder.name or meta.get("dim") != self.embedder.dim
        ):
            self._melding(
                f"zoekindex is gebouwd met {meta.get('embedder')} ({meta.get('dim')} dimensies), "
                f"ingesteld is {self.embedder.name} ({self.embedder.dim}); "
                "de index wordt opnieuw opgebouwd"
            )
            meta, self._faiss = {}, None
        elif meta and meta.get("tekst") != TEKST_VERSIE:
            self._melding(
                f"zoekindex bevat tekst '{meta.get('tekst')}', nu ingesteld is '{TEKST_VERSIE}'; "
                "de index wordt opnieuw opgebouwd"
            )
            meta, self._faiss = {}, None
        if self._faiss is None:
            self._faiss = faiss.IndexIDMap2(faiss.IndexFlatIP(self.embedder.dim))
            meta = {}
        self._meta = meta or {
            "embedder": self.embedder.name,
            "dim": self.embedder.dim,
            "tekst": TEKST_VERSIE,
            "cases": {},
            "chunks": {},
            "hashes": {},
            "generatie": 0,
        }

    def _melding(self, tekst: str) -> None:
        log.warning(tekst)
        self.meldingen.append(tekst)

    def _save(self) -> None:
        generatie = int(self._meta.get("generatie", 0)) + 1
        bestand = f"vectors-{generatie}.faiss"
        _atomic_write_bytes(self.map / bestand, faiss.serialize_index(self._faiss).tobytes())
        oud = self._meta.get("bestand")
        self._meta.update(
            generatie=generatie,
            bestand=bestand,
            embedder=self.embedder.name,
            dim=self.embedder.dim,
            tekst=TEKST_VERSIE,
            aantal=len(self._meta["cases"]),
            checksum=_checksum({int(k): v for k, v in self._meta["cases"].items()}),
            gebouwd=time.strftime("%Y-%m-%dT%H:%M:%S"),
        )
        _atomic_write_bytes(
            self.map / "meta.json", json.dumps(self._meta, indent=1).encode("utf-8")
        )
        if oud and oud != bestand:
            (self.map / oud).unlink(missing_ok=True)

    # --- keeping in step -----------------------------------------------------

    def sync(self, voortgang: Voortgang = _stil, *, force: bool = False) -> dict[str, int]:
        """Bring the vectors in line with the database; returns what changed."""
        with self._lock:
            self._load()
            if force:
                self._faiss.reset()
                self._meta["cases"], self._meta["chunks"], self._meta["hashes"] = {}, {}, {}
                self._termen, self._lexical = Termen(), None
            db = self._db_stempels()
            bekend = {int(k): v for k, v in self._meta["cases"].items()}
            weg = [cid for cid in bekend if cid not in db]
            te_doen = [cid for cid, st in db.items() if bekend.get(cid) != st]
            opnieuw = te_doen
            if weg or te_doen:
                zelfde = self._zelfde_tekst([c for c in te_doen if c in bekend])
                for cid in zelfde:
                    self._meta["cases"][str(cid)] = db[cid]
                opnieuw = [c for c in te_doen if c not in zelfde]
                self._remove(weg + [c for c in opnieuw if c in bekend])
                self._embed(opnieuw, db, voortgang)
                self._save()
            self._last_check = time.monotonic()
            self._meta["token"] = list(self.db_token())
            return {
                "toegevoegd": len(te_doen),
                "geembed": len(opnieuw),
                "verwijderd": len(weg),
                "totaal": len(db),
            }

    def _zelfde_tekst(self, ids: list[int]) -> set[int]:
        """Changed cases whose embedded text is what their vectors were made from."""
        hashes = self._meta.setdefault("hashes", {})
        kandidaten = [cid for cid in ids if str(cid) in hashes]
        zelfde: set[int] = set()
        for start in range(0, len(kandidaten), 500):
            with Session(self.engine) as s:
                for rij in s.exec(
                    select(CasusRij).where(col(CasusRij.id).in_(kandidaten[start : start + 500]))
                ):
                    if hashes[str(rij.id)] == _tekst_hash(rij):
                        zelfde.add(int(rij.id))
        return zelfde

    def _remove(self, ids: Iterable[int]) -> None:
        vector_ids = [
            cid * MAX_CHUNKS + i
            for cid in ids
            for i in range(self._meta["chunks"].get(str(cid), 0))
        ]
        if vector_ids:
            self._faiss.remove_ids(np.asarray(vector_ids, dtype=np.int64))
        for cid in ids:
            self._meta["cases"].pop(str(cid), None)
            self._meta["chunks"].pop(str(cid), None)
            self._meta.setdefault("hashes", {}).pop(str(cid), None)

    def _embed(self, ids: list[int], stempels: dict[int, str], voortgang: Voortgang) -> None:
        ids = sorted(ids)
        for start in range(0, len(ids), EMBED_BATCH * 4):
            deel = ids[start : start + EMBED_BATCH * 4]
            with Session(self.engine) as s:
                rows = s.exec(select(CasusRij).where(col(CasusRij.id).in_(deel))).all()
                teksten: list[str] = []
                vector_ids: list[int] = []
                for rij in rows:
                    stukken = chunks(dense_text(rij))
                    assert rij.id is not None
                    teksten.extend(stukken)
                    vector_ids.extend(rij.id * MAX_CHUNKS + i for i in range(len(stukken)))
                    self._meta["chunks"][str(rij.id)] = len(stukken)
            vectors = self.embedder.embed_passages(teksten)
            self._faiss.add_with_ids(vectors, np.asarray(vector_ids, dtype=np.int64))
            for rij in rows:
                self._meta["cases"][str(rij.id)] = stempels[rij.id]
                self._meta.setdefault("hashes", {})[str(rij.id)] = _tekst_hash(rij)
            voortgang("indexeren", min(start + len(deel), len(ids)), len(ids))

    def ensure_current(self) -> None:
        """Sync when the database changed since we last looked (checked at most once a second)."""
        with self._lock:
            self._load()
            if time.monotonic() - self._last_check < 1.0 and self._meta.get("token"):
                return
            token = list(self.db_token())
            self._last_check = time.monotonic()
            if token != self._meta.get("token") or self._meta.get("checksum") is None:
                self.sync()

    # --- searching -----------------------------------------------------------

    @property
    def aantal(self) -> int:
        return len(self._meta.get("cases", {}))

    def dense_scores(
        self, query: str, toegestaan: set[int] | None = None, k: int = 200
    ) -> dict[int, float]:
        """Cosine similarity per case (its best chunk), for the top `k` chunks."""
        with self._lock:
            self._load()
            if self._faiss.ntotal == 0:
                return {}
            q = self.embedder.embed_query(query).reshape(1, -1)
            params = None
            if toegestaan is not None:
                if not toegestaan:
                    return {}
                sel_ids = [
                    cid * MAX_CHUNKS + i
                    for cid in toegestaan
                    for i in range(self._meta["chunks"].get(str(cid), 0))
                ]
                params = faiss.SearchParameters(
                    sel=faiss.IDSelectorBatch(np.asarray(sel_ids, dtype=np.int64))
                )
            k = min(k, self._faiss.ntotal)
            scores, vids = self._faiss.search(q, k, params=params)
        result: dict[int, float] = {}
        for score, vid in zip(scores[0], vids[0], strict=True):
            if vid < 0:
                continue
            cid = int(vid) // MAX_CHUNKS
            result[cid] = max(result.get(cid, -1.0), float(score))
        return result

    def lexical(self) -> LexicalIndex:
        with self._lock:
            self.ensure_current()
            token = tuple(self._meta.get("token") or ())
            if self._lexical is None or token != self._lexical_token:
                # Only new and changed cases are tokenised again (see `Termen`). The old
                # index goes first: at 100k cases two at once would add about 0.3 GB.
                self._lexical = None
                self._termen.bij(self._db_stempels(), self._lexical_documenten)
                self._lexical = LexicalIndex.uit_termen(self._termen)
                self._lexical_token = token
            return self._lexical

    def _lexical_documenten(self, ids: list[int], batch: int = 2000) -> Iterator[tuple[int, str]]:
        """(id, text) of the given cases, read in batches of plain columns, not whole
        objects; a case deleted meanwhile is simply not there."""
        velden = tuple(getattr(CasusRij, k) for k in LEXICAL_KOLOMMEN)
        for start in range(0, len(ids), batch):
            deel = ids[start : start + batch]
            with Session(self.engine) as s:
                rows = s.exec(select(CasusRij.id, *velden).where(col(CasusRij.id).in_(deel))).all()
                commentaar: dict[int, list[str]] = {}
                for cid, tekst in s.exec(
                    select(CommentaarRij.casus_id, CommentaarRij.tekst).where(
                        col(CommentaarRij.casus_id).in_(deel)
                    )
                ):
                    commentaar.setdefault(cid, []).append(tekst)
            for cid, *teksten in rows:
                yield cid, join_lexical(teksten, commentaar.get(cid, []))
