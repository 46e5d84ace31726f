"""Write a file under a temporary name and rename it when complete.

A run that is interrupted (Ctrl-C, a killed worker) never leaves a partial file under the
final name: the temporary file is hidden (``.juesuan-<run id>-….tmp``) and removed on failure.
The finished file gets ordinary permissions (0666 less the umask), not the 0600 of a temp file.

Each run has its own id (:func:`run_id`, shared with the worker processes it starts), and its
temporary files carry it: two runs writing into one folder never touch each other's files.
:func:`remove_stale_temporaries` removes only temporary files old enough (a day) that no run
can still be writing them.  A temporary name does not contain the output's name, so it is
never longer than the file system allows, however long the final name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

RUN_ID_ENV = "JUESUAN_GEN_RUN_ID"
TEMP_PREFIX = ".juesuan-"
STALE_AFTER = 24 * 3600  # seconds


def run_id() -> str:
    """This run's id; worker processes inherit it through the environment."""
    current = os.environ.get(RUN_ID_ENV)
    if not current:
        current = f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"
        os.environ[RUN_ID_ENV] = current
    return current


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{run_id()}-", suffix=f"{path.suffix[:8]}.tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def is_temporary(p: Path) -> bool:
    """A temporary file of this program (or of one of its earlier versions)."""
    return p.name.startswith(".") and p.name.endswith(".tmp")


def remove_stale_temporaries(folder: Path, older_than: float = STALE_AFTER) -> int:
    """Delete temporary files left in ``folder`` by runs that ended long ago (their last change
    is more than ``older_than`` seconds ago); returns how many.  A run still writing is never
    disturbed: its files are recent."""
    removed = 0
    now = time.time()
    if folder.is_dir():
        for p in folder.iterdir():
            with contextlib.suppress(OSError):
                if is_temporary(p) and p.is_file() and now - p.stat().st_mtime > older_than:
                    p.unlink()
                    removed += 1
    return removed
