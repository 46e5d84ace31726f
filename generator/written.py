"""Which files of an output folder this program wrote, and whether they are unchanged since.

A clerk may open a generated DOCX in Word, add a paragraph and save it under the same name.
Generating the unit again must not silently replace that work.  So each output folder keeps a
small hidden list (``.juesuan-gen.json``) of the files this program wrote there, with a digest
(SHA-256) of each file's bytes as written.  Before a file is written again:

* a file that is not there, or that is still byte for byte what this program wrote, is replaced
  (re-running a batch into the same folder just works);
* a file that differs from what was written — changed in Word, or made by someone else, or
  written before this list existed — is left as it is and the unit is reported, unless the run
  says ``--overwrite``.

Only the process that runs the batch writes the list (after each unit, in order), so worker
processes never race on it; the list itself is replaced atomically.  The list is hidden and is
never read as an input (hidden files in a folder are skipped).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

MANIFEST = ".juesuan-gen.json"
_VERSION = 1


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _load(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", {}) if isinstance(data, dict) else {}
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError):
        return {}


def changed_since_written(targets: Iterable[Path]) -> list[Path]:
    """The targets that exist and are not (any longer) exactly what this program wrote."""
    out: list[Path] = []
    known: dict[Path, dict[str, str]] = {}
    for target in targets:
        if not target.is_file():
            continue
        folder = target.parent
        if folder not in known:
            known[folder] = _load(folder)
        try:
            same = known[folder].get(target.name) == _digest(target)
        except OSError:
            same = False
        if not same:
            out.append(target)
    return out


def refusal(targets: Iterable[Path]) -> str | None:
    """The Chinese message for a unit whose files would replace changed ones; None when none would."""
    changed = changed_since_written(targets)
    if not changed:
        return None
    names = "、".join(f"“{p.name}”" for p in changed)
    return (
        f"{names} 已存在，且与本工具上次写出的不同（可能在 Word 中修改过，或不是本工具生成的），未改动。"
        "要用新生成的文件替换，请加 --overwrite；或用 -o 另选输出文件夹"
    )


def record(paths: Iterable[Path]) -> None:
    """Note the files just written (their current bytes) in their folders' lists.  A list that
    cannot be written is no reason to fail a unit whose files are complete: the next run then
    asks before replacing them."""
    from generator.atomic import atomic_target

    by_folder: dict[Path, list[Path]] = {}
    for p in paths:
        by_folder.setdefault(Path(p).parent, []).append(Path(p))
    for folder, files in by_folder.items():
        with contextlib.suppress(OSError):
            known = _load(folder)
            for p in files:
                if p.is_file():
                    known[p.name] = _digest(p)
            known = {name: d for name, d in known.items() if (folder / name).is_file()}
            text = json.dumps({"version": _VERSION, "files": dict(sorted(known.items()))}, ensure_ascii=False, indent=1)
            with atomic_target(folder / MANIFEST) as tmp:
                tmp.write_text(text + "\n", encoding="utf-8")
