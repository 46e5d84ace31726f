"""Year to year with --previous: next year's workbook from last year's, and the carried figures checked.

From each sample (a 2024 unit): the 2025 workbook carries 年度 + 1, the unit's data and every
上年决算数 (totals, 财政拨款, 一般公共预算 and each 项, 政府性基金/国有资本经营 and each 项, 三公
and each part, 公用经费); filled as a clerk would (export tables pasted, the other sheets and
reasons typed) it passes --check --previous; a changed carried figure is a 警告 naming its cell.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import load_sample, sample_paths
from test_workbook_support import Exporter, replace_tables

from generator.carryover import ITEM_TABLES, carry, current_figures, current_items, previous_findings
from generator.errors import Severity
from generator.inputs import load_input
from generator.model import Disclosure
from generator.workbook import spec, write_template
from tests.clirun import invoke

SAMPLES = sample_paths()


def _prior(d: Disclosure, path: tuple[str, ...]):
    comp = d.comparisons
    for part in path:
        comp = getattr(comp, part)
    return comp.prior


@pytest.fixture(scope="module", params=SAMPLES, ids=lambda p: p.stem)
def carried(request, tmp_path_factory):
    sample = request.param
    tmp = tmp_path_factory.mktemp("carry")
    target = tmp / "下一年.xlsx"
    result = invoke("--template", target, "--previous", sample)
    assert result.exit_code == 0, result.output
    return sample, load_sample(sample), target, tmp


def test_next_year_workbook_carries_every_prior_and_the_unit(carried):
    _, last, target, _ = carried
    d = load_input(target).disclosure
    assert d.unit.year == last.unit.year + 1
    for field in ("name", "kind", "supervisor", "functions", "subunits", "departments"):
        assert getattr(d.unit, field) == getattr(last.unit, field), field
    figures = current_figures(last)
    assert len(figures) == 12
    for path, value in figures.items():
        assert _prior(d, path) == value, path
    for name in ITEM_TABLES:
        expected = {c: v for c, v in current_items(last, name).items() if v != 0}
        got = {c.code: c.prior for c in getattr(d.comparisons, name)}
        assert got == expected, name
        for c in getattr(d.comparisons, name):
            assert c.class_name and c.item_name and c.name and c.reason == ""
    assert d.comparisons.gpb_expense.budget is None and d.comparisons.total.reason == ""
    assert d.t05.rows == [] and d.t01.income_grand_total == 0  # tables left to paste
    wb = openpyxl.load_workbook(target)
    assert wb.active.title == "填表说明"
    guide = " ".join(str(c.value) for row in wb["填表说明"].iter_rows() for c in row if c.value)
    assert f"{last.unit.year} 年度数据带入" in guide and "编码或名称不同的科目" in guide


def _fill(target: Path, this_year: Disclosure, tmp: Path) -> Path:
    """The clerk's work on the carried workbook: tables pasted from the export, the other sheets
    and the 预算数/reasons typed (the 上年决算数 left as carried)."""
    pasted = tmp / "pasted.xlsx"
    replace_tables(target, pasted, Exporter(this_year, title_prefix=f"{this_year.unit.year}年度"))
    wb = openpyxl.load_workbook(pasted)
    reference = tmp / "reference.xlsx"
    write_template(reference, this_year)
    ref = openpyxl.load_workbook(reference)
    for name in (spec.SHEET_UNIT, spec.SHEET_SANGONG, spec.SHEET_ASSETS, spec.SHEET_PERF, spec.SHEET_PROJECTS,
                 spec.SHEET_INDICATORS):
        for row in ref[name].iter_rows():
            for cell in row:
                if cell.value is not None and not str(cell.value).startswith("="):
                    wb[name].cell(row=cell.row, column=cell.column).value = cell.value
    ws = wb[spec.SHEET_COMPARE]
    c = this_year.comparisons
    fields = {"budget": 4, "reason": 5, "budget_reason": 6}
    for r in range(1, ws.max_row + 1):
        label = ws.cell(row=r, column=1).value
        for item in spec.COMPARE_MAIN + spec.COMPARE_SANGONG:
            if label == item.label:
                comp = c
                for part in item.path[1:]:
                    comp = getattr(comp, part)
                for f, col in fields.items():
                    if f in item.fields and getattr(comp, f) not in (None, ""):
                        value = getattr(comp, f)
                        ws.cell(row=r, column=col).value = value if isinstance(value, str) else float(value)
        code = ws.cell(row=r, column=4).value
        if isinstance(code, str) and code.isdigit():
            for name in ITEM_TABLES:
                for item in getattr(c, name):
                    if item.code == code and item.reason:
                        ws.cell(row=r, column=5).value = item.reason
    out = tmp / "本年.xlsx"
    wb.save(out)
    return out


def _this_year(last: Disclosure) -> Disclosure:
    """Next year's unit: last year's tables again (any figures do), year + 1, reasons as last year."""
    d = last.model_copy(deep=True)
    d.unit.year = last.unit.year + 1
    return d


def test_filled_next_year_workbook_passes_check_with_previous(carried):
    sample, last, target, tmp = carried
    filled = _fill(target, _this_year(last), tmp)
    result = invoke("--check", filled, "--previous", sample)
    assert result.exit_code == 0, result.output
    loaded = load_input(filled)
    assert previous_findings(loaded.disclosure, loaded.sources, last) == []
    assert "错误 0 条" in result.output


def test_a_changed_carried_figure_is_a_warning_naming_its_cell(carried):
    sample, last, target, tmp = carried
    filled = _fill(target, _this_year(last), tmp)
    wb = openpyxl.load_workbook(filled)
    ws = wb[spec.SHEET_COMPARE]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "一般公共预算财政拨款支出")
    ws.cell(row=row, column=3).value = float(last.t05.totals.total) + 1
    item_row = next(r for r in range(row, ws.max_row + 1)
                    if str(ws.cell(row=r, column=4).value or "").isdigit() and ws.cell(row=r, column=3).value)
    ws.cell(row=item_row, column=3).value = 0.01
    wb.save(filled)
    loaded = load_input(filled)
    found = previous_findings(loaded.disclosure, loaded.sources, last)
    assert {f.cells for f in found} == {(f"对比与原因!C{row}",), (f"对比与原因!C{item_row}",)}
    assert all(f.severity is Severity.WARNING and f.rule == "previous.prior" for f in found)
    result = invoke("--check", filled, "--previous", sample)
    text = " ".join(result.output.split())
    assert f"对比与原因!C{row}" in text and "上年决算数" in text and "不一致" in text


def test_carry_keeps_only_what_belongs_to_next_year():
    last = load_sample(SAMPLES[0])
    d = carry(last)
    assert d.unit.staff is None  # 人员情况 are this year's year-end counts: not carried, so not stated
    assert d.performance.projects == [] and d.procurement.total == 0


def test_previous_of_another_year_is_a_warning():
    last = load_sample(SAMPLES[0])
    d = carry(last)
    d.unit.year += 1
    from generator.source import SourceMap

    found = previous_findings(d, SourceMap(is_json=True), last)
    assert any("应与" in f.message for f in found)


def test_subjects_changed_between_the_years_are_listed_in_console_and_guide(tmp_path):
    from generator.yeardata import use_year_dir

    years = tmp_path / "years"
    years.mkdir()
    (years / "2025.toml").write_text(
        'year = 2025\nbased_on = 2024\n[[changes]]\ncode = "2010350"\naction = "rename"\n'
        'name = "事业运行（试点）"\nold_name = "事业运行"\nsource = "某省财政厅通知"\n',
        encoding="utf-8",
    )
    target = tmp_path / "2025.xlsx"
    try:
        result = invoke("--year-data", years, "--template", target, "--previous", SAMPLES[0])
    finally:
        use_year_dir(None)
    assert result.exit_code == 0, result.output
    line = "2010350：名称由“事业运行”改为“事业运行（试点）”（依据：某省财政厅通知）"
    assert line in result.output
    guide = [str(c.value) for row in openpyxl.load_workbook(target)["填表说明"].iter_rows() for c in row if c.value]
    assert line in guide
