"""Numbers are read exactly or refused, and no input reaches a Decimal operation that raises.

The cases of issue “No wrong figure reaches the public text” that concern reading, each with
its exact input, on the 12345 sample workbook (cells found through the source map, so the
tests follow the template's layout) and its JSON:

- ``"432,20"`` (a decimal comma) in an amount cell was read as 43,220.00;
- ``"2,00"`` people was read as 200;
- JSON ``true`` in a count was read as 1;
- a spreadsheet error value (``#NAME?``) in a reason cell was printed into the text;
- an amount of 1e26 crashed ``--check``, ``--dump-json`` and generation with a traceback.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import app
from generator.errors import InputInvalid, Severity
from generator.inputs import load_input
from generator.numbers import AMOUNT_LIMIT, COUNT_LIMIT, ERROR_VALUES, NumberRefused, accept

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "乌鲁木齐市12345政务服务热线中心.xlsx"
SAMPLE_JSON = ROOT / "samples" / "data" / "乌鲁木齐市12345政务服务热线中心.json"
runner = CliRunner()

AMOUNT = ("t05", "rows", 3, "total")  # 2010399, 1,064.89 万元
STAFF = ("unit", "staff", "total")
REASON = ("comparisons", "total", "reason")


@pytest.fixture(scope="module")
def sources():
    return load_input(SAMPLE).sources


def _cell(sources, path) -> tuple[str, str]:
    sheet, ref = sources.cell(path).split("!")
    return sheet, ref


def _edit(tmp_path: Path, sources, edits: dict[tuple, object], name: str = "edited.xlsx") -> Path:
    wb = openpyxl.load_workbook(SAMPLE)
    for path, value in edits.items():
        sheet, ref = _cell(sources, path)
        wb[sheet][ref] = value
    out = tmp_path / name
    wb.save(out)
    return out


def _errors(path: Path) -> list:
    with pytest.raises(InputInvalid) as info:
        load_input(path)
    return [f for f in info.value.findings if f.severity == Severity.ERROR]


def _json(tmp_path: Path, edit) -> Path:
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    edit(data)
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return out


# ---------------------------------------------------------------------------- commas


def test_decimal_comma_432_20_is_an_error_naming_the_cell(tmp_path, sources):
    """Was read as 43,220.00."""
    path = _edit(tmp_path, sources, {AMOUNT: "432,20"})
    errors = _errors(path)
    addr = sources.cell(AMOUNT)
    hits = [f for f in errors if addr in f.cells]
    assert len(hits) == 1, errors
    assert hits[0].message.startswith(f"{addr}：")
    assert "“432,20”" in hits[0].message
    assert "小数点" in hits[0].message and "逗号" in hits[0].message
    assert "432.20" in hits[0].message


def test_two_comma_zero_zero_people_is_an_error_naming_the_cell(tmp_path, sources):
    """“2,00” people was read as 200."""
    path = _edit(tmp_path, sources, {STAFF: "2,00"})
    errors = _errors(path)
    addr = sources.cell(STAFF)
    hits = [f for f in errors if addr in f.cells]
    assert len(hits) == 1, errors
    assert "实有人数" in hits[0].message and "“2,00”" in hits[0].message and "小数点" in hits[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,234.56", Decimal("1234.56")), ("12,345", Decimal("12345")), ("1,064.89", Decimal("1064.89"))],
)
def test_valid_thousands_grouping_is_read(tmp_path, sources, text, expected):
    path = _edit(tmp_path, sources, {AMOUNT: text})
    try:
        d = load_input(path).disclosure
    except InputInvalid as exc:  # the checks may object to the sums, the reading must not
        assert not [f for f in exc.findings if f.rule.startswith("input.number")], exc.findings
        return
    assert d.t05.rows[3].total == expected


@pytest.mark.parametrize("text", ["432,20", "2,00", "1,2345", "12,34,567", "1.234,56", "1,234,5"])
def test_bad_grouping_is_refused_with_the_comma_hint(text):
    with pytest.raises(NumberRefused) as info:
        accept(text, "money")
    assert "逗号" in info.value.detail


# ---------------------------------------------------------------------------- booleans


def test_boolean_cells_are_not_numbers(tmp_path, sources):
    path = _edit(tmp_path, sources, {AMOUNT: True, STAFF: False})
    errors = _errors(path)
    for model_path, shown in ((AMOUNT, "TRUE"), (STAFF, "FALSE")):
        addr = sources.cell(model_path)
        hits = [f for f in errors if addr in f.cells]
        assert len(hits) == 1 and shown in hits[0].message, errors


def test_json_true_in_a_count_is_an_error_naming_the_model_path(tmp_path):
    """Was read as 1."""

    def edit(data):
        data["sangong"]["car_holding"] = True
        data["unit"]["staff"]["total_change"] = True
        data["t01"]["gpb_income"] = True

    errors = _errors(_json(tmp_path, edit))
    places = {f.cells[0]: f.message for f in errors}
    assert set(places) == {"sangong.car_holding", "unit.staff.total_change", "t01.gpb_income"}
    assert "公务用车保有量（辆）应为数字" in places["sangong.car_holding"]
    assert all("逻辑值" in m for m in places.values())


def test_json_decimal_comma_and_bounds_name_the_model_path(tmp_path):
    def edit(data):
        data["comparisons"]["total"]["prior"] = "432,20"
        data["unit"]["staff"]["total"] = "2,00"
        data["t01"]["carry_in"] = "1e999"

    errors = _errors(_json(tmp_path, edit))
    places = {f.cells[0]: f.message for f in errors}
    assert "小数点" in places["comparisons.total.prior"]
    assert "小数点" in places["unit.staff.total"]
    assert "过大" in places["t01.carry_in"]


# ---------------------------------------------------------------------------- error values


def _with_cached_error(src: Path, dst: Path, sheet_name: str, ref: str, error: str) -> None:
    """Write ``ref`` as a formula whose cached value is ``error`` (as Excel saves it)."""
    wb = openpyxl.load_workbook(src)
    wb[sheet_name][ref] = "=NOSUCHFUNCTION(1)"
    index = wb.sheetnames.index(sheet_name) + 1
    wb.save(dst)
    part = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(dst) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts[part].decode("utf-8")
    pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>([^<]*)</f>(?:<v>[^<]*</v>)?</c>')
    assert pattern.search(xml), xml[:500]
    type_attr = re.compile(r' t="[^"]*"')

    def cached(m: re.Match) -> str:
        attrs = type_attr.sub("", m.group(1))
        return f'<c r="{ref}"{attrs} t="e"><f>{m.group(2)}</f><v>{error}</v></c>'

    xml = pattern.sub(cached, xml)
    parts[part] = xml.encode("utf-8")
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_name_error_in_a_reason_cell_is_an_error_and_never_reaches_the_text(tmp_path, sources):
    """“主要原因是：#NAME。” was printed into the public text."""
    sheet, ref = _cell(sources, REASON)
    path = tmp_path / "name-error.xlsx"
    _with_cached_error(SAMPLE, path, sheet, ref, "#NAME?")
    errors = _errors(path)
    addr = sources.cell(REASON)
    hits = [f for f in errors if addr in f.cells]
    assert len(hits) == 1, errors
    assert "#NAME?" in hits[0].message and "公式" in hits[0].message
    result = runner.invoke(app, ["-o", str(tmp_path / "out"), "--format", "docx", str(path)])
    assert result.exit_code == 1
    assert not list((tmp_path / "out").glob("*.docx"))


CLASSIC_ERRORS = ["#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!"]
ERROR_CASES = [
    (error, name, path)
    for error in CLASSIC_ERRORS
    for name, path in [
        ("amount", AMOUNT),
        ("count", STAFF),
        ("reason", REASON),
        ("functions", ("unit", "functions", 0)),
        ("unit-name", ("unit", "name")),
        ("project-name", ("performance", "projects", 0, "name")),
    ]
] + [(error, "reason", REASON) for error in sorted(ERROR_VALUES - set(CLASSIC_ERRORS) - {"#错误"})]


@pytest.mark.parametrize(("error", "name", "model_path"), ERROR_CASES, ids=[f"{e}-{n}" for e, n, _ in ERROR_CASES])
def test_error_values_in_any_cell_read_are_errors_naming_the_cell(tmp_path, sources, error, name, model_path):
    path = _edit(tmp_path, sources, {model_path: error})
    errors = _errors(path)
    addr = sources.cell(model_path)
    assert any(addr in f.cells and error in f.message for f in errors), errors


def test_error_values_in_code_and_label_cells(tmp_path, sources):
    code_cell = sources.cell(("t05", "rows", 3, "code"))
    wb = openpyxl.load_workbook(SAMPLE)
    sheet, ref = code_cell.split("!")
    wb[sheet][ref] = "#REF!"
    t01_sheet, t01_ref = sources.cell(("t01", "gpb_income")).split("!")
    label_ref = f"A{re.sub(r'[A-Z]+', '', t01_ref)}"
    wb[t01_sheet][label_ref] = "#N/A"
    out = tmp_path / "codes.xlsx"
    wb.save(out)
    errors = _errors(out)
    assert any(code_cell in f.cells and "#REF!" in f.message for f in errors), errors
    assert any(f"{t01_sheet}!{label_ref}" in f.cells and "#N/A" in f.message for f in errors), errors


# ---------------------------------------------------------------------------- bounds


ODD_VALUES = [
    1e26,
    "1e26",
    "1e400",
    "1e999",
    "-1e999999999999999999",
    "1e-999999",
    10**40,
    "NaN",
    "Infinity",
    "-0",
    "-0.00",
    "１２３.４５",  # full-width digits, as a Chinese input method types them
    "١٢٣",  # Arabic-Indic digits
    "²",
    "0.0000001",
]


@pytest.mark.parametrize("value", ODD_VALUES, ids=[str(v)[:20] for v in ODD_VALUES])
def test_odd_values_in_a_cell_never_crash_check(tmp_path, sources, value):
    path = _edit(tmp_path, sources, {("t01", "carry_in"): value, ("sangong", "car_holding"): value})
    result = runner.invoke(app, ["--check", str(path)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if value in ("-0", "-0.00"):
        assert load_input(path).disclosure.sangong.car_holding == 0


@pytest.mark.parametrize("mode", ["--check", "--dump-json", "generate"])
def test_amount_1e26_is_an_error_in_check_dump_and_generation(tmp_path, sources, mode):
    """An amount of 1e26 crashed all three with a traceback."""
    path = _edit(tmp_path, sources, {AMOUNT: 1e26})
    args = [mode, str(path)] if mode != "generate" else ["-o", str(tmp_path / "out"), "--format", "docx", str(path)]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert sources.cell(AMOUNT) in result.output and "过大" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


def test_amount_1e26_in_a_subprocess(tmp_path, sources):
    path = _edit(tmp_path, sources, {AMOUNT: 1e26})
    for args in (["--check", str(path)], ["--dump-json", str(path)]):
        proc = subprocess.run(
            [sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
        assert sources.cell(AMOUNT) in proc.stderr + proc.stdout


JSON_ODD = ["1e26", "1e400", "NaN", "Infinity", "-Infinity", "1" + "0" * 5000, "-0.0", "1e-999999", '"1e999"', "true"]


@pytest.mark.parametrize("literal", JSON_ODD, ids=[x[:12] for x in JSON_ODD])
def test_odd_json_numbers_are_errors_naming_the_path(tmp_path, literal):
    text = SAMPLE_JSON.read_text(encoding="utf-8")
    data = json.loads(text)
    data["t01"]["carry_in"] = "@@AMOUNT@@"
    data["sangong"]["car_holding"] = "@@COUNT@@"
    raw = json.dumps(data, ensure_ascii=False).replace('"@@AMOUNT@@"', literal).replace('"@@COUNT@@"', literal)
    path = tmp_path / "odd.json"
    path.write_text(raw, encoding="utf-8")
    result = runner.invoke(app, ["--check", str(path)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if literal == "-0.0":
        d = load_input(path).disclosure
        assert d.sangong.car_holding == 0 and str(d.t01.carry_in) == "0.0"
        return
    assert "t01.carry_in" in result.output and "sangong.car_holding" in result.output


def test_bounds_are_the_stated_ones():
    assert accept(AMOUNT_LIMIT - 1, "money") == AMOUNT_LIMIT - 1
    with pytest.raises(NumberRefused):
        accept(AMOUNT_LIMIT, "money")
    with pytest.raises(NumberRefused):
        accept(-AMOUNT_LIMIT, "signed_money")
    assert accept(COUNT_LIMIT - 1, "count") == COUNT_LIMIT - 1
    with pytest.raises(NumberRefused):
        accept(COUNT_LIMIT, "count")
    assert accept("0.000001", "money") == Decimal("0.000001")
    with pytest.raises(NumberRefused):
        accept("0.0000009", "money")
    # a workbook in 元: the bound holds after the exact conversion to 万元
    assert accept("9999999999999999", "money", "元") == Decimal("999999999999.9999")
    with pytest.raises(NumberRefused):
        accept("10000000000000000", "money", "元")
