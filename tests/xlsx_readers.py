"""Both .xlsx readers on the same workbook: the fast one must give what openpyxl gives.

:func:`compare_readers` makes every .xlsx opened in this process be read by openpyxl and by
:mod:`generator.workbook.fastxlsx`; each disagreement is recorded (the conftest fixture fails
the test that caused it).  The fast reader may decline a workbook (openpyxl reads it then),
never read it differently, and never accept one that openpyxl refuses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.errors import InputUnreadable
from generator.workbook import grid


def grids(book: grid.Book) -> list[tuple[Any, ...]]:
    """Everything the reader sees of a book, types included (``1 == 1.0 == True``)."""
    return [
        (s.name, list(s.cells.items()), [type(v).__name__ for v in s.cells.values()], s.merged,
         sorted(s.formulas), s.max_row, s.max_col)
        for s in book.sheets
    ]


def first_difference(a: grid.Book, b: grid.Book) -> str:
    ga, gb = grids(a), grids(b)
    if len(ga) != len(gb):
        return f"sheets {[s[0] for s in ga]} ≠ {[s[0] for s in gb]}"
    for sa, sb in zip(ga, gb):
        for what, x, y in zip(("name", "cells", "types", "merged", "formulas", "max_row", "max_col"), sa, sb):
            if x != y:
                if isinstance(x, list) and isinstance(y, list):
                    diff = next(((i, p, q) for i, (p, q) in enumerate(zip(x, y)) if p != q), (len(x), len(x), len(y)))
                    return f"{sa[0]}: {what} differ at {diff}"
                return f"{sa[0]}: {what} {x!r} ≠ {y!r}"
    return ""


def compare_readers(monkeypatch: Any) -> list[str]:
    """Patch the .xlsx opener so that both readers read every workbook; returns the list the
    disagreements are appended to."""
    original = grid._open_xlsx
    found: list[str] = []

    def both(path: Path, data: bytes, engine: str = "auto") -> grid.Book:
        if engine != "auto":
            return original(path, data, engine)
        reference: grid.Book | None = None
        refused: InputUnreadable | None = None
        try:
            reference = original(path, data, "openpyxl")
        except InputUnreadable as exc:
            refused = exc
        try:
            fast: grid.Book | None = original(path, data, "fast")
        except InputUnreadable as exc:  # the package checks both readers share
            if refused is None or str(exc) != str(refused):
                found.append(f"{path}: {exc} ≠ {refused}")
            raise
        except Exception:  # noqa: BLE001 - declined: openpyxl's reading stands
            fast = None
        if refused is not None:
            if fast is not None:
                found.append(f"{path}: openpyxl refuses it ({refused}), the fast reader reads it")
            raise refused
        assert reference is not None
        if fast is None:
            return reference
        difference = first_difference(reference, fast)
        if difference:
            found.append(f"{path}: {difference}")
        return fast

    monkeypatch.setattr(grid, "_open_xlsx", both)
    return found
