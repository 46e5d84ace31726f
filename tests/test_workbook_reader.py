"""The tolerant reader: tables pasted the way the reporting software and other generators
lay them out still read into the same model.

Each case takes the filled standard workbook of the test unit, replaces its nine table
sheets with export-style tables (tests/test_workbook_support.py: Exporter) and checks that
the model read back equals the unit: shifted tables, renamed sheets, all tables in one sheet,
科目编码 split in 类/款/项 columns or written ``201 03 50`` / ``201.03.50``, indented names,
blank zeros, numbers stored as text, amounts in 元, a real .xls, formulas with and without a
cached value.  All amounts in 万元 unless a case says 元.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_workbook_support import Exporter, model_diff, replace_tables, xlsx_to_xls

from generator.errors import InputInvalid
from generator.inputs import load_input
from generator.model import Disclosure
from generator.workbook import read_workbook, write_template


def _read_equal(path: Path, unit: Disclosure):
    loaded = load_input(path)
    assert model_diff(unit, loaded.disclosure) == []
    assert loaded.disclosure == unit
    return loaded


@pytest.mark.parametrize("code_style", ["joined", "split", "spaced", "dotted"])
def test_export_style_tables_with_any_code_format(filled, unit, tmp_path, code_style):
    out = tmp_path / "export.xlsx"
    replace_tables(filled, out, Exporter(unit, code_style=code_style))
    loaded = _read_equal(out, unit)
    assert loaded.findings == []


def test_tables_shifted_down_and_right_on_renamed_sheets(filled, unit, tmp_path):
    out = tmp_path / "shifted.xlsx"
    replace_tables(filled, out, Exporter(unit), row0=5, col0=4, sheet_name="导出{n}")
    loaded = _read_equal(out, unit)
    # cells are recorded where the values really stand (公开05表 is the fifth sheet)
    place = loaded.sources.cell(("t05", "rows", 0, "total"))
    sheet, cell = place.split("!")
    assert sheet == "导出5"
    col, row = re.match(r"([A-Z]+)(\d+)", cell).groups()
    assert col == "F" and int(row) >= 11  # shifted by 3 columns and 4 rows


def test_all_tables_in_one_sheet(filled, unit, tmp_path):
    out = tmp_path / "one.xlsx"
    replace_tables(filled, out, Exporter(unit, code_style="split"), one_sheet=True, row0=3, col0=2)
    loaded = _read_equal(out, unit)
    assert loaded.sources.cell(("t09", "actual", "total")).startswith("决算报表!")


def test_blank_cells_mean_zero(filled, unit, tmp_path):
    out = tmp_path / "blank_zero.xlsx"
    replace_tables(filled, out, Exporter(unit, blank_zero=True))
    wb = openpyxl.load_workbook(out)
    ws = wb["Sheet5"]  # 公开05表: 项目支出 of 2080505 is zero and written blank
    assert any(c.value is None for row in ws.iter_rows(min_row=7, max_row=12) for c in row)
    _read_equal(out, unit)


def test_numbers_stored_as_text(filled, unit, tmp_path):
    out = tmp_path / "text.xlsx"
    replace_tables(filled, out, Exporter(unit, as_text=True, code_style="spaced"))
    ws = openpyxl.load_workbook(out)["Sheet1"]
    assert any(isinstance(c.value, str) and c.value.endswith(".00") for row in ws.iter_rows() for c in row)
    _read_equal(out, unit)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1,234.56", "1234.56"),
        (" 415.84 ", "415.84"),
        ("1，234.5", "1234.5"),
        ("—", "0"),
        ("", "0"),
    ],
)
def test_amount_text_forms(filled, tmp_path, text, expected):
    out = tmp_path / "forms.xlsx"
    _set_cell(filled, out, "公开01表", "C14", text)  # 其他收入
    data = read_workbook(out)
    assert data.findings == []
    assert Decimal(data.raw["t01"].get("other_income", 0)) == Decimal(expected)


def test_tables_in_yuan_convert_exactly(filled, unit, tmp_path):
    out = tmp_path / "yuan.xlsx"
    replace_tables(filled, out, Exporter(unit, unit="元", code_style="dotted"))
    _read_equal(out, unit)


def test_yuan_conversion_keeps_every_digit(filled, unit, tmp_path):
    out = tmp_path / "yuan2.xlsx"
    odd = unit.model_copy(
        update={
            "t09": unit.t09.model_copy(
                update={"budget": unit.t09.budget.model_copy(update={"reception": Decimal("0.1234567")})}
            )
        }
    )
    replace_tables(filled, out, Exporter(odd, unit="元"))
    back = load_input(out).disclosure
    assert back.t09.budget.reception == Decimal("0.1234567")  # 1,234.567 元 ÷ 10000, not rounded


def test_workbook_declared_in_yuan(filled, unit, tmp_path):
    """金额单位 元 in 单位信息: every amount cell of the workbook is in 元."""
    wb = openpyxl.load_workbook(filled)
    ws = wb["单位信息"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "金额单位":
                ws.cell(row=cell.row, column=cell.column + 1).value = "元"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if (
                    cell.number_format == "#,##0.00"
                    and isinstance(cell.value, (int, float, Decimal))
                    and cell.data_type != "f"
                ):
                    cell.value = Decimal(str(cell.value)) * 10000
    out = tmp_path / "yuan_book.xlsx"
    wb.save(out)
    _read_equal(out, unit)


def test_export_style_xls(filled, unit, tmp_path):
    """The reporting software exports .xls: read with xlrd, merges and split codes included."""
    xlsx = tmp_path / "export.xlsx"
    replace_tables(filled, xlsx, Exporter(unit, code_style="split", blank_zero=True))
    xls = tmp_path / "export.xls"
    xlsx_to_xls(xlsx, xls)
    loaded = _read_equal(xls, unit)
    assert loaded.sources.cell(("t02", "totals", "total")).startswith("Sheet2!")


def test_source_map_names_every_table_cell(filled, unit):
    data = read_workbook(filled)
    src = data.sources
    assert src.cell(("t01", "gpb_income")) == "公开01表!C7"
    assert src.cell(("t05", "rows", 0, "total")) == "公开05表!C8"
    assert src.cell(("t05", "totals", "total")) == "公开05表!C7"
    assert src.cell(("t09", "actual", "car_operation")).startswith("公开09表!J")
    assert src.cell(("comparisons", "gpb_items", 0, "prior")).startswith("对比与原因!C")
    assert src.cell(("performance", "projects", 1, "indicators", 0, "score")).startswith("绩效指标!H")


def _set_cell(path: Path, out: Path, sheet: str, ref: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][ref] = value
    wb.save(out)


def test_formula_without_cached_value_is_an_error(filled, tmp_path):
    out = tmp_path / "formula.xlsx"
    _set_cell(filled, out, "公开01表", "C7", "=1+1")
    with pytest.raises(InputInvalid) as info:
        load_input(out)
    messages = [f.message for f in info.value.findings]
    assert any(
        m.startswith("公开01表!C7：公式没有计算结果") and "Excel 或 WPS" in m and "保存" in m
        for m in messages
    )
    assert ("公开01表!C7",) in [f.cells for f in info.value.findings]


def test_formula_with_cached_value_is_read(filled, unit, tmp_path):
    """A formula saved by Excel carries its value: that value is read."""
    out = tmp_path / "formula.xlsx"
    _set_cell(filled, out, "公开01表", "C7", f"={unit.t01.gpb_income}+0")
    cached = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(cached, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and b"<f>" in data:
                data = re.sub(
                    rb"(<c r=\"C7\"[^>]*>)<f>([^<]*)</f><v\s*/?>(?:</v>)?",
                    lambda m: (
                        m.group(1)
                        + b"<f>"
                        + m.group(2)
                        + b"</f><v>"
                        + str(unit.t01.gpb_income).encode()
                        + b"</v>"
                    ),
                    data,
                )
            dst.writestr(item, data)
    data = read_workbook(cached)
    assert data.findings == []
    assert data.raw["t01"]["gpb_income"] == unit.t01.gpb_income


def test_indicator_rows_keyed_by_project_number(filled, unit, tmp_path):
    wb = openpyxl.load_workbook(filled)
    ws = wb["绩效指标"]
    for row in ws.iter_rows(min_row=4):
        if row[0].value == unit.performance.projects[1].name:
            row[0].value = 2
    out = tmp_path / "numbers.xlsx"
    wb.save(out)
    _read_equal(out, unit)


def test_unknown_project_in_indicators_is_an_error(filled, tmp_path):
    out = tmp_path / "unknown.xlsx"
    _set_cell(filled, out, "绩效指标", "A4", "不存在的项目")
    with pytest.raises(InputInvalid) as info:
        load_input(out)
    assert any(
        "绩效指标!A4" in f.message and "找不到项目“不存在的项目”" in f.message for f in info.value.findings
    )


def test_rows_inserted_between_template_rows(filled, unit, tmp_path):
    """A clerk inserts rows in a 科目 table and in a list: nothing depends on fixed counts."""
    wb = openpyxl.load_workbook(filled)
    ws = wb["公开05表"]
    ws.insert_rows(9, amount=3)
    out = tmp_path / "inserted.xlsx"
    wb.save(out)
    _read_equal(out, unit)


def test_export_pasted_below_the_templates_empty_table(filled, unit, tmp_path):
    """The clerk pastes the exported 公开05表 under the template's own, still empty, copy."""
    blank = tmp_path / "blank.xlsx"
    write_template(blank)
    empty = openpyxl.load_workbook(blank)["公开05表"]
    wb = openpyxl.load_workbook(filled)
    del wb["公开05表"]
    ws = wb.create_sheet("公开05表", 6)
    for (r, c), cell in empty._cells.items():
        ws.cell(row=r, column=c, value=cell.value)
    from test_workbook_support import place

    start = empty.max_row + 3
    place(ws, Exporter(unit).grids()["t05"], start, 1)
    out = tmp_path / "pasted.xlsx"
    wb.save(out)
    loaded = _read_equal(out, unit)
    assert int(re.sub(r"\D", "", loaded.sources.cell(("t05", "totals", "total")))) > start


def test_only_the_exported_tables(unit, tmp_path):
    """A bare export (no 单位信息 sheet) reads its tables but says what is missing."""
    from test_workbook_support import place

    wb = openpyxl.Workbook()
    ws = wb.active
    row = 1
    for grid in Exporter(unit, code_style="split").grids().values():
        place(ws, grid, row, 1)
        row += grid.height + 2
    path = tmp_path / "export_only.xlsx"
    wb.save(path)
    data = read_workbook(path)
    assert data.raw["t05"]["totals"]["total"] == unit.t05.totals.total
    assert data.raw["t09"]["actual"]["car_operation"] == unit.t09.actual.car_operation
    with pytest.raises(InputInvalid) as info:
        load_input(path)
    messages = [f.message for f in info.value.findings]
    assert any("未找到“单位信息”表" in m and "标准工作簿" in m for m in messages)
    assert not any(m.startswith("未找到公开") for m in messages)
