"""User text in a spreadsheet stays text: the one way every workbook this program writes stores it.

openpyxl stores any string that starts with ``=`` as a formula, so a unit name or a file name
such as ``=cmd|' /C calc'!A0`` or ``=HYPERLINK("http://…")`` would become a live formula (a DDE
payload or a link) in 汇总.xlsx, the standard workbook or a check report.  :func:`put` writes
a value so that text is always a string cell: never a formula, whatever it starts with
(``=``, ``+``, ``-``, ``@``, a tab …); such text also gets Excel's "quote prefix", so that
editing the cell in Excel or WPS keeps it text.  A formula the program itself writes is
marked as such with :class:`Formula`.

Characters a workbook cannot hold (control characters) are replaced by U+FFFD and text beyond a
cell's 32,767 characters is cut with a visible mark, so writing never fails on odd text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# What spreadsheet programs read as the start of a formula or a command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CELL_LIMIT = 32_767
_CUT = "…（以下已截断）"


class Formula(str):
    """A formula the program writes on purpose (``=SUM(A1:A2)``), as opposed to user text."""


def clean_text(text: str) -> str:
    """``text`` as a workbook can hold it: no control characters, at most 32,767 characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - len(_CUT)] + _CUT
    return text


def put(cell: Cell, value: Any) -> None:
    """Write ``value`` into ``cell``; a string is stored as text, never as a formula."""
    if isinstance(value, Formula):
        cell.value = str(value)
        return
    if not isinstance(value, str):
        cell.value = value
        return
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl made '=…' a formula: it is text
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # Excel/WPS keep it text when the cell is edited


def append(ws: Worksheet, values: Iterable[Any]) -> int:
    """Append a row (like ``ws.append``) with every value written by :func:`put`; its number."""
    row = ws.max_row + 1 if (ws.max_row > 1 or any(c.value is not None for c in ws[1])) else 1
    for col, value in enumerate(values, start=1):
        put(ws.cell(row=row, column=col), value)
    return row

