"""The bureau's overview of a batch run: ``汇总.xlsx`` with one row per workbook and a total row.

The sheet explains itself: clear column titles with units, the problems written out in each
row, a total row that counts every unit once (a second workbook of the same unit and year is
marked and left out of the totals), a second sheet "说明" that says what each column and
status means.  It prints on A4 landscape, one page wide, with the header row on every page.
Every text (unit and file names, messages) is stored as text, never as a formula
(:mod:`generator.xlsxsafe`).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from generator.atomic import atomic_target
from generator.pipeline import Status, UnitResult
from generator.xlsxsafe import append

FIGURES = ("收入总计", "支出总计", "财政拨款收入", "一般公共预算财政拨款支出", "“三公”经费决算")
SUMMARY_NAME = "汇总.xlsx"
HEADER = ["文件", "单位", "年度", "状态", "错误（条）", "警告（条）", "主要问题", "输出文件",
          *[f"{n}（万元）" for n in FIGURES], "计入合计"]
WIDTHS = [14, 18, 6, 10, 6, 6, 40, 24, *[11] * len(FIGURES), 8]
TEXT_COLUMNS = (1, 2, 7, 8)  # wrapped


def counted(result: UnitResult) -> bool:
    """False for the second (third …) workbook of a unit and year already in the run."""
    return result.duplicate_of is None


def _problems(r: UnitResult, first: int) -> str:
    lines: list[str] = []
    if r.duplicate_of is not None:
        lines.append(f"与 {r.duplicate_of.name} 是同一单位同一年度的工作簿，请核对以哪个为准（不计入合计）")
    if r.message:
        lines.append(r.message)
    lines += r.notices
    listed = r.errors or r.warnings
    lines += [f"{f.severity}：{f.message}" for f in listed[:first]]
    if len(listed) > first:
        lines.append(f"另有 {len(listed) - first} 条，用 juesuan-gen --check {r.source.name} 查看全部")
    return "\n".join(lines)


def summary_rows(results: list[UnitResult], first_messages: int = 3) -> list[list[object]]:
    """Rows of the summary (without header), one per workbook, in input order."""
    rows: list[list[object]] = []
    for r in results:
        rows.append(
            [
                r.source.name,
                r.unit_name,
                r.year or "",
                r.status,
                len(r.errors),
                len(r.warnings),
                _problems(r, first_messages),
                "\n".join(p.name for p in r.outputs),
                *[r.key_figures.get(name) for name in FIGURES],
                "是" if counted(r) else "否（重复）",
            ]
        )
    return rows


def total_row(results: list[UnitResult]) -> list[object]:
    """The 合计 row: every unit once (duplicates left out), how many succeeded and failed."""
    units = [r for r in results if counted(r)]
    ok = sum(1 for r in results if r.exit_code == 0)
    duplicates = len(results) - len(units)
    note = f"另有 {duplicates} 个重复的工作簿未计入合计" if duplicates else ""
    row: list[object] = [
        "合计", f"{len(units)} 个单位", "", f"成功 {ok} 个，未成功 {len(results) - ok} 个",
        sum(len(r.errors) for r in units), sum(len(r.warnings) for r in units), note, "",
    ]
    for name in FIGURES:
        values = [v for r in units if (v := r.key_figures.get(name)) is not None]
        row.append(sum(values, Decimal(0)) if values else None)
    row.append(f"{len(units)} 个")
    return row


EXPLANATION = [
    ("这是什么", "批量生成决算公开说明的汇总：每个工作簿一行，最后一行是合计。"),
    ("文件", "输入的工作簿或 JSON 文件名。"),
    ("单位、年度", "工作簿“单位信息”中的单位名称和年度（文件无法读取时为空）。"),
    ("状态", f"{Status.OK}、{Status.WARNINGS}：已生成文件；{Status.CHECKS_FAILED}：勾稽检查有错误，未生成"
     f"（或按 --force 生成了草稿）；{Status.UNREADABLE}：文件损坏或不是工作簿；{Status.RENDER_FAILED}：生成文件时失败"
     f"（原因见“主要问题”）；{Status.INTERNAL_ERROR}：本程序的缺陷，请报告维护人员；{Status.SKIPPED}：续跑时已有输出；"
     f"{Status.KEPT}：输出文件夹中的同名文件在上次生成后被修改过（或不是本程序生成的），未替换，该单位未生成（确认可以替换时加 --overwrite）。"),
    ("错误（条）、警告（条）", "勾稽检查发现的错误和警告条数；错误必须改正，警告请核对。"),
    ("主要问题", "未成功的原因和前几条问题；全部问题用 juesuan-gen --check 工作簿 查看。"),
    ("输出文件", "写到本汇总表所在文件夹中的文件。"),
    ("金额", "各单位公开表中的主要数字，单位万元。"),
    ("计入合计", "同一单位同一年度有两个工作簿时，第二个标为“否（重复）”，合计中只计第一个。"),
]


def _lines(text: object, column_width: float) -> int:
    """How many lines ``text`` takes in a wrapped column (a CJK character is two units wide)."""
    from generator.clikit import width

    if not isinstance(text, str) or not text:
        return 1
    return sum(max(1, -(-width(line) // max(1, int(column_width) - 1))) for line in text.split("\n"))


def _fit_rows(ws, first: int, last: int) -> None:
    """Row heights for the wrapped text (spreadsheet programs do not always compute them)."""
    for r in range(first, last + 1):
        lines = max(_lines(ws.cell(r, c).value, WIDTHS[c - 1]) for c in (*TEXT_COLUMNS, 4))
        ws.row_dimensions[r].height = 14 * min(lines, 30) + 2


def _print_setup(ws, landscape: bool) -> None:
    """A4, one page wide, the header row on every page, page numbers."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_summary(results: list[UnitResult], path: Path) -> Path:
    """Write the summary workbook atomically; returns its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    append(ws, HEADER)
    for row in summary_rows(results):
        append(ws, row)
    append(ws, total_row(results))
    last = ws.max_row

    thin = Side(style="thin", color="999999")
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row_cells in ws.iter_rows(min_row=1, max_row=last):
        for cell in row_cells:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row > 1:
                cell.alignment = Alignment(vertical="top", wrap_text=cell.column in TEXT_COLUMNS)
            if 9 <= cell.column < 9 + len(FIGURES) and cell.row > 1:
                cell.number_format = "#,##0.00"
    for cell in ws[last]:
        cell.font = bold
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = w
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(HEADER)).column_letter}{last - 1}"

    ws.row_dimensions[1].height = 46
    _fit_rows(ws, 2, last)
    _print_setup(ws, landscape=True)
    ws.oddHeader.center.text = "决算公开说明批量生成汇总"

    notes = wb.create_sheet("说明")
    append(notes, ["项目", "说明"])
    for item in EXPLANATION:
        append(notes, list(item))
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 80
    _print_setup(notes, landscape=False)
    for row_cells in notes.iter_rows(min_row=1, max_row=notes.max_row):
        for cell in row_cells:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        notes.row_dimensions[row_cells[0].row].height = 14 * _lines(row_cells[1].value, 80) + 4
    for cell in notes[1]:
        cell.font = bold

    with atomic_target(path) as tmp:
        wb.save(tmp)
    return path
