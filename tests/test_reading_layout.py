"""How a pasted table stands: unmerged headers, a paste one column off, another unit's or
year's table.

- A table whose header cells were unmerged, with the label kept only in the first cell (as
  Excel's “取消合并” leaves it) or filled into every cell, reads the same figures (before,
  6 of the 8 tables with merged headers failed).
- A table pasted one column off is reported once for the table, with where to paste, not once
  per cell.
- A unit name in a pasted table's header line (单位：/编制单位：/部门：) that is not the unit of
  单位信息 is an 错误 naming the cell; a year in a pasted title that is not 年度 a 警告.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from generator.errors import InputInvalid, Severity
from generator.inputs import load_input

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
TABLES = [f"公开0{n}表" for n in range(1, 10)]


@pytest.fixture(scope="module")
def originals():
    return {p: load_input(p).disclosure for p in SAMPLES}


def _unmerge(ws, fill: bool) -> int:
    count = 0
    for rng in list(ws.merged_cells.ranges):
        value = ws.cell(rng.min_row, rng.min_col).value
        ws.unmerge_cells(str(rng))
        count += 1
        if fill:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    ws.cell(r, c).value = value
    return count


@pytest.mark.parametrize("fill", [False, True], ids=["label-in-first-cell", "label-in-every-cell"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("table", TABLES)
def test_unmerged_headers_read_the_same_figures(tmp_path, originals, sample, table, fill):
    wb = openpyxl.load_workbook(sample)
    assert _unmerge(wb[table], fill) > 0  # every table of the template has merged header cells
    out = tmp_path / "unmerged.xlsx"
    wb.save(out)
    loaded = load_input(out)
    assert loaded.disclosure == originals[sample]
    assert [f for f in loaded.findings if f.rule.startswith("input.")] == []


def test_every_table_unmerged_at_once(tmp_path, originals):
    sample = SAMPLES[0]
    wb = openpyxl.load_workbook(sample)
    for table in TABLES:
        _unmerge(wb[table], fill=False)
    out = tmp_path / "all-unmerged.xlsx"
    wb.save(out)
    assert load_input(out).disclosure == originals[sample]


# ---------------------------------------------------------------------------- shifted paste

SAMPLE = ROOT / "samples" / "乌鲁木齐市12345政务服务热线中心.xlsx"
BODY_START = {"公开01表": 7, "公开02表": 7, "公开05表": 7, "公开06表": 6}


def _shift(tmp_path: Path, table: str, k: int) -> Path:
    """Move the body of ``table`` (from its 合计 / first row) ``k`` columns right (negative:
    left, the first column lost), as a paste started at the wrong column leaves it."""
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb[table]
    first = BODY_START[table]
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row >= first:
            ws.unmerge_cells(str(rng))
    width = ws.max_column
    for r in range(first, ws.max_row + 1):
        values = [ws.cell(r, c).value for c in range(1, width + 1)]
        for c in range(1, width + 3):
            ws.cell(r, c).value = None
        for i, v in enumerate(values):
            if i + 1 + k >= 1:
                ws.cell(r, i + 1 + k).value = v
    out = tmp_path / f"shifted-{k}.xlsx"
    wb.save(out)
    return out


CASES = [("公开05表", 1), ("公开02表", 1), ("公开06表", 1), ("公开01表", 1), ("公开05表", -1), ("公开06表", -1), ("公开01表", -1)]


@pytest.mark.parametrize(("table", "k"), CASES, ids=[f"{t}{k:+d}" for t, k in CASES])
def test_a_table_pasted_one_column_off_is_one_finding_with_where_to_paste(tmp_path, table, k):
    with pytest.raises(InputInvalid) as info:
        load_input(_shift(tmp_path, table, k))
    errors = [f for f in info.value.findings if f.severity == Severity.ERROR]
    in_table = [f for f in errors if any(c.startswith(f"{table}!") for c in f.cells) or f.message.startswith(table)]
    assert len(in_table) == 1, [str(f) for f in in_table]
    (finding,) = in_table
    assert finding.rule == "input.shifted"
    assert finding.message.startswith(f"{table}：")
    assert f"错位了 1 列" in finding.message
    assert f"请从 A{BODY_START[table]} 单元格开始重新粘贴" in finding.message
    if k > 0:
        assert "金额列中出现文字（如 " in finding.message
    assert finding.cells == (f"{table}!A{BODY_START[table]}",)


def test_text_in_a_few_amount_cells_is_still_reported_cell_by_cell(tmp_path):
    wb = openpyxl.load_workbook(SAMPLE)
    wb["公开05表"]["C8"] = "基本支出"
    wb["公开05表"]["D9"] = "待定"
    out = tmp_path / "two-texts.xlsx"
    wb.save(out)
    with pytest.raises(InputInvalid) as info:
        load_input(out)
    cells = {c for f in info.value.findings for c in f.cells}
    assert {"公开05表!C8", "公开05表!D9"} <= cells
    assert not [f for f in info.value.findings if f.rule == "input.shifted"]


# ---------------------------------------------------------------------------- header lines


def _with(tmp_path: Path, edits: dict[tuple[str, str], str]) -> Path:
    wb = openpyxl.load_workbook(SAMPLE)
    for (sheet, ref), value in edits.items():
        wb[sheet][ref] = value
    out = tmp_path / "header.xlsx"
    wb.save(out)
    return out


@pytest.mark.parametrize(
    "line",
    ["单位：乌鲁木齐市政务服务中心", "编制单位：乌鲁木齐市政务服务中心    金额单位：万元", "部门：乌鲁木齐市政务服务中心"],
)
def test_another_units_name_in_a_table_header_is_an_error_naming_the_cell(tmp_path, line):
    path = _with(tmp_path, {("公开05表", "A3"): line})
    with pytest.raises(InputInvalid) as info:
        load_input(path)
    hits = [f for f in info.value.findings if f.rule == "input.header_unit"]
    assert len(hits) == 1
    assert hits[0].severity == Severity.ERROR and hits[0].cells == ("公开05表!A3",)
    assert "“乌鲁木齐市政务服务中心”" in hits[0].message
    assert "“乌鲁木齐市12345政务服务热线中心”" in hits[0].message


@pytest.mark.parametrize(
    "line",
    [
        "单位：乌鲁木齐市12345政务服务热线中心",
        "编制单位：乌鲁木齐市12345政务服务热线中心　　金额单位：万元",
        "部门：乌鲁木齐市数字化发展局",  # the 主管部门
        "单位：万元",
    ],
)
def test_this_units_header_lines_are_accepted(tmp_path, line):
    loaded = load_input(_with(tmp_path, {("公开05表", "A3"): line}))
    assert not [f for f in loaded.findings if f.rule.startswith("input.header")]


def test_another_year_in_a_pasted_title_is_a_warning(tmp_path):
    path = _with(tmp_path, {("公开02表", "A1"): "2023年度收入决算表"})
    loaded = load_input(path)
    hits = [f for f in loaded.findings if f.rule == "input.header_year"]
    assert len(hits) == 1
    assert hits[0].severity == Severity.WARNING and hits[0].cells == ("公开02表!A1",)
    assert "2023年" in hits[0].message and "2024" in hits[0].message
    same_year = load_input(_with(tmp_path, {("公开02表", "A1"): "2024年度收入决算表"}))
    assert not [f for f in same_year.findings if f.rule == "input.header_year"]
