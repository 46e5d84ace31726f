"""A quick look at an input's unit name and year, without reading the whole workbook.

A batch names every output file before rendering (so that two workbooks of the same unit
get distinct names, the same ones on every run); reading each workbook fully for that costs
about as much as a tenth of its rendering.  This reads only the 单位信息 sheet, in openpyxl's
read-only mode.  When the sheet or the labels are not where the standard workbook puts them,
it answers None and the caller reads the input fully.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.model import DocumentKind
from generator.workbook import spec


def peek_unit(path: Path) -> tuple[str, int] | None:
    """``(单位名称, 年度)`` of a standard workbook or JSON input, or None when not found quickly."""
    found = peek_unit_document(path)
    return None if found is None else found[:2]


def peek_unit_document(path: Path) -> tuple[str, int, str] | None:
    """``(单位名称, 年度, 决算类别)`` (类别 ``单位`` when the input does not say), or None."""
    found = peek_unit_fields(path, ("name", "year", "document"))
    if found is None:
        return None
    return _checked(found.get("name"), found.get("year"), found.get("document"))


def peek_unit_fields(path: Path, fields: tuple[str, ...]) -> dict[str, object] | None:
    """The values of some fields of the model's Unit (``name``, ``supervisor``, ``style``…) as the
    input states them, read quickly: from a JSON input's ``unit``, or from the standard workbook's
    单位信息 sheet (the cell after each field's label).  A field not found is left out; None when
    the input is not a standard workbook or JSON that can be read quickly (the full reader will
    say what it is)."""
    suffix = path.suffix.lower()
    if not path.is_file():  # missing, a folder, a FIFO or a device: the full reader says what it is
        return None
    try:
        if suffix == ".json":
            unit = json.loads(path.read_text(encoding="utf-8"))["unit"]
            return {f: unit[f] for f in fields if unit.get(f) not in (None, "")}
        if suffix in (".xlsx", ".xlsm"):
            return _peek_xlsx(path, fields)
    except Exception:  # noqa: BLE001 - any trouble: the full reader will say what it is
        return None
    return None


def _peek_xlsx(path: Path, fields: tuple[str, ...]) -> dict[str, object] | None:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        if spec.SHEET_UNIT not in book.sheetnames:
            return None
        wanted = {spec.norm(spec.title_of(("unit", field))): field for field in fields}
        found: dict[str, object] = {}
        for row in book[spec.SHEET_UNIT].iter_rows(values_only=True):
            for i, value in enumerate(row):
                key = wanted.get(spec.norm(value)) if isinstance(value, str) else None
                if key and key not in found:
                    found[key] = next((v for v in row[i + 1 :] if v not in (None, "")), None)
            if len(found) == len(wanted):
                break
        return {k: v for k, v in found.items() if v is not None}
    finally:
        book.close()


def _checked(name: object, year: object, document: object = None) -> tuple[str, int, str] | None:
    if not isinstance(name, str) or not name.strip():
        return None
    kinds = {k.value for k in DocumentKind}
    kind = document.strip() if isinstance(document, str) and document.strip() in kinds else DocumentKind.UNIT.value
    try:
        year_number = int(str(year).strip())
    except ValueError:
        return None
    return name.strip(), year_number, kind
