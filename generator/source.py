"""Where each value of a model came from: sheet cells for a workbook, JSON paths for JSON.

A model path is the tuple pydantic uses for error locations, e.g. ``("t05", "rows", 3,
"total")``.  The reader records, for every value it reads, the cell it read it from; checks
and validation errors use :meth:`SourceMap.cell` to name that cell in their messages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

Path = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r'^[^.\[\]"\s]+$')


def json_path(path: Path) -> str:
    """``("t05", "rows", 3, "total")`` → ``t05.rows[3].total``; a key that is empty or holds
    a dot, a bracket, a quote or a space is written in brackets (``unit[""]``, ``unit["a.b"]``)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += ("." if out else "") + part
        else:
            out += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return out


@dataclass
class SourceMap:
    """Model path → place in the input (``公开05表!C9``)."""

    origin: str = ""  # the input file, for messages
    places: dict[Path, str] = field(default_factory=dict)
    is_json: bool = False

    def record(self, path: Path, place: str) -> None:
        self.places[tuple(path)] = place

    def cell(self, path: Path) -> str:
        """Where ``path`` came from; the nearest recorded ancestor, or the JSON path."""
        path = tuple(path)
        probe = path
        while probe:
            if probe in self.places:
                return self.places[probe]
            probe = probe[:-1]
        return json_path(path)

    def cells(self, *paths: Path) -> tuple[str, ...]:
        seen: list[str] = []
        for p in paths:
            c = self.cell(p)
            if c and c not in seen:
                seen.append(c)
        return tuple(seen)
