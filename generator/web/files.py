"""Uploaded and generated files: stored under random names in DATA/files, never served directly.

The name a user gave a file is kept in the database for display and downloads only; it never
becomes a path.  Files are written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from generator.atomic import atomic_target


class FileStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def new_name(suffix: str = "") -> str:
        suffix = suffix.lower() if suffix.lower() in (".xlsx", ".xlsm", ".xls", ".json", ".zip", ".docx",
                                                      ".pdf", ".html", ".htm") else ""
        return secrets.token_hex(16) + suffix

    def path(self, stored: str) -> Path:
        if not stored or "/" in stored or "\\" in stored or stored.startswith("."):
            raise ValueError("bad stored name")
        return self.root / stored

    def put_bytes(self, data: bytes, suffix: str = "") -> str:
        name = self.new_name(suffix)
        with atomic_target(self.path(name)) as tmp:
            tmp.write_bytes(data)
        return name

    def put_file(self, source: Path, suffix: str = "") -> str:
        """Move (or copy across file systems) ``source`` in; returns its stored name."""
        name = self.new_name(suffix)
        target = self.path(name)
        try:
            os.replace(source, target)
        except OSError:
            with atomic_target(target) as tmp:
                shutil.copyfile(source, tmp)
        return name

    def delete(self, stored: str) -> None:
        try:
            self.path(stored).unlink()
        except (OSError, ValueError):
            pass
