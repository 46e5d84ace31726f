"""The standard workbook: the blank or filled template writer and the tolerant reader.

``write_template`` writes the workbook a clerk fills (or one filled from a Disclosure);
``read_workbook`` reads a filled workbook (.xlsx or .xls, including tables pasted from the
reporting software) into raw model data, a SourceMap of cells and reading findings.  The
spreadsheet libraries (openpyxl, xlrd) are imported only inside this package, and only
when one of these functions is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.model import Disclosure
    from generator.workbook.reader import WorkbookData

__all__ = ["read_workbook", "write_template"]


def write_template(
    out: Path,
    data: Disclosure | None = None,
    year: int | None = None,
    hints: dict | None = None,
    *,
    prefill: bool = False,
    guide_extra: list[tuple[str, list[str]]] | None = None,
) -> None:
    """Write the standard workbook to ``out``: blank when ``data`` is None (amounts 万元);
    ``hints``: model path → text shown as that cell's comment (批注); ``prefill``: next year's
    workbook from carried data (see writer.write_template)."""
    from generator.workbook.writer import write_template as _write

    _write(out, data, year, hints, prefill=prefill, guide_extra=guide_extra)


def read_workbook(path: Path) -> WorkbookData:
    """Read a workbook into raw model data + SourceMap + findings (see reader.read_workbook)."""
    from generator.workbook.reader import read_workbook as _read

    return _read(path)
