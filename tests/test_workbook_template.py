"""The standard workbook written by generator.workbook: its sheets and forms, and round trips.

* the blank template has every sheet, the official table layouts (all 类 rows in 公开01/04表,
  all economic items in 公开06表), input fills, protection without password that still
  allows inserting rows, drop-down lists, number formats and frozen panes;
* blank template → filled cell by cell with openpyxl (as a clerk would) → read → equal model;
* Disclosure → write_template(data) → read → equal model, also through .xls;
* JSON → workbook → JSON equal, for the test unit and for the two reference samples;
* the blank template converts to PDF with LibreOffice (when LibreOffice Calc is installed).

All amounts are in 万元.
"""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_workbook_support import model_diff, xlsx_to_xls

from generator.inputs import dump_json, load_input
from generator.model import Disclosure
from generator.workbook import spec, write_template
from generator.yeardata import load_year

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples" / "data").glob("*.json"))

TABLE_SHEETS = [f"公开{n:02d}表" for n in range(1, 10)]
FORM_SHEETS = ["填表说明", "单位信息", "对比与原因", "三公明细", "采购与资产", "绩效"]


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("blank") / "标准工作簿.xlsx"
    write_template(path)
    return path


def _cells(ws) -> dict[str, tuple[int, int]]:
    """Normalised text → first (row, col) on a sheet."""
    out: dict[str, tuple[int, int]] = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                out.setdefault(spec.norm(cell.value), (cell.row, cell.column))
    return out


# ---------------------------------------------------------------------------- the blank template


def test_blank_template_has_every_sheet_in_order(blank):
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames == [
        "填表说明",
        "单位信息",
        *TABLE_SHEETS,
        "对比与原因",
        "三公明细",
        "采购与资产",
        "绩效",
        "绩效项目",
        "绩效指标",
        "公式辅助",
    ]
    assert wb["公式辅助"].sheet_state == "hidden"
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"][-1] == "绩效指标"


def test_table_sheets_carry_title_code_unit_line_and_note(blank):
    wb = openpyxl.load_workbook(blank)
    yd = load_year(2024)
    for key, name in zip(spec.TABLE_KEYS, TABLE_SHEETS, strict=False):
        ws = wb[name]
        info = yd.tables[key]
        assert ws["A1"].value == info.title
        assert any(str(r.coord).startswith("A1:") for r in ws.merged_cells.ranges), name
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert info.code in texts
        assert any("单位：" in t for t in texts) and any("金额单位：" in t for t in texts)
        assert info.note in texts


def test_t01_and_t04_list_every_class_of_the_year(blank):
    wb = openpyxl.load_workbook(blank)
    classes = [name for _, name in load_year(2024).function_classes]
    for sheet, col in (("公开01表", 4), ("公开04表", 4)):
        labels = [spec.norm(wb[sheet].cell(row=r, column=col).value) for r in range(1, 60)]
        for name in classes:
            assert name in labels, (sheet, name)
    texts = {
        spec.norm(c.value) for row in wb["公开01表"].iter_rows() for c in row if isinstance(c.value, str)
    }
    assert {
        "栏次",
        "行次",
        "本年收入合计",
        "本年支出合计",
        "年初结转和结余",
        "年末结转和结余",
        "结余分配",
    } <= texts


def test_t06_lists_every_economic_item_and_the_two_totals(blank):
    ws = openpyxl.load_workbook(blank)["公开06表"]
    codes = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.isdigit()}
    expected = set()
    for cls in load_year(2024).econ_classes:
        expected.add(cls.code)
        expected.update(code for code, _ in cls.items)
    assert expected <= codes
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"人员经费合计", "公用经费合计", "人员经费", "公用经费"} <= texts


def test_input_cells_are_filled_and_formatted(blank):
    wb = openpyxl.load_workbook(blank)
    ws = wb["公开05表"]
    total_row = next(r for r in range(1, 30) if ws.cell(row=r, column=1).value == "合计")
    money = ws.cell(row=total_row, column=3)
    assert money.number_format == "#,##0.00"
    assert money.fill.fgColor.rgb.endswith("FFF2CC")
    assert money.protection.locked is False
    assert ws.freeze_panes is not None
    staff = wb["单位信息"]
    pos = _cells(staff)["实有人数"]
    assert staff.cell(row=pos[0], column=pos[1] + 1).number_format == "0"
    assert staff.column_dimensions["B"].width >= 30


def test_form_sheets_protected_without_password_tables_open(blank):
    wb = openpyxl.load_workbook(blank)
    for name in FORM_SHEETS:
        p = wb[name].protection
        assert p.sheet is True, name
        assert not p.password, name
        assert p.insertRows is False and p.formatCells is False and p.formatRows is False, name
    for name in [*TABLE_SHEETS, "绩效项目", "绩效指标"]:
        assert wb[name].protection.sheet is False, name
    # labels stay locked on the protected sheets
    ws = wb["单位信息"]
    r, c = _cells(ws)["单位名称"]
    assert ws.cell(row=r, column=c).protection.locked is not False
    assert ws.cell(row=r, column=c + 1).protection.locked is False


def test_drop_down_lists(blank):
    wb = openpyxl.load_workbook(blank)
    formulas = [dv.formula1 for dv in wb["单位信息"].data_validations.dataValidation]
    assert any("事业单位" in f and "行政单位" in f for f in formulas)
    assert any(f == '"万元,元"' for f in formulas)
    levels = [dv.formula1 for dv in wb["绩效指标"].data_validations.dataValidation]
    assert any(all(x in f for x in ("产出指标", "效益指标", "成本指标", "满意度指标")) for f in levels)
    assert any("数量指标" in f and "社会效益指标" in f for f in levels)


def test_comparison_sheet_shows_current_year_by_formula(blank):
    ws = openpyxl.load_workbook(blank)["对比与原因"]
    r, _ = _cells(ws)["收入支出总计"]
    assert str(ws.cell(row=r, column=2).value).startswith("='公式辅助'!")
    formulas = [str(c.value) for row in ws.iter_rows() for c in row if str(c.value).startswith("=")]
    assert formulas and not any("'公开0" in f for f in formulas)  # never a fixed cell of a table
    helper = [str(c.value) for row in openpyxl.load_workbook(blank)["公式辅助"].iter_rows() for c in row if c.value]
    assert any('"科目名称"' in f and "SUMPRODUCT(MAX(" in f for f in helper)  # found by label
    heads = {spec.norm(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {
        "上年决算数",
        "年初预算数",
        "与上年相比变动主要原因",
        "预决算差异主要原因",
        "科目编码",
        "类级科目名称",
    } <= heads


def test_blank_template_reads_as_missing_unit_fields_only(blank):
    from generator.errors import InputInvalid

    with pytest.raises(InputInvalid) as info:
        load_input(blank)
    messages = [f.message for f in info.value.findings]
    assert any(m.startswith("单位信息!B") and "单位名称必须填写" in m for m in messages), messages
    assert any("单位性质必须填写" in m for m in messages)
    assert not any("公式" in m for m in messages), "display formulas must never be read"


# ---------------------------------------------------------------------------- a clerk fills the blank


def _get(d: Any, path: tuple) -> Any:
    for part in path:
        d = d[part] if isinstance(part, int) else getattr(d, part)
    return d


def _cell_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "value"):
        return value.value
    return value


def fill_blank(src: Path, dst: Path, d: Disclosure) -> None:
    """Fill the blank template with ``d`` by finding labels, as a clerk would type it."""
    wb = openpyxl.load_workbook(src)
    yd = load_year(d.unit.year)

    def put(ws, row: int, col: int, value: Any) -> None:
        cell = ws.cell(row=row, column=col)
        cell.value = _cell_value(value)
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"

    for form in (spec.UNIT_FORM, spec.SANGONG_FORM, spec.ASSETS_FORM, spec.PERF_FORM):
        ws = wb[form.sheet]
        where = _cells(ws)
        for section in form.sections:
            for item in section.items:
                if item.path == (spec.MONEY_UNIT_LABEL,):
                    continue
                r, c = where[spec.norm(item.label)]
                value = _get(d, item.path)
                if value is not None and value != "":
                    put(ws, r, c + 1, value)
        for path, label, _ in form.lists:
            r, c = where[spec.norm(label)]
            for i, text in enumerate(_get(d, path)):
                put(ws, r + 1 + i, c + 1, text)
    ws = wb["填表说明"]
    r, c = _cells(ws)["编制说明"]
    put(ws, r, c + 1, d.preparer_notes)

    # 公开01表
    ws = wb["公开01表"]
    where = _cells(ws)
    for name, labels in spec.T01_INCOME:
        r, c = where[spec.norm(labels[0])]
        put(ws, r, c + 2, getattr(d.t01, name))
    for (lname, ltext, _), (rname, rtext, _) in zip(spec.T01_INCOME_FOOT, spec.T01_EXPENSE_FOOT, strict=False):
        rows = [
            row for row in range(1, 80) if spec.norm(ws.cell(row=row, column=1).value) == spec.norm(ltext)
        ]
        put(ws, rows[0], 3, getattr(d.t01, lname))
        rows = [
            row for row in range(1, 80) if spec.norm(ws.cell(row=row, column=4).value) == spec.norm(rtext)
        ]
        put(ws, rows[0], 6, getattr(d.t01, rname))
    names = dict(yd.function_classes)
    for code, amount in d.t01.expense_by_class.items():
        r, c = where[spec.norm(names[code])]
        put(ws, r, c + 2, amount)

    # 公开04表
    ws = wb["公开04表"]
    left = {
        spec.norm(ws.cell(row=r, column=1).value): r for r in range(7, 80) if ws.cell(row=r, column=1).value
    }
    carry_row = left["年初财政拨款结转和结余"]
    for fname, label, _ in spec.T04_INCOME:
        put(
            ws,
            min(
                r
                for r in range(7, carry_row)
                if spec.norm(ws.cell(row=r, column=1).value) == spec.norm(label)
            ),
            3,
            getattr(d.t04, fname),
        )
        put(
            ws,
            min(
                r
                for r in range(carry_row, 80)
                if spec.norm(ws.cell(row=r, column=1).value) == spec.norm(label)
            ),
            3,
            getattr(d.t04.carry_in, fname.split("_")[0]),
        )
    put(ws, left["本年收入合计"], 3, d.t04.income_total)
    put(ws, carry_row, 3, d.t04.carry_in.total)
    put(ws, left["总计"], 3, d.t04.income_grand_total)
    right = {
        spec.norm(ws.cell(row=r, column=4).value): r for r in range(7, 80) if ws.cell(row=r, column=4).value
    }
    splits = {
        "本年支出合计": d.t04.expense_total,
        "年末财政拨款结转和结余": d.t04.carry_out,
        "总计": d.t04.expense_grand_total,
    }
    splits.update({spec.norm(names[code]): v for code, v in d.t04.expense_by_class.items()})
    for label, split in splits.items():
        for j, (fname, _) in enumerate(spec.T04_SPLIT):
            put(ws, right[label], 6 + j, getattr(split, fname))

    # 科目 tables: 合计 row, then one row per 科目 below it
    for key in ("t02", "t03", "t05", "t07", "t08"):
        ws = wb[yd.tables[key].code]
        table = getattr(d, key)
        cols = spec.ROW_TABLES[key].cols
        total_row = next(r for r in range(1, 30) if ws.cell(row=r, column=1).value == "合计")
        for j, col in enumerate(cols):
            put(ws, total_row, 3 + j, getattr(table.totals, col.field))
        for i, row in enumerate(table.rows):
            put(ws, total_row + 1 + i, 1, row.code)
            put(ws, total_row + 1 + i, 2, row.name)
            for j, col in enumerate(cols):
                put(ws, total_row + 1 + i, 3 + j, getattr(row, col.field))

    # 公开06表: by code
    ws = wb["公开06表"]
    where = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.isdigit():
                where[cell.value] = (cell.row, cell.column)
    for row in d.t06.rows:
        r, c = where[row.code]
        put(ws, r, c + 2, row.amount)
    foot = _cells(ws)
    r, c = foot["人员经费合计"]
    put(ws, r, 3, d.t06.personnel_total)
    r, c = foot["公用经费合计"]
    put(ws, r, 6, d.t06.public_total)

    # 公开09表: the row under 预算数/决算数
    ws = wb["公开09表"]
    r, _ = _cells(ws)["预算数"]
    for j, part in enumerate(("total", "abroad", "car_total", "car_purchase", "car_operation", "reception")):
        put(ws, r + 1, 1 + 2 * j, getattr(d.t09.budget, part))
        put(ws, r + 1, 2 + 2 * j, getattr(d.t09.actual, part))

    # 对比与原因
    ws = wb["对比与原因"]
    where = _cells(ws)
    heads = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=3).value == "上年决算数"]
    for item in spec.COMPARE_MAIN + spec.COMPARE_SANGONG:
        r, _ = where[spec.norm(item.label)]
        hr = max(h for h in heads if h < r)
        cols = {
            spec.COMPARE_FIELD_BY_HEADER.get(spec.norm(ws.cell(row=hr, column=c).value)): c
            for c in range(1, 9)
        }
        for fname in item.fields:
            value = getattr(_get(d, item.path), fname)
            if value not in (None, ""):
                put(ws, r, cols[fname], value)
    for path, title, _ in spec.COMPARE_LISTS:
        r, _ = where[spec.norm(title)]
        hr = r + 1
        cols = {
            spec.COMPARE_FIELD_BY_HEADER.get(spec.norm(ws.cell(row=hr, column=c).value)): c
            for c in range(1, 9)
        }
        for i, item in enumerate(_get(d, path)):
            for fname in ("code", "name", "class_name", "item_name", "prior", "reason"):
                value = getattr(item, fname)
                if value not in (None, ""):
                    put(ws, hr + 1 + i, cols[fname], value)

    # 绩效项目 / 绩效指标
    ws = wb["绩效项目"]
    for i, p in enumerate(d.performance.projects):
        values = [p.name, p.supervisor, p.implementer]
        for line, _ in spec.PROJECT_LINES:
            values += [getattr(getattr(p, line), f) for f, _ in spec.FUNDLINE_COLS]
        values += [p.fund_weight, p.fund_score, p.goal_expected, p.goal_actual, p.total_score]
        for j, value in enumerate(values):
            if value not in (None, ""):
                put(ws, 5 + i, 2 + j, value)
    ws = wb["绩效指标"]
    row = 4
    for p in d.performance.projects:
        for k, ind in enumerate(p.indicators):
            if k == 0:  # the project only on its first row, as the sheet allows
                put(ws, row, 1, p.name)
            for j, name in enumerate(spec.INDICATOR_FIELDS):
                value = getattr(ind, name)
                if value not in (None, ""):
                    put(ws, row, 2 + j, value)
            row += 1
    wb.save(dst)


def test_blank_template_filled_with_openpyxl_reads_back_equal(blank, unit, tmp_path):
    filled = tmp_path / "filled.xlsx"
    fill_blank(blank, filled, unit)
    loaded = load_input(filled)
    assert model_diff(unit, loaded.disclosure) == []
    assert loaded.disclosure == unit
    assert loaded.findings == []
    # every value knows its cell
    assert loaded.sources.cell(("t05", "rows", 0, "total")).startswith("公开05表!C")
    assert loaded.sources.cell(("unit", "name")) == "单位信息!B4"


# ---------------------------------------------------------------------------- Disclosure → workbook → model


def test_filled_template_round_trip(unit, tmp_path):
    path = tmp_path / "unit.xlsx"
    write_template(path, unit)
    loaded = load_input(path)
    assert model_diff(unit, loaded.disclosure) == []
    assert loaded.disclosure == unit
    assert loaded.findings == []


def test_filled_template_keeps_text_that_starts_with_equals(unit, tmp_path):
    path = tmp_path / "unit.xlsx"
    write_template(path, unit)
    ws = openpyxl.load_workbook(path)["绩效指标"]
    values = [c.value for row in ws.iter_rows(min_row=4) for c in row]
    assert "=1200 人次" in values
    assert all(c.data_type != "f" for row in ws.iter_rows(min_row=4) for c in row)


def test_filled_template_through_xls(unit, tmp_path):
    path = tmp_path / "unit.xlsx"
    write_template(path, unit)
    xls = tmp_path / "unit.xls"
    xlsx_to_xls(path, xls)
    assert xls.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    loaded = load_input(xls)
    assert model_diff(unit, loaded.disclosure) == []
    assert loaded.sources.cell(("t01", "gpb_income")).startswith("公开01表!C")


def test_json_workbook_json_equal(unit, tmp_path):
    src = tmp_path / "unit.json"
    src.write_text(dump_json(unit), encoding="utf-8")
    first = load_input(src).disclosure
    path = tmp_path / "unit.xlsx"
    write_template(path, first)
    assert dump_json(load_input(path).disclosure) == dump_json(first) == src.read_text(encoding="utf-8")


def test_rows_not_in_year_data_are_written_and_read(unit, tmp_path):
    from generator.model import EconRow

    rows = [*unit.t06.rows, EconRow(code="30701", name="国内债务付息", amount=Decimal("1.25"))]
    d = unit.model_copy(
        update={
            "t06": unit.t06.model_copy(update={"rows": rows}),
            "t01": unit.t01.model_copy(
                update={"expense_by_class": {**unit.t01.expense_by_class, "299": Decimal(0)}}
            ),
        }
    )
    path = tmp_path / "extra.xlsx"
    write_template(path, d)
    back = load_input(path).disclosure
    assert back.t06.rows[-1] == EconRow(code="30701", name="国内债务付息", amount=Decimal("1.25"))
    assert back.t01.expense_by_class["299"] == 0
    assert model_diff(d, back) == []


@pytest.mark.skipif(not SAMPLES, reason="samples/data/*.json not present")
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_reference_samples_round_trip(sample, tmp_path):
    """Each reference unit: JSON → model → workbook → model → JSON, all equal."""
    original = load_input(sample).disclosure
    path = tmp_path / "sample.xlsx"
    write_template(path, original)
    back = load_input(path)
    assert model_diff(original, back.disclosure) == []
    assert back.disclosure == original
    assert dump_json(back.disclosure) == dump_json(original)


# ---------------------------------------------------------------------------- LibreOffice


def _calc_available() -> bool:
    soffice = shutil.which("soffice")
    if not soffice:
        return False
    program = Path(soffice).resolve().parent
    return any(program.glob("libsclo.so")) or any(Path("/usr/lib/libreoffice/program").glob("libsclo.so"))


@pytest.mark.skipif(not _calc_available(), reason="LibreOffice Calc not installed")
def test_blank_template_converts_to_pdf_with_libreoffice(blank, tmp_path):
    from pypdf import PdfReader

    shutil.copy(blank, tmp_path / "blank.xlsx")
    result = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "blank.xlsx"),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / "blank.pdf"
    assert pdf.exists(), result.stdout + result.stderr
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 17  # one page or more per sheet
    text = "".join(page.extract_text() or "" for page in reader.pages[:6])
    assert "收入支出决算总表" in text and "金额单位：万元" in text
