"""The bureau's overview of a batch run: ``汇总.xlsx`` with one row per unit and a total row."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from generator.atomic import atomic_target
from generator.pipeline import UnitResult

FIGURES = ("收入总计", "支出总计", "财政拨款收入", "一般公共预算财政拨款支出", "“三公”经费决算")
SUMMARY_NAME = "汇总.xlsx"


def summary_rows(results: list[UnitResult], first_messages: int = 3) -> list[list[object]]:
    """Rows of the summary (without header), one per unit, in input order."""
    rows: list[list[object]] = []
    for r in results:
        problems = [f.message for f in (r.errors or r.warnings)][:first_messages]
        if r.message:
            problems.insert(0, r.message)
        rows.append(
            [
                r.source.name,
                r.unit_name,
                r.year or "",
                r.status,
                len(r.errors),
                len(r.warnings),
                "\n".join(problems),
                "\n".join(str(p) for p in r.outputs),
                *[r.key_figures.get(name) for name in FIGURES],
            ]
        )
    return rows


def write_summary(results: list[UnitResult], path: Path) -> Path:
    """Write the summary workbook atomically; returns its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    header = ["文件", "单位", "年度", "状态", "错误数", "警告数", "主要问题", "输出文件",
              *[f"{n}（万元）" for n in FIGURES]]
    ws.append(header)
    for row in summary_rows(results):
        ws.append(row)
    n = len(results)
    total_row = ["合计", f"{n} 个单位", "", f"成功 {sum(1 for r in results if r.exit_code == 0)} 个",
                 sum(len(r.errors) for r in results), sum(len(r.warnings) for r in results), "", ""]
    for name in FIGURES:
        values = [r.key_figures.get(name) for r in results if r.key_figures.get(name) is not None]
        total_row.append(sum(values, Decimal(0)) if values else None)
    ws.append(total_row)

    thin = Side(style="thin", color="999999")
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in ws.iter_rows(min_row=1, max_row=n + 2):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row > 1:
                cell.alignment = Alignment(vertical="top", wrap_text=cell.column in (7, 8))
            if cell.column >= 9 and cell.row > 1:
                cell.number_format = "#,##0.00"
    for cell in ws[n + 2]:
        cell.font = bold
    widths = [28, 30, 7, 14, 7, 7, 60, 50, *[16] * len(FIGURES)]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = w
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(header)).column_letter}{n + 1}"

    with atomic_target(path) as tmp:
        wb.save(tmp)
    return path
