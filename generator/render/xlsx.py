"""XLSX renderer: the nine 公开表 of one :class:`generator.document.Document` as a workbook.

What a unit attaches to its portal page besides the text: one sheet per table (公开01表 …
公开09表), in the official layout — 表号, title, 单位/金额单位 line, the multi-level headers
merged as published, 栏次, the rows with their 合计, the 注 — taken from the same Document
as the DOCX, PDF and HTML, so every figure is the one printed there.

Amounts are numbers (``Decimal``, written exactly) with the 万元 number format
``#,##0.00``; percentages are numbers with ``0.00%``; a blank amount stays blank, as in the
published table.  Text from the workbook is always written as text (a cell starting with
``=`` never becomes a formula).  Print set-up: A4, landscape where the PDF is landscape,
header rows repeated on every page, fitted to the page width.

The project's reader (:func:`generator.workbook.reader.read_workbook`) reads these sheets
back to the same nine tables.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from generator.atomic import atomic_target
from generator.document import Document, Table
from generator.render.layout import Grid, clean_text, is_amount, table_grid

__all__ = ["AMOUNT_FORMAT", "PERCENT_FORMAT", "PUBLIC_TABLES", "XlsxRenderer", "build_workbook"]

#: Number format of amounts in 万元, and of percentages.
AMOUNT_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"

#: Keys of the nine 公开表 in a Document (the 绩效自评表 are not published as a spreadsheet).
PUBLIC_TABLES = tuple(f"t{i:02d}" for i in range(1, 10))

_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_TABLE_NOTE_ROWS = 2  # a note's merged row is tall enough for about two lines


def _number(text: str) -> Decimal | None:
    """The number a displayed amount or percentage stands for (exact), or None."""
    t = text.strip()
    if not is_amount(t):
        return None
    t = t.replace(",", "").replace("−", "-")
    if t.endswith("%"):
        return Decimal(t[:-1]) / 100
    return Decimal(t)


def _sheet_title(table: Table, used: set[str]) -> str:
    base = _SHEET_UNSAFE.sub("_", table.code or table.title or table.key)[:31] or table.key
    name, n = base, 2
    while name in used:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


class _Styles:
    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(name="宋体", size=16, bold=True)
        self.code = Font(name="宋体", size=10)
        self.text = Font(name="宋体", size=10)
        self.bold = Font(name="宋体", size=10, bold=True)
        self.header_fill = PatternFill("solid", fgColor="F2F2F2")
        self.Alignment = Alignment

    def align(self, horizontal: str, wrap: bool = True):
        return self.Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)


def _put_text(cell, text: str) -> None:
    """Text as text: never a formula, whatever it starts with."""
    from generator.xlsxsafe import put

    put(cell, clean_text(text))


def _write_grid(ws, grid: Grid, top: int, styles: _Styles, header: bool) -> int:
    """Write the rows of ``grid`` from row ``top``; returns the next free row."""
    from generator.render.layout import cell_align

    for r, slots in enumerate(grid.rows):
        row = top + r
        for slot in slots:
            col = slot.col + 1
            if slot.continued:
                # the covered cells of a merge: borders only
                for c in range(col, col + slot.colspan):
                    ws.cell(row, c).border = styles.border
                continue
            cell = ws.cell(row, col)
            text = slot.cell.text
            value = None if header else _number(text)
            if value is not None:
                cell.value = value
                cell.number_format = PERCENT_FORMAT if text.strip().endswith("%") else AMOUNT_FORMAT
            elif text:
                _put_text(cell, text)
            align = cell_align(slot.cell, header)
            cell.alignment = styles.align(align if value is None else "right")
            cell.font = styles.bold if (slot.cell.bold or header) else styles.text
            if header:
                cell.fill = styles.header_fill
            for rr in range(row, row + slot.rowspan):
                for c in range(col, col + slot.colspan):
                    ws.cell(rr, c).border = styles.border
            if slot.colspan > 1 or slot.rowspan > 1:
                ws.merge_cells(
                    start_row=row, start_column=col, end_row=row + slot.rowspan - 1, end_column=col + slot.colspan - 1
                )
    return top + len(grid.rows)


def _write_table(ws, table: Table, styles: _Styles) -> None:
    from openpyxl.utils import get_column_letter

    ncols = max(table.columns, 2)
    row = 1

    def merged_line(text: str, font, horizontal: str, height: float | None = None) -> None:
        nonlocal row
        cell = ws.cell(row, 1)
        _put_text(cell, text)
        cell.font = font
        cell.alignment = styles.align(horizontal)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        if height:
            ws.row_dimensions[row].height = height
        row += 1

    if table.code:
        merged_line(table.code, styles.code, "left")
    merged_line(table.title, styles.title, "center", 30)
    if table.subtitle:
        merged_line(table.subtitle, styles.text, "center")
    # 单位 on the left, 金额单位 on the right (the last columns)
    split = max(1, ncols - 2)
    if table.unit_name:
        cell = ws.cell(row, 1)
        _put_text(cell, f"{table.unit_label}：{table.unit_name}")
        cell.font = styles.text
        cell.alignment = styles.align("left", wrap=False)
        if split > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=split)
    if table.money_unit:
        cell = ws.cell(row, split + 1)
        _put_text(cell, table.money_unit)
        cell.font = styles.text
        cell.alignment = styles.align("right", wrap=False)
        if ncols > split + 1:
            ws.merge_cells(start_row=row, start_column=split + 1, end_row=row, end_column=ncols)
    row += 1

    header = table_grid(table.header, table.columns, where=f"“{table.code}”")
    body = table_grid(table.body, table.columns, where=f"“{table.code}”")
    header_top = row
    row = _write_grid(ws, header, row, styles, header=True)
    header_bottom = row - 1
    row = _write_grid(ws, body, row, styles, header=False)
    for text in (table.empty_note, table.note):
        if text:
            merged_line(text, styles.text, "left", 15 * _TABLE_NOTE_ROWS)

    # column widths from the table's relative widths (a CJK character is about 2 units)
    total = sum(table.widths) or 1.0
    span = 150 if table.landscape else 100
    for i, w in enumerate(table.widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = max(8.0, round(w / total * span, 1))

    # print set-up
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if table.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    if header.rows:
        ws.print_title_rows = f"{header_top}:{header_bottom}"
        ws.freeze_panes = ws.cell(header_bottom + 1, 1)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def build_workbook(doc: Document):
    """The openpyxl workbook of the nine 公开表 of ``doc`` (in the document's order)."""
    from openpyxl import Workbook

    tables = [t for t in doc.tables() if t.key in PUBLIC_TABLES]
    wb = Workbook()
    wb.remove(wb.active)
    styles = _Styles()
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_title(table, used))
        _write_table(ws, table, styles)
    if doc.mark:  # a draft says so on every sheet, in the header of every printed page
        for ws in wb.worksheets:
            ws.oddHeader.center.text = doc.mark
            ws.sheet_properties.tabColor = "C00000"
    wb.properties.title = f"{doc.title}（公开表）"
    wb.properties.creator = doc.author
    wb.properties.language = doc.language
    wb.properties.keywords = "决算公开"
    return wb


class XlsxRenderer:
    """The ``xlsx`` output format (:mod:`generator.render.registry`)."""

    def __init__(self, settings=None):
        self.settings = settings

    def write(self, doc: Document, path: Path) -> list[str]:
        wb = build_workbook(doc)
        if not wb.worksheets:
            from generator.errors import RenderError

            raise RenderError("文档中没有公开表，无法写出公开表工作簿")
        with atomic_target(Path(path)) as tmp:
            wb.save(tmp)
        return []
