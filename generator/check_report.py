"""The check report: the clerk's own workbook with every problem marked in place.

``juesuan-gen --check WORKBOOK --report 检查结果.xlsx`` writes a *copy* of the workbook
(values, formulas as the clerk typed them, layout, merges, formats) in which every cell a
finding names is filled by severity (错误 red, 警告 orange, 提示 grey) and carries a comment
(批注) with the finding's message, and whose first sheet 检查结果 lists every finding
(级别, 规则, 说明, 位置) with a link to its first cell.  The input is only read, never written.

* A ``.xls`` input (the reporting software's export) is copied value by value with its merged
  ranges (its formatting cannot be carried over by openpyxl).
* A JSON input has no cells: the report is the 检查结果 sheet alone, listing model paths.
* A cell named by several findings gets the fill of the most severe and all their messages.
* Text from the input (messages quote it) is stored as text, never as a formula.
* The report is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from pathlib import Path

from generator.atomic import atomic_target
from generator.errors import Finding, InputUnreadable, Severity

REPORT_SHEET = "检查结果"
REPORT_SUFFIX = "-检查结果.xlsx"

#: Fill colour (RGB) of a cell by the severity of the findings that name it.
FILLS = {Severity.ERROR: "FF9C9C", Severity.WARNING: "FFC285", Severity.NOTE: "D9D9D9"}
_COLOUR_WORDS = {Severity.ERROR: "红色", Severity.WARNING: "橙色", Severity.NOTE: "灰色"}
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}
_AUTHOR = "juesuan-gen"
_MAX_TEXT = 32_000  # a cell holds at most 32,767 characters
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?$")


def report_name(source: Path) -> str:
    """The report's file name for ``source`` when reports go to a folder."""
    return f"{source.stem}{REPORT_SUFFIX}"


def split_place(place: str) -> tuple[str, str] | None:
    """``公开05表!C9`` → ``("公开05表", "C9")`` (a range gives its first cell); None when
    ``place`` is not a cell (a model path, a sheet name)."""
    sheet, sep, ref = place.rpartition("!")
    if not sep or not sheet:
        return None
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    m = _CELL_REF.match(ref.strip())
    if not m:
        return None
    return sheet, f"{m.group(1).upper()}{m.group(2)}"


def _safe(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", str(text))
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"


def put_text(cell, text: str) -> None:
    """Store ``text`` as a string, even when it starts with ``=`` (never a formula)."""
    from generator.xlsxsafe import put

    put(cell, _safe(text))


def _copy_xls(path: Path):
    """A new openpyxl workbook holding the values and merged ranges of an ``.xls`` file."""
    import openpyxl
    import xlrd

    try:
        try:
            book = xlrd.open_workbook(str(path), formatting_info=True)
        except NotImplementedError:  # formatting_info is not available for some files
            book = xlrd.open_workbook(str(path))
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds on damaged files
        raise InputUnreadable(f"{path}：无法打开工作簿（{exc}）") from exc
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in book.sheets():
        ws = wb.create_sheet(sh.name[:31])
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_ERROR:
                    value = xlrd.error_text_from_code.get(value, "#N/A")
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                target = ws.cell(row=r + 1, column=c + 1)
                if isinstance(value, str):
                    put_text(target, value)
                else:
                    target.value = value
        for r0, r1, c0, c1 in getattr(sh, "merged_cells", []):
            if r1 - r0 > 1 or c1 - c0 > 1:
                ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1, end_column=c1)
    return wb


def _open_copy(source: Path):
    """The input as an openpyxl workbook to mark (formulas kept as the clerk typed them)."""
    import openpyxl

    if source.suffix.lower() == ".xls":
        return _copy_xls(source)
    try:
        return openpyxl.load_workbook(source, data_only=False, keep_links=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
        raise InputUnreadable(f"{source}：无法打开工作簿（{type(exc).__name__}：{exc}）") from exc


def _anchor(ws, ref: str):
    """The cell at ``ref``; for a cell inside a merged range, the range's top-left cell."""
    cell = ws[ref]
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return ws.cell(row=rng.min_row, column=rng.min_col)
    return cell


def _mark_cells(wb, findings: list[Finding]) -> dict[int, tuple[str, str]]:
    """Fill and comment every cell the findings name; return, per finding (by index), its
    first place that is a cell of the workbook and the internal link to it."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, str], list[Finding]] = {}
    links: dict[int, tuple[str, str]] = {}
    for i, f in enumerate(findings):
        for place in f.cells:
            parsed = split_place(place)
            if parsed is None or parsed[0] not in wb.sheetnames:
                continue
            ws = wb[parsed[0]]
            cell = _anchor(ws, parsed[1])
            key = (ws.title, cell.coordinate)
            if f not in by_cell.setdefault(key, []):
                by_cell[key].append(f)
            links.setdefault(i, (place, "'{}'!{}".format(ws.title.replace("'", "''"), cell.coordinate)))
    for (sheet, coord), found in by_cell.items():
        found.sort(key=lambda f: _RANK[f.severity])
        cell = wb[sheet][coord]
        cell.fill = PatternFill(fill_type="solid", start_color=FILLS[found[0].severity], end_color=FILLS[found[0].severity])
        text = "\n\n".join(f"【{f.severity}】{f.message}" for f in found)
        if cell.comment is not None and cell.comment.text:
            text += f"\n\n（原批注）{cell.comment.text}"
        text = _safe(text)
        lines = sum(len(line) // 24 + 1 for line in text.splitlines()) + 1
        cell.comment = Comment(text, _AUTHOR, height=min(18 * lines + 10, 600), width=360)
    return links


_WIDTHS = (6, 8, 24, 70, 22, 30)  # columns A–F of the 检查结果 sheet, in character widths


def _lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapped column ``width`` characters wide (a Chinese
    character is two widths): row heights are set, as not every program computes them."""
    total = 0
    for line in str(text).split("\n"):
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)
        total += max(1, -(-units // int(width - 3)))
    return total


def _unique_title(wb, title: str) -> str:
    name, n = title, 2
    while name in wb.sheetnames:
        name = f"{title}（{n}）"
        n += 1
    return name


def _summary_sheet(wb, findings: list[Finding], links: dict[int, tuple[str, str]], source: Path, unit: str,
                   status: str, is_json: bool) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = wb.create_sheet(_unique_title(wb, REPORT_SHEET), 0)
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    put_text(ws["A1"], f"检查结果：{source.name}" + (f"（{unit}）" if unit else ""))
    ws["A1"].font = Font(bold=True, size=14)
    put_text(
        ws["A2"],
        f"结果：{status}；" + "，".join(f"{s} {counts[s]} 条" for s in Severity)
        + f"。检查时间：{_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}",
    )
    if is_json:
        put_text(ws["A3"], "输入是 JSON 文件，“位置”列出数据路径（如 t05.rows[3].total）。")
    else:
        put_text(
            ws["A3"],
            "工作簿中有问题的单元格已着色（" + "、".join(f"{s}：{_COLOUR_WORDS[s]}" for s in Severity)
            + "），批注中是说明；点“位置”可跳到该单元格。本文件是副本，请在原工作簿中改正。",
        )
    header = ("序号", "级别", "规则", "说明", "位置", "另涉及")
    top = 5
    for c, text in enumerate(header, start=1):
        cell = ws.cell(row=top, column=c)
        put_text(cell, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, f in enumerate(findings):
        r = top + 1 + i
        ws.cell(row=r, column=1, value=i + 1).alignment = Alignment(vertical="top")
        sev = ws.cell(row=r, column=2)
        put_text(sev, str(f.severity))
        sev.fill = PatternFill(fill_type="solid", start_color=FILLS[f.severity], end_color=FILLS[f.severity])
        sev.alignment = Alignment(vertical="top", horizontal="center")
        put_text(ws.cell(row=r, column=3), f.rule)
        put_text(ws.cell(row=r, column=4), f.message)
        where = ws.cell(row=r, column=5)
        first = links[i][0] if i in links else (f.cells[0] if f.cells else "")
        put_text(where, first)
        others = "、".join(c for c in f.cells if c != first)
        put_text(ws.cell(row=r, column=6), others)
        for c in (3, 4, 5, 6):
            ws.cell(row=r, column=c).alignment = wrap
        ws.row_dimensions[r].height = 15 * max(
            _lines(f.message, _WIDTHS[3]), _lines(f.rule, _WIDTHS[2]), _lines(others, _WIDTHS[5])
        )
        if i in links:
            where.hyperlink = Hyperlink(ref=where.coordinate, location=links[i][1], display=first)
            where.font = Font(color="0563C1", underline="single")
    if not findings:
        put_text(ws.cell(row=top + 1, column=4), "没有发现问题。")
    for col, width in zip("ABCDEF", _WIDTHS, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{top}:{top}"
    if findings:
        ws.auto_filter.ref = f"A{top}:F{top + len(findings)}"


class ReportRefused(ValueError):
    """The reports cannot be written where asked (message in Chinese)."""


def plan_reports(files: list[Path], report: Path, overwrite: bool = False) -> dict[Path, Path]:
    """Input → report file for ``--report``.

    ``report`` ending in ``.xlsx`` names the report of the one input; any other ``report``
    is a folder that gets one ``<输入文件名>-检查结果.xlsx`` per input.  Refused (before any
    check runs): an ``.xlsx`` name for several inputs, a report that would replace an input,
    a report folder that is an input folder (the reports would be read as workbooks next
    time), and an existing report file unless ``overwrite``."""
    report = Path(report)
    inputs = {p.resolve() for p in files}
    if report.suffix.lower() == ".xlsx":
        if len(files) != 1:
            raise ReportRefused(
                f"检查 {len(files)} 个工作簿时，--report 应给出一个文件夹（每个工作簿一份检查结果），"
                f"而不是一个文件：{report}"
            )
        plan = {files[0]: report}
    elif report.suffix:
        raise ReportRefused(f"检查结果文件名应以 .xlsx 结尾：{report}")
    else:
        if report.exists() and not report.is_dir():
            raise ReportRefused(f"--report 给出的文件夹是一个已有文件：{report}")
        if report.is_dir() and any(p.parent.resolve() == report.resolve() for p in files):
            raise ReportRefused(f"检查结果文件夹不能是工作簿所在的文件夹（下次会被当作工作簿读取）：{report}")
        plan = {}
        for p in files:
            target = report / report_name(p)
            if target in plan.values():
                raise ReportRefused(f"两个输入的检查结果文件同名：{target}（请分别检查）")
            plan[p] = target
    for source, target in plan.items():
        if target.resolve() in inputs:
            raise ReportRefused(f"检查结果不能写到输入的工作簿上：{target}")
        if target.exists() and not overwrite:
            raise ReportRefused(f"检查结果文件已存在：{target}。加 --overwrite 覆盖，或换一个文件名")
    return plan


def write_report(source: Path, findings: Iterable[Finding], target: Path, *, unit: str = "",
                 status: str = "", is_json: bool | None = None) -> Path:
    """Write the check report of ``source`` to ``target`` (an .xlsx); returns ``target``.

    ``source`` is only read.  Raises :class:`InputUnreadable` when it cannot be opened as a
    workbook.  The caller decides whether ``target`` may be replaced."""
    import openpyxl

    source, target = Path(source), Path(target)
    findings = sorted(findings, key=lambda f: _RANK[f.severity])  # stable: rule order kept within a level
    if is_json is None:
        from generator.inputs import _is_json

        is_json = _is_json(source)
    if is_json:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        links: dict[int, tuple[str, str]] = {}
    else:
        wb = _open_copy(source)
        links = _mark_cells(wb, findings)
        if wb.calculation is not None:
            wb.calculation.fullCalcOnLoad = True  # formulas saved without cached values: recalculate
    _summary_sheet(wb, findings, links, source, unit, status, is_json)
    with atomic_target(target) as tmp:
        wb.save(tmp)
    return target
