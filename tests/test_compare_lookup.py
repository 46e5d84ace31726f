"""对比与原因 shows this year's figures right whatever was pasted, checked the way a clerk sees it.

Export-style tables (tests/test_workbook_support.py: Exporter) are pasted into the blank
workbook's own table sheets, moved down and right, with 科目编码 in one column or split into
类/款/项, amounts as numbers or as text, in 万元 or in 元; one 项 no longer spent this year is
typed in a spare row.  LibreOffice (headless, private profile) recalculates and saves; the
values it displays on 对比与原因 are compared with the unit's figures.
"""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_workbook_support import Exporter, place, rich_unit

from generator.inputs import load_input
from generator.workbook import spec, write_template

VARIANTS = {
    "joined-moved": dict(code_style="joined", row0=5, col0=4),
    "split-yuan-text": dict(code_style="split", unit="元", as_text=True, row0=3, col0=2),
    "spaced-blank-zero": dict(code_style="spaced", blank_zero=True, row0=8, col0=1),
}
GONE = ("2010302", "一般行政管理事务", Decimal("12.5"))  # spent last year only
LISTED_PRIOR = Decimal("390.25")  # typed beside the first 项 listed by formula


def _calc_available() -> bool:
    soffice = shutil.which("soffice")
    if not soffice:
        return False
    program = Path(soffice).resolve().parent
    return any(program.glob("libsclo.so")) or any(Path("/usr/lib/libreoffice/program").glob("libsclo.so"))


def paste(blank: Path, out: Path, exporter: Exporter, row0: int, col0: int) -> None:
    """Clear each table sheet of the blank workbook and paste the export at (row0, col0)."""
    wb = openpyxl.load_workbook(blank)
    for key, grid in exporter.grids().items():
        ws = wb[exporter.yd.tables[key].code]
        for rng in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(rng))
        for row in ws.iter_rows():
            for cell in row:
                cell.value = None
        place(ws, grid, row0, col0)
    ws = wb[spec.SHEET_UNIT]
    for row in ws.iter_rows():
        if row[0].value == "单位名称":
            row[1].value = exporter.d.unit.name
        if row[0].value == "单位性质":
            row[1].value = "事业单位"
    ws = wb[spec.SHEET_COMPARE]
    title_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == spec.COMPARE_LISTS[0][1])
    spare = next(
        r for r in range(title_row + 2, ws.max_row + 1)
        if ws.cell(row=r, column=4).value is None and ws.cell(row=r, column=1).value is None
    )
    ws.cell(row=spare, column=4).value = GONE[0]
    ws.cell(row=spare, column=1).value = GONE[1]
    ws.cell(row=spare, column=3).value = float(GONE[2])
    ws.cell(row=title_row + 2, column=3).value = float(LISTED_PRIOR)  # beside the first listed 项
    wb.save(out)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, Path]:
    if not _calc_available():
        pytest.skip("LibreOffice Calc not installed")
    tmp = tmp_path_factory.mktemp("lookup")
    unit = rich_unit()
    blank = tmp / "blank.xlsx"
    write_template(blank, year=unit.unit.year)
    inputs = []
    for name, v in VARIANTS.items():
        v = dict(v)
        row0, col0 = v.pop("row0"), v.pop("col0")
        path = tmp / f"{name}.xlsx"
        paste(blank, path, Exporter(unit, **v), row0, col0)
        inputs.append(str(path))
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/lo", "--convert-to", "xlsx",
         "--outdir", str(tmp / "calc"), *inputs],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return {name: tmp / "calc" / f"{name}.xlsx" for name in VARIANTS}


def shown(path: Path) -> tuple[dict[str, object], dict[str, dict[str, object]], dict[str, tuple]]:
    """(label → 本年决算数, 三公 label → {本年, 全年预算}, 项 code → (name, 本年, 上年)) as displayed."""
    ws = openpyxl.load_workbook(path, data_only=True)[spec.SHEET_COMPARE]
    main, sangong, items = {}, {}, {}
    labels = {x.label for x in spec.COMPARE_MAIN}
    sg = {x.label for x in spec.COMPARE_SANGONG}
    for row in ws.iter_rows(min_row=3, values_only=True):
        label, current, prior, fourth = row[:4]
        if label in labels:
            main[label] = current
        elif label in sg:
            sangong[label] = {"本年": current, "预算": fourth}
        elif isinstance(fourth, str) and fourth.isdigit() and len(fourth) == 7:
            items[fourth] = (label, current, prior)
    return main, sangong, items


def _eq(value, expected: Decimal) -> bool:
    return value is not None and value != "" and abs(Decimal(str(value)) - expected) < Decimal("0.005")


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_compare_sheet_shows_this_years_figures_after_a_shifted_paste(recalculated, variant):
    unit = rich_unit()
    main, sangong, items = shown(recalculated[variant])
    expected = {
        "收入支出总计": unit.t01.income_grand_total,
        "财政拨款收入支出总计": unit.t04.income_grand_total,
        "一般公共预算财政拨款支出": unit.t05.totals.total,
        "政府性基金预算财政拨款收入支出总计": unit.t07.totals.carry_in + unit.t07.totals.income,
        "国有资本经营预算财政拨款收入支出总计": unit.t08.totals.carry_in + unit.t08.totals.income,
        "公用经费（行政、参公单位为机关运行经费）": unit.t06.public_total,
    }
    for label, value in expected.items():
        assert _eq(main[label], value), (variant, label, main[label], value)
    for item in spec.COMPARE_SANGONG:
        part = item.path[2]
        assert _eq(sangong[item.label]["本年"], getattr(unit.t09.actual, part)), (variant, item.label)
        assert _eq(sangong[item.label]["预算"], getattr(unit.t09.budget, part)), (variant, item.label)
    # every 项 of 公开05/07/08表 listed automatically, with its name and amount
    for key, field in (("t05", "total"), ("t07", "expense"), ("t08", "expense")):
        for row in getattr(unit, key).rows:
            if len(row.code) == 7:
                name, current, _ = items[row.code]
                assert name == row.name.strip() and _eq(current, getattr(row, field)), (variant, row.code)
    # a typed 项 that has no spending this year shows 0, and is not listed twice
    name, current, prior = items[GONE[0]]
    assert name == GONE[1] and _eq(current, Decimal(0)) and _eq(prior, GONE[2])


def test_reader_reads_what_is_typed_not_the_display_formulas(recalculated):
    """The recalculated workbook, as the clerk saves it: the grey rows list 项 by formula; a row is
    read only where something was typed (the listed code then keys it), never the 本年 display."""
    loaded = load_input(recalculated["joined-moved"])
    unit = rich_unit()
    first = next(r.code for r in unit.t05.rows if len(r.code) == 7)
    gpb = loaded.disclosure.comparisons.gpb_items
    assert [(c.code, c.prior, c.name) for c in gpb] == [(first, LISTED_PRIOR, ""), (GONE[0], GONE[2], GONE[1])]
    assert loaded.sources.cell(("comparisons", "gpb_items", 0, "code")).startswith("对比与原因!D")
    assert loaded.disclosure.t05 == unit.t05  # the pasted tables read as before
