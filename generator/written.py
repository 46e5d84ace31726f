"""Which output files this program wrote, so that generating again never replaces one a user changed.

A clerk may open a generated DOCX in Word, correct a paragraph and save it under the same name;
a colleague may have put a file of the same name into the output folder.  Generating again must
not silently replace either.  So every file this program writes into an output folder ``DIR``
gets a small record ``DIR/.juesuan-gen/<sha1 of the file name>.json``: the file's name, the
SHA-256 of the bytes written, their size and the time.  Before a file ``F`` is written:

* ``F`` does not exist → it is written;
* ``F`` exists and its SHA-256 is in its record → it is still what this program wrote: replaced;
* otherwise (no record — a file this program did not write, or one written by a version without
  records — or a different SHA-256 — changed since) → it is kept, and the unit is reported as not
  written, unless the run says ``--overwrite``.

Each record is written by the process that writes the file, right around writing it, and in an
order that survives the process being killed at any point (:func:`put`):

1. the new file is complete under a temporary name;
2. the record lists the new file's SHA-256 and, when the current ``F`` was verified as ours,
   the current ``F``'s SHA-256 too (the record itself is replaced atomically);
3. the new file is renamed to ``F`` (atomic);
4. the record is rewritten with the new SHA-256 only.

Whatever the moment of a kill, ``F`` matches one of the SHA-256 in its record, so a run that
follows accepts it.  The records are in a hidden folder, which no command reads as input (hidden
entries of a folder given as input are skipped).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generator.atomic import TEMP_PREFIX, _umask, atomic_target, run_id

RECORDS = ".juesuan-gen"
"""The hidden folder of records inside an output folder."""

_VERSION = 1

CHANGED = "changed"  # a record exists and the file differs from every SHA-256 in it
FOREIGN = "foreign"  # no record: not written by this program (or by a version without records)


class FileKept(Exception):
    """A file found changed (or foreign) just before it was to be replaced; ``str()`` says so in
    Chinese."""


@dataclass(frozen=True)
class Kept:
    """An existing file that must not be replaced without ``--overwrite``, and why."""

    path: Path
    reason: str  # CHANGED or FOREIGN


def record_path(target: Path) -> Path:
    """Where the record of the output file ``target`` is kept."""
    target = Path(target)
    return target.parent / RECORDS / f"{hashlib.sha1(target.name.encode('utf-8')).hexdigest()}.json"


def digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def recorded(target: Path) -> list[str] | None:
    """The SHA-256 values the record of ``target`` accepts; None when there is no usable record
    (missing, unreadable, or about another name)."""
    try:
        data = json.loads(record_path(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("file") != Path(target).name:
        return None
    hashes = data.get("sha256")
    if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
        return None
    return hashes


def _examine(target: Path) -> tuple[Kept | None, str | None]:
    """Why the existing ``target`` must not be replaced (None when it may be: missing, or still
    exactly what this program wrote), and its SHA-256 when it exists and is ours."""
    if not os.path.lexists(target):
        return None, None
    hashes = recorded(target)
    if hashes is None:
        return Kept(target, FOREIGN), None
    try:
        current = digest(target) if target.is_file() else None
    except OSError:
        current = None
    return (None, current) if current in hashes else (Kept(target, CHANGED), None)


def check(target: Path) -> Kept | None:
    """Why the existing ``target`` must not be replaced, or None when it may be (missing, or
    still exactly what this program wrote)."""
    return _examine(Path(target))[0]


def kept_files(targets: Iterable[Path]) -> list[Kept]:
    """The targets that exist and must not be replaced without ``--overwrite``."""
    return [k for t in targets if (k := check(t)) is not None]


def refusal(targets: Iterable[Path]) -> str | None:
    """The Chinese message for a unit some of whose files must be kept (checked before any of
    its files is written); None when all may be written."""
    kept = kept_files(targets)
    return message(kept, "该单位的文件都未写出") if kept else None


def message(kept: list[Kept], consequence: str = "") -> str:
    """Which files are kept and why, and what to do about it."""
    changed = "、".join(str(k.path) for k in kept if k.reason == CHANGED)
    foreign = "、".join(str(k.path) for k in kept if k.reason == FOREIGN)
    parts = []
    if changed:
        parts.append(f"{changed} 在上次生成后被修改过")
    if foreign:
        parts.append(f"{foreign} 不是本程序生成的（或由不记录生成文件的旧版本生成）")
    also = f"，{consequence}" if consequence else ""
    return "，".join(parts) + f"，未替换{also}；确认可以替换请加 --overwrite，或用 -o 换一个输出目录"


def _write_record(target: Path, hashes: list[str], size: int) -> None:
    record = {
        "version": _VERSION,
        "file": target.name,
        "sha256": hashes,
        "size": size,
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with atomic_target(record_path(target)) as tmp:
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def put(staged: Path, target: Path, overwrite: bool = False) -> None:
    """Move the complete new file ``staged`` (in the same folder) to ``target`` and record it,
    in the order that survives a kill at any point (see the module's description).

    Raises :class:`FileKept` when ``target`` is found changed or foreign now and ``overwrite``
    is not given (it was checked before rendering, but may have changed meanwhile)."""
    staged, target = Path(staged), Path(target)
    new = digest(staged)
    size = staged.stat().st_size
    kept, current = _examine(target)
    if kept is not None and not overwrite:
        raise FileKept(message([kept]))
    old = [current] if current is not None and current != new else []
    _write_record(target, [new, *old], size)
    os.chmod(staged, 0o666 & ~_umask())
    os.replace(staged, target)
    if old:
        _write_record(target, [new], size)


def new_staging(target: Path) -> Path:
    """A fresh hidden temporary name beside ``target`` to write its new content under; the file
    is not created here, so a run killed before writing it leaves nothing behind (one left after
    writing is removed by :func:`generator.atomic.remove_stale_temporaries`)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f"{TEMP_PREFIX}{run_id()}-{secrets.token_hex(6)}{target.suffix[:8]}.tmp")


@contextlib.contextmanager
def replacing(target: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write ``target``'s new content into; when the block ends
    normally, :func:`put` moves it into place.  The temporary file never outlives the block."""
    staged = new_staging(target)
    try:
        yield staged
        put(staged, target, overwrite)
    finally:
        with contextlib.suppress(OSError):
            staged.unlink()


def write_bytes(target: Path, data: bytes, overwrite: bool = False) -> None:
    """Write ``data`` as ``target`` (temporary file, record, rename)."""
    with replacing(target, overwrite) as staged:
        staged.write_bytes(data)
