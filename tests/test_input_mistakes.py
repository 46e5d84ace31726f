"""Input mistakes a clerk makes on a real office PC, each tried on a copy of a sample.

Every case is a mutated copy of the 12345 sample workbook (cells found through its source
map) or of its JSON, and pins what the clerk sees: the value read exactly when it is
unambiguous (``1064.89`` with a trailing Alt+Enter, ``2024年`` as the year, ``部门决算`` as
决算类别), or a Chinese 错误/警告 naming the sheet and cell with what to do.  The command-line
cases run ``--check``, ``--check --json``, ``--dump-json``, generation and a folder batch
with a good sample, and read the produced DOCX back.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from generator.checks import run_checks
from generator.errors import InputInvalid, InputUnreadable, Severity
from generator.inputs import load_input
from generator.numbers import NumberRefused, accept
from generator.written import RECORDS
from tests.clirun import docx_text, invoke

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "乌鲁木齐市12345政务服务热线中心.xlsx"
SAMPLE_JSON = ROOT / "samples" / "data" / "乌鲁木齐市12345政务服务热线中心.json"
OTHER = ROOT / "samples" / "乌鲁木齐市政务服务中心.xlsx"

AMOUNT = ("t05", "rows", 3, "total")  # 2010399, 1,064.89 万元 (公开05表!C11)
CODE = ("t05", "rows", 3, "code")
STAFF = ("unit", "staff", "total")
YEAR = ("unit", "year")
NAME = ("unit", "name")
DOCUMENT = ("unit", "document")
KIND = ("unit", "kind")


@pytest.fixture(scope="module")
def sources():
    return load_input(SAMPLE).sources


def _edit(tmp_path: Path, sources, edits: dict[tuple, object], name: str = "edited.xlsx", post=None) -> Path:
    wb = openpyxl.load_workbook(SAMPLE)
    for path, value in edits.items():
        sheet, ref = sources.cell(path).split("!")
        wb[sheet][ref] = value
    if post is not None:
        post(wb)
    out = tmp_path / name
    wb.save(out)
    return out


def _findings(path: Path) -> list:
    with pytest.raises(InputInvalid) as info:
        load_input(path)
    return info.value.findings


def _checked(path: Path) -> list:
    """The findings of the checks on a workbook that reads."""
    loaded = load_input(path)
    return run_checks(loaded.disclosure, loaded.sources)


def _at(findings, cell: str) -> list:
    return [f for f in findings if cell in f.cells]


def _input_errors(path: Path) -> list:
    """Reading errors (``input.*``) of a workbook whose figures may not add up any more."""
    try:
        load_input(path)
    except InputInvalid as exc:
        return [f for f in exc.findings if f.rule.startswith("input.") and f.severity == Severity.ERROR]
    return []



# ---------------------------------------------------------------------------- numbers typed as text

# the same figure, 1,064.89, as a clerk's PC delivers it: all read exactly, no finding
SAME_FIGURE = {
    "thousands separator": "1,064.89",
    "full-width digits": "１０６４．８９",
    "no-break spaces": "\u00a01064.89\u00a0",
    "ideographic spaces": "\u30001064.89\u3000",
    "tab": "1064.89\t",
    "line break (Alt+Enter)": "1064.89\n",
    "Windows line break": "1064.89\r\n",
    "zero-width space from a web page": "1064.89\u200b",
    "byte-order mark": "\ufeff1064.89",
    "leading apostrophe kept as text": "'1064.89",
    "exponent": "1.06489E+3",
    "plus sign": "+1064.89",
    "space as thousands separator": "1 064.89",
}


@pytest.mark.parametrize("text", SAME_FIGURE.values(), ids=SAME_FIGURE.keys())
def test_the_same_figure_in_any_harmless_shape_is_read_exactly(tmp_path, sources, text):
    d = load_input(_edit(tmp_path, sources, {AMOUNT: text})).disclosure
    assert d.t05.rows[3].total == Decimal("1064.89")


# refused, with the cell and what to do
REFUSED = {
    "万元 suffix": ("1064.89万元", ["“1064.89万元”", "去掉“万元”", "金额单位"]),
    "元 suffix": ("1064.89元", ["去掉“元”"]),
    "currency sign": ("￥1,064.89", ["去掉“￥”"]),
    "percentage": ("0.00%", ["不能填写百分数"]),
    "word 无": ("无", ["应为数字，实为“无”"]),
    "decimal comma with space grouping": ("1 064,89", ["小数点", "1064.89"]),
    "trailing minus": ("1064.89-", ["应为数字"]),
    "letter O for zero": ("1O64.89", ["应为数字"]),
    "date": (datetime.datetime(2024, 1, 5), ["日期", "2024-01-05", "常规"]),
    "time": (datetime.time(12, 30), ["日期或时间", "12:30:00"]),
    "boolean": (True, ["逻辑值“TRUE”"]),
    "huge": (1e15, ["过大"]),
}


@pytest.mark.parametrize(("value", "words"), REFUSED.values(), ids=REFUSED.keys())
def test_a_figure_that_is_not_a_number_is_an_error_at_its_cell(tmp_path, sources, value, words):
    addr = sources.cell(AMOUNT)
    hits = _at(_findings(_edit(tmp_path, sources, {AMOUNT: value})), addr)
    assert len(hits) == 1, hits
    assert hits[0].severity == Severity.ERROR and hits[0].message.startswith(f"{addr}：“合计”")
    for word in words:
        assert word in hits[0].message, hits[0].message


@pytest.mark.parametrize("text", ["(1064.89)", "（1064.89）", "\u22121064.89", "－1064.89", "\u20131064.89"])
def test_negative_forms_are_read_as_negative_and_refused_where_impossible(tmp_path, sources, text):
    """Accounting brackets and the minus signs of Word/PDF are a minus: 合计 cannot be negative."""
    addr = sources.cell(AMOUNT)
    hits = _at(_findings(_edit(tmp_path, sources, {AMOUNT: text})), addr)
    assert [f.message for f in hits] == [f"{addr}：合计不能为负数，实为 -1064.89"]


def test_a_negative_balance_distribution_is_accepted_from_word_minus(tmp_path, sources):
    """结余分配 may be negative: “−1.50” (U+2212, pasted from a PDF) is −1.5."""
    d = load_input(_edit(tmp_path, sources, {("t01", "balance_distribution"): "\u22121.50"})).disclosure
    assert d.t01.balance_distribution == Decimal("-1.50")


@pytest.mark.parametrize("text", ["-", "—", "－", "——", "/", "–", "―", "――"])
def test_dash_marks_mean_blank(text):
    assert accept(text, "money") is None


@pytest.mark.parametrize(
    ("text", "hint"),
    [("35人", "请只填写数字 35（去掉“人”）"), ("3辆", "请只填写数字 3（去掉“辆”）"), ("RMB 12", "去掉“RMB”")],
)
def test_units_after_a_count_say_what_to_type(text, hint):
    with pytest.raises(NumberRefused) as info:
        accept(text, "count")
    assert hint in info.value.detail


def test_a_count_with_a_unit_names_the_cell(tmp_path, sources):
    addr = sources.cell(STAFF)
    hits = _at(_findings(_edit(tmp_path, sources, {STAFF: "35人"})), addr)
    assert [f.message for f in hits] == [f"{addr}：“实有人数”应为数字，实为“35人”：请只填写数字 35（去掉“人”）"]


def test_three_decimals_are_kept_exactly_and_printed_rounded_half_up(tmp_path, sources):
    """The model keeps what the cell holds (1064.885, e.g. =A/10000 without ROUND); the
    text shows 1,064.89 (四舍五入), and the sums that no longer hold to the cent are notes."""
    loaded = load_input(_edit(tmp_path, sources, {AMOUNT: 1064.885}))
    assert loaded.disclosure.t05.rows[3].total == Decimal("1064.885")
    result = invoke("--check", "--json", "--verbose", tmp_path / "edited.xlsx")
    unit = json.loads(result.stdout)[0]
    mine = [f for f in unit["findings"] if sources.cell(AMOUNT) in f["cells"]]
    assert mine and {f["severity"] for f in mine} == {"提示"}
    assert any("合计 1,064.89 万元" in f["message"] for f in mine)


def test_a_residue_below_a_cent_is_refused_with_the_round_hint(tmp_path, sources):
    addr = sources.cell(AMOUNT)
    hits = _at(_findings(_edit(tmp_path, sources, {AMOUNT: 1e-9})), addr)
    assert len(hits) == 1 and "ROUND" in hits[0].message


# ---------------------------------------------------------------------------- 科目编码


@pytest.mark.parametrize(
    "code", [2010399, 2010399.0, "201 03 99", "201.03.99", "２０１０３９９", "2010399 ", "2010399\u00a0", "'2010399"]
)
def test_a_code_in_any_harmless_shape_is_read(tmp_path, sources, code):
    d = load_input(_edit(tmp_path, sources, {CODE: code})).disclosure
    assert d.t05.rows[3].code == "2010399"


@pytest.mark.parametrize(
    ("code", "words"),
    [("20103999", "应为3位（类）、5位（款）或7位（项）数字"), ("abc", "不是数字编码"), ("2010399x", "不是数字编码")],
)
def test_a_malformed_code_is_an_error_at_its_cell(tmp_path, sources, code, words):
    addr = sources.cell(CODE)
    hits = _at(_findings(_edit(tmp_path, sources, {CODE: code})), addr)
    assert len(hits) == 1 and words in hits[0].message and hits[0].message.startswith(addr)


def test_a_code_twice_names_the_worksheet_rows(tmp_path, sources):
    """Was “第 3 行与第 4 行” (positions in the table) beside cells A10 and A11."""
    path = _edit(tmp_path, sources, {CODE: "2010350"})
    hits = [f for f in _checked(path) if f.rule == "structure.duplicate_codes"]
    assert [f.message for f in hits] == ["公开05表科目编码 2010350 重复出现（第 10 行与第 11 行）"]
    assert hits[0].cells == ("公开05表!A10", "公开05表!A11")


def test_a_code_twice_in_json_names_the_rows_of_the_table(tmp_path):
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    data["t05"]["rows"][3]["code"] = "2010350"
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    hits = [f for f in _checked(path) if f.rule == "structure.duplicate_codes"]
    assert [f.message for f in hits] == ["公开05表科目编码 2010350 重复出现（第 3 条与第 4 条科目行）"]


def test_a_wrong_name_for_a_known_code_is_a_warning(tmp_path, sources):
    path = _edit(tmp_path, sources, {("t05", "rows", 3, "name"): "住房保障支出"})
    result = invoke("--check", "--json", path)
    findings = json.loads(result.stdout)[0]["findings"]
    hits = [f for f in findings if f["rule"] == "structure.subject_names"]
    assert [f["severity"] for f in hits] == ["警告"] and "住房保障支出" in hits[0]["message"]


# ---------------------------------------------------------------------------- 单位信息


@pytest.mark.parametrize("year", ["2024年", "2024年度", "２０２４", " 2024 ", 2024.0, "2024 年"])
def test_the_year_written_as_a_clerk_writes_it_is_read(tmp_path, sources, year):
    d = load_input(_edit(tmp_path, sources, {YEAR: year})).disclosure
    assert d.unit.year == 2024


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (24, "年度应不小于 2000，实为 24"),
        (2124, "年度应不大于 2100，实为 2124"),
        ("2024.5", "“年度”应为整数，实为“2024.5”"),
        ("二〇二四", "“年度”应为数字，实为“二〇二四”"),
        (datetime.datetime(2024, 12, 31), "“年度”应为数字，实为日期或时间“2024-12-31”"),
    ],
)
def test_a_wrong_year_is_one_error_at_its_cell(tmp_path, sources, year, message):
    """One error: a refused value is not also reported as “年度必须填写”."""
    addr = sources.cell(YEAR)
    hits = _at(_findings(_edit(tmp_path, sources, {YEAR: year})), addr)
    assert len(hits) == 1, hits
    assert hits[0].message.startswith(f"{addr}：{message}")


def test_a_year_without_subject_data_is_an_error_at_its_cell_with_exit_1(tmp_path, sources):
    """Was “无法读取” (exit 2) naming no cell."""
    path = _edit(tmp_path, sources, {YEAR: 2019})
    addr = sources.cell(YEAR)
    hits = _at(_findings(path), addr)
    assert len(hits) == 1 and hits[0].rule == "input.year"
    assert "年度 2019 没有分类科目数据（现有：2024" in hits[0].message and "--year-data" in hits[0].message
    result = invoke("--check", path)
    assert result.exit_code == 1 and addr in result.stdout + result.stderr


def test_a_json_year_without_subject_data_names_the_path(tmp_path):
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    data["unit"]["year"] = 2019
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert [f.cells for f in _findings(path) if f.rule == "input.year"] == [("unit.year",)]


@pytest.mark.parametrize(
    ("path", "typed", "read"),
    [
        (DOCUMENT, "单位决算", "单位"),
        (DOCUMENT, "部门决算", "部门"),
        (DOCUMENT, "单 位", "单位"),
        (KIND, "行政单位 ", "行政单位"),
        (KIND, "参公单位", "参照公务员法管理的事业单位"),
        (KIND, "事业　单位", "事业单位"),
    ],
)
def test_an_unambiguous_choice_is_read(tmp_path, sources, path, typed, read):
    d = load_input(_edit(tmp_path, sources, {path: typed})).disclosure
    assert str(d.unit.model_dump()[path[1]]) == read


@pytest.mark.parametrize(
    ("path", "typed", "choices"),
    [
        (DOCUMENT, "部们", "决算类别应为“单位”或“部门”之一，实为“部们”"),
        (KIND, "事业", "单位性质应为“行政单位”、“事业单位”或“参照公务员法管理的事业单位”之一，实为“事业”"),
    ],
)
def test_a_wrong_choice_lists_the_choices_in_chinese(tmp_path, sources, path, typed, choices):
    """Was “应为 '单位' or '部门' 之一”."""
    addr = sources.cell(path)
    hits = _at(_findings(_edit(tmp_path, sources, {path: typed})), addr)
    assert [f.message for f in hits] == [f"{addr}：{choices}"]


def test_a_unit_name_with_line_breaks_is_one_line(tmp_path, sources):
    d = load_input(_edit(tmp_path, sources, {NAME: "乌鲁木齐市\n12345政务服务热线中心"})).disclosure
    assert d.unit.name == "乌鲁木齐市12345政务服务热线中心"


@pytest.mark.parametrize(("typed", "message"), [(None, "单位名称必须填写"), ("   ", "单位名称必须填写")])
def test_an_empty_unit_name_is_an_error_at_its_cell(tmp_path, sources, typed, message):
    addr = sources.cell(NAME)
    hits = _at(_findings(_edit(tmp_path, sources, {NAME: typed})), addr)
    assert [f.message for f in hits] == [f"{addr}：{message}"]


def test_a_style_that_does_not_exist_lists_the_styles(tmp_path, sources):
    addr = sources.cell(("unit", "style"))
    hits = _at(_findings(_edit(tmp_path, sources, {("unit", "style"): "北京"})), addr)
    assert len(hits) == 1 and "未知的公开格式“北京”" in hits[0].message and "乌鲁木齐" in hits[0].message


# ---------------------------------------------------------------------------- structure


def test_a_copied_sheet_with_other_figures_is_an_error_naming_both_tables(tmp_path, sources):
    """Excel's “公开05表 (2)” edited instead of the original: was read silently from one of them."""

    def copy_and_edit(wb):
        copy = wb.copy_worksheet(wb["公开05表"])
        copy.title = "公开05表 (2)"
        copy["C11"] = 999

    hits = [f for f in _findings(_edit(tmp_path, sources, {}, post=copy_and_edit)) if f.rule == "input.duplicate_table"]
    assert len(hits) == 1
    assert hits[0].cells == ("公开05表!A1", "公开05表 (2)!A1")
    assert "出现了 2 次，数字不同" in hits[0].message and "删除多余的表" in hits[0].message


@pytest.mark.parametrize(
    "cells, severity, rule, message, at",
    [
        ({"公开01表!A10": "四、奇怪的收入"}, Severity.WARNING, "input.unknown_row",
         "公开01表!A10：公开01表中不认识的项目“四、奇怪的收入”，已忽略", "公开01表!A10"),
        ({"公开04表!D8": "二、奇怪的支出", "公开04表!F8": 0}, Severity.WARNING, "input.unknown_row",
         "公开04表!D8：公开04表中不认识的项目“二、奇怪的支出”，已忽略", "公开04表!D8"),
        ({"公开01表!A5": "名目", "公开01表!D5": "名目"}, Severity.ERROR, "input.header",
         "公开01表：公开01表找不到表头“项目”", "公开01表!A1"),
        ({"公开04表!F5": "甲", "公开04表!G5": "乙", "公开04表!H5": "丙", "公开04表!I5": "丁"}, Severity.ERROR,
         "input.column", "公开04表：公开04表支出栏找不到金额列", "公开04表!D5"),
    ],
    ids=["01-unknown-row", "04-unknown-row", "01-no-header", "04-no-amount-columns"],
)
def test_the_two_sided_tables_name_an_unknown_row_and_a_lost_header(tmp_path, cells, severity, rule, message, at):
    """公开01表 and 公开04表 (收入 | 支出): a row label the reader does not know, with an amount, is
    a warning at its cell (the row is not read); without the “项目” header or the amount columns
    the table is an error."""
    wb = openpyxl.load_workbook(SAMPLE)
    for ref, value in cells.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = value
    wb.save(tmp_path / "edited.xlsx")
    try:
        findings = load_input(tmp_path / "edited.xlsx").findings
    except InputInvalid as info:
        findings = info.findings
    hits = [f for f in findings if f.rule == rule]
    assert [(f.severity, f.message, f.cells) for f in hits] == [(severity, message, (at,))]


def test_an_identical_copy_of_a_sheet_is_harmless(tmp_path, sources):
    def copy(wb):
        wb.copy_worksheet(wb["公开05表"]).title = "公开05表 (2)"

    loaded = load_input(_edit(tmp_path, sources, {}, post=copy))
    assert loaded.disclosure.t05.rows[3].total == Decimal("1064.89")


@pytest.mark.parametrize(("merge", "hidden", "first"), [("C11:E11", "D11", "C11"), ("C10:C11", "C11", "C10")])
def test_merged_amount_cells_are_a_warning_at_the_covered_cell(tmp_path, sources, merge, hidden, first):
    path = _edit(tmp_path, sources, {}, post=lambda wb: wb["公开05表"].merge_cells(merge))
    loaded = load_input(path)
    findings = loaded.findings + run_checks(loaded.disclosure, loaded.sources)  # the lost figure: sums fail
    hits = [f for f in findings if f.rule == "input.merged"]
    assert len(hits) == 1 and hits[0].severity == Severity.WARNING
    assert hits[0].cells == (f"公开05表!{hidden}", f"公开05表!{first}")
    assert "取消合并" in hits[0].message
    assert any(f.severity == Severity.ERROR and f.rule.startswith("t05.") for f in findings)


@pytest.mark.parametrize(
    "change",
    [
        lambda wb: setattr(wb["公开05表"], "title", "表5"),
        lambda wb: setattr(wb["公开05表"], "sheet_state", "hidden"),
        lambda wb: wb["公开05表"].insert_rows(1, 3),
        lambda wb: wb.move_sheet("公开05表", offset=5),
        lambda wb: setattr(wb["公开05表"].protection, "sheet", True),
        lambda wb: wb.create_sheet("草稿").append(["随手记", 123]),
        lambda wb: wb.remove(wb["公式辅助"]),
    ],
    ids=["renamed", "hidden", "rows inserted above", "moved", "protected", "extra sheet", "lookup sheet deleted"],
)
def test_harmless_changes_to_the_sheets_read_the_same_figures(tmp_path, sources, change):
    d = load_input(_edit(tmp_path, sources, {}, post=change)).disclosure
    assert d == load_input(SAMPLE).disclosure


# ---------------------------------------------------------------------------- files


def _ods(tmp_path: Path) -> Path:
    path = tmp_path / "ods.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return path


def _docx(tmp_path: Path) -> Path:
    path = tmp_path / "说明.xlsx"
    document = docx.Document()
    document.add_paragraph("公开说明")
    document.save(str(path))
    return path


def _pdf(tmp_path: Path) -> Path:
    path = tmp_path / "说明.xlsx"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    return path


def _lock(tmp_path: Path) -> Path:
    path = tmp_path / "~$决算.xlsx"
    path.write_bytes(b"\x0czhangsan" + bytes(150))
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_ods, ["OpenDocument 表格", "另存为 Excel 工作簿（.xlsx）"]),
        (_docx, ["Word 文档", "不是 Excel 工作簿"]),
        (_pdf, ["PDF 文件", "不是 Excel 工作簿"]),
        (_lock, ["临时锁定文件", "决算.xlsx"]),
    ],
    ids=["ods renamed xlsx", "docx renamed xlsx", "pdf renamed xlsx", "lock file"],
)
def test_other_files_say_what_they_are(tmp_path, make, words):
    path = make(tmp_path)
    with pytest.raises(InputUnreadable) as info:
        load_input(path)
    for word in words:
        assert word in str(info.value)
    result = invoke("--check", path)
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_a_workbook_saved_as_xls_by_libreoffice_reads_like_the_xlsx(tmp_path):
    """LibreOffice stores the empty results of the 对比与原因 lookup formulas as 0 in an .xls;
    those rows were read as items with 科目编码 “0”."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "xls",
         "--outdir", str(tmp_path), str(SAMPLE)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    xls = tmp_path / (SAMPLE.stem + ".xls")
    assert load_input(xls).disclosure == load_input(SAMPLE).disclosure


# ---------------------------------------------------------------------------- JSON


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "t05.rows[3].total：合计应为数字，实为“null”"),
        ([1], "t05.rows[3].total：合计应为数字，实为“[1]”"),
        ("1064.89万元", "t05.rows[3].total：合计应为数字，实为“1064.89万元”：请只填写数字（去掉“万元”）"),
    ],
)
def test_json_wrong_types_name_the_path_in_json_words(tmp_path, value, message):
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    data["t05"]["rows"][3]["total"] = value
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    hits = [f.message for f in _findings(path) if f.cells == ("t05.rows[3].total",)]
    assert len(hits) == 1 and hits[0].startswith(message), hits


def test_json_float_literals_are_read_as_written(tmp_path):
    text = SAMPLE_JSON.read_text(encoding="utf-8").replace('"total": "1064.89"', '"total": 1064.89', 1)
    assert '"total": 1064.89' in text
    path = tmp_path / "float.json"
    path.write_text(text, encoding="utf-8")
    assert load_input(path).disclosure.t05.rows[3].total == Decimal("1064.89")


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"\xef\xbb\xbf" + SAMPLE_JSON.read_bytes(), None),
        (b"", "不是有效的 JSON"),
        (b"[" * 100000 + b"]" * 100000, "JSON"),
        (b"null", "顶层应为一个对象"),
        (SAMPLE_JSON.read_text(encoding="utf-8").encode("utf-16"), "UTF-8"),
    ],
    ids=["BOM", "empty", "deep nesting", "null", "UTF-16"],
)
def test_json_files_of_every_shape_never_crash(tmp_path, payload, words):
    path = tmp_path / "data.json"
    path.write_bytes(payload)
    if words is None:
        assert load_input(path).disclosure.unit.name == "乌鲁木齐市12345政务服务热线中心"
        return
    result = invoke("--check", "--json", path)
    assert result.exit_code in (1, 2)
    unit = json.loads(result.stdout)[0]
    assert words in unit["message"] + "".join(f["message"] for f in unit["findings"])


# ---------------------------------------------------------------------------- every command


CLI_CASES = {
    # name: (edits, accepted?, text expected in the DOCX when generated)
    "amount with Alt+Enter": ({AMOUNT: "1064.89\n"}, True, "1,064.89"),
    "year 2024年": ({YEAR: "2024年"}, True, "2024年度"),
    "决算类别 单位决算": ({DOCUMENT: "单位决算"}, True, "单位决算"),
    "amount 1064.89万元": ({AMOUNT: "1064.89万元"}, False, None),
    "year 2019": ({YEAR: 2019}, False, None),
}


@pytest.mark.parametrize(("edits", "accepted", "printed"), CLI_CASES.values(), ids=CLI_CASES.keys())
def test_every_command_handles_the_mistake(tmp_path, sources, edits, accepted, printed):
    folder = tmp_path / "各单位"
    folder.mkdir()
    path = _edit(folder, sources, edits, name="单位.xlsx")
    shutil.copy(OTHER, folder / OTHER.name)
    cell = sources.cell(next(iter(edits)))

    check = invoke("--check", path)
    assert check.exit_code == (0 if accepted else 1)
    if not accepted:
        assert cell in check.stdout + check.stderr

    as_json = invoke("--check", "--json", path)
    unit = json.loads(as_json.stdout)[0]
    errors = [f for f in unit["findings"] if f["severity"] == "错误"]
    assert (errors == []) is accepted
    assert accepted or any(cell in f["cells"] for f in errors)

    dump = invoke("--dump-json", path)
    assert dump.exit_code == (0 if accepted else 1)
    if accepted:
        assert json.loads(dump.stdout)["unit"]["year"] == 2024

    out = tmp_path / "out"
    generated = invoke(path, "-o", out, "--format", "docx")
    assert generated.exit_code == (0 if accepted else 1)
    files = sorted(p for p in out.glob("*") if p.name != RECORDS) if out.exists() else []
    if accepted:
        assert [f.suffix for f in files] == [".docx"]
        assert printed in docx_text(files[0])
    else:
        assert files == []

    batch_out = tmp_path / "batch"
    batch = invoke(folder, "-o", batch_out, "--format", "docx", "-j", "1")
    assert batch.exit_code == (0 if accepted else 1)
    produced = sorted(p.name for p in batch_out.glob("*.docx"))
    assert "乌鲁木齐市政务服务中心2024年度单位决算公开.docx" in produced  # the good unit always
    assert len(produced) == (2 if accepted else 1)
    assert (batch_out / "汇总.xlsx").is_file()
    assert not [p for p in batch_out.iterdir() if p.name != RECORDS and (p.name.startswith(".") or "tmp" in p.name.lower())]


# ---------------------------------------------------------------------------- JSON texts, keys and versions


def _json_text(tmp_path: Path, text: str, name: str = "data.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_json_key_written_twice_is_an_error_naming_its_path(tmp_path):
    """Was: the last value taken silently (1.00 instead of 3300.15)."""
    text = SAMPLE_JSON.read_text(encoding="utf-8")
    text = text.replace('"gpb_income": "3300.15"', '"gpb_income": "3300.15", "gpb_income": "1.00"', 1)
    findings = _findings(_json_text(tmp_path, text))
    assert [f.cells for f in findings] == [("t01.gpb_income",)]
    assert "出现了不止一次（3300.15 与 1.00）" in findings[0].message


@pytest.mark.parametrize(
    ("payload", "kind"), [("[1, 2]", "一个列表（[…]）"), ("null", " null"), ('"abc"', "一段文字"), ("12", "一个数")]
)
def test_a_json_top_level_that_is_no_object_says_what_it_is(tmp_path, payload, kind):
    """Was “实为list”, “实为NoneType”."""
    findings = _findings(_json_text(tmp_path, payload))
    assert [f.message for f in findings] == ["JSON 顶层应为一个对象（{…}），实为" + kind]


def test_a_lone_surrogate_in_json_is_an_error_and_never_an_internal_error(tmp_path):
    """Was an English message, and 程序内部错误（UnicodeEncodeError） in a folder batch."""
    text = SAMPLE_JSON.read_text(encoding="utf-8").replace(
        '"乌鲁木齐市12345政务服务热线中心"', '"乌鲁木齐\\ud800中心"', 1
    )
    folder = tmp_path / "各单位"
    folder.mkdir()
    path = _json_text(folder, text)
    shutil.copy(OTHER, folder / OTHER.name)
    findings = _findings(path)
    assert [(f.cells, f.rule) for f in findings if f.severity == Severity.ERROR] == [(("unit.name",), "input.text")]
    batch = invoke(folder, "-o", tmp_path / "out", "--format", "docx", "-j", "1")
    assert batch.exit_code == 1 and "程序内部错误" not in batch.output
    assert (tmp_path / "out" / "乌鲁木齐市政务服务中心2024年度单位决算公开.docx").is_file()


def test_control_characters_are_removed_with_a_warning_and_the_document_is_written(tmp_path):
    """Was “无法读取。文件已损坏或不是 Excel 工作簿” when the DOCX writer met U+0000."""
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    data["unit"]["name"] = "乌鲁木齐市12345\x00政务服务热线中心\x07"
    path = _json_text(tmp_path, json.dumps(data, ensure_ascii=False))
    loaded = load_input(path)
    assert loaded.disclosure.unit.name == "乌鲁木齐市12345政务服务热线中心"
    hits = [f for f in loaded.findings if f.rule == "input.control_chars"]
    assert [(f.severity, f.cells) for f in hits] == [(Severity.WARNING, ("unit.name",))]
    assert "U+0000、U+0007" in hits[0].message
    out = tmp_path / "out"
    result = invoke(path, "-o", out, "--format", "docx")
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.docx")
    assert "乌鲁木齐市12345政务服务热线中心" in docx_text(written)


def test_control_characters_read_from_a_workbook_are_removed_with_a_warning_at_the_cell(sources):
    """A workbook cell can carry them as Excel's ``_x001F_`` escapes; the warning names the cell."""
    from generator.inputs import _text_findings

    raw = {"comparisons": {"total": {"reason": "人员增加\x1f，支出增加"}}}
    findings = _text_findings(raw, sources)
    assert raw["comparisons"]["total"]["reason"] == "人员增加，支出增加"
    assert [(f.severity, f.cells) for f in findings] == [(Severity.WARNING, (sources.cell(("comparisons", "total", "reason")),))]
    assert findings[0].message.startswith(f"{sources.cell(('comparisons', 'total', 'reason'))}：文字中有不可见的控制字符（U+001F）")


def test_a_json_of_a_newer_data_format_is_refused(tmp_path):
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    data["schema_version"] = 2
    findings = _findings(_json_text(tmp_path, json.dumps(data, ensure_ascii=False)))
    assert [f.message for f in findings] == [
        "schema_version：数据格式版本为 2，本程序只能读取版本 1 及以前的数据：请升级本工具后再读取"
    ]


def test_a_unit_name_with_characters_no_file_name_may_hold_says_how_the_file_is_named(tmp_path, sources):
    path = _edit(tmp_path, sources, {NAME: "乌鲁木齐市12345/政务服务热线中心"})
    out = tmp_path / "out"
    result = invoke(path, "-o", out, "--format", "docx")
    assert result.exit_code == 0
    (written,) = out.glob("*.docx")
    assert written.name == "乌鲁木齐市12345_政务服务热线中心2024年度单位决算公开.docx"
    assert "文件名不能使用的字符" in result.output and written.stem in result.output
    assert "乌鲁木齐市12345/政务服务热线中心" in docx_text(written)  # the document keeps the name as typed


@pytest.mark.parametrize("text", ["12 34", "12\n34", "1 2", "1064 89", "1 0648.9"])
def test_two_numbers_in_one_cell_are_never_joined(text):
    """“12\\n34” (two figures on two lines of a cell) was read as 1234, “1 2” as 12."""
    with pytest.raises(NumberRefused) as info:
        accept(text, "money")
    assert "数字中间有空格或换行" in info.value.detail


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1 234 567.89", "1234567.89"), ("( 12.30 )", "-12.30"), ("- 5", "-5"), ("\u00a01\u00a0064.89", "1064.89")],
)
def test_spaces_that_group_thousands_or_touch_a_sign_are_harmless(text, expected):
    assert accept(text, "signed_money") == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("// 说明\n{}", "第 1 行第 1 列：此处应为一个值（JSON 不允许注释"),
        ('{"unit": {"name": "某单位",}}', "键名应写在英文双引号中"),
        ('{"unit": {"name": "某单位" "year": 2024}}', "缺少英文逗号"),
        ('{"unit": {"name" "某单位"}}', "键名后缺少英文冒号"),
        ('{"unit": {"name": "某单位}}', "文字缺少结尾的英文双引号"),
        ('{"unit": {"name": "C:\\某单位"}}', "无效的反斜杠转义"),
        ('{"unit": {}}\n}', "第 2 行第 1 列：完整的 JSON 之后还有多余的内容"),
        ("  \n", "文件是空的"),
    ],
)
def test_a_json_syntax_error_is_said_in_chinese_with_line_and_column(tmp_path, text, said):
    """Was the parser's English (“Expecting value”, “Extra data”)."""
    with pytest.raises(InputUnreadable) as info:
        load_input(_json_text(tmp_path, text))
    assert said in str(info.value)
    assert not any(word in str(info.value) for word in ("Expecting", "Extra data", "Invalid", "Unterminated"))


@pytest.mark.parametrize(("key", "where"), [("", 'unit[""]'), ("a.b", 'unit["a.b"]'), ("备 注", 'unit["备 注"]')])
def test_an_unknown_json_key_that_is_empty_or_dotted_is_named_in_brackets(tmp_path, key, where):
    """Was “unit.：不认识的字段“””: a path no one can follow back to the key."""
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    data["unit"][key] = 1
    findings = _findings(_json_text(tmp_path, json.dumps(data, ensure_ascii=False)))
    assert [(f.cells, f.rule) for f in findings] == [((where,), "input.extra_forbidden")]
    assert findings[0].message.startswith(f"{where}：不认识的字段")


@pytest.mark.parametrize(
    ("value", "said"),
    [(True, "数据格式版本应为数字，实为逻辑值"), (0, "数据格式版本应不小于 1，实为 0"), ("1.5", "数据格式版本应为整数")],
)
def test_a_json_data_format_version_that_is_no_version_is_refused(tmp_path, value, said):
    """``"schema_version": true`` was read as version 1."""
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    data["schema_version"] = value
    findings = _findings(_json_text(tmp_path, json.dumps(data, ensure_ascii=False)))
    assert [f.cells for f in findings] == [("schema_version",)]
    assert findings[0].message.startswith(f"schema_version：{said}"), findings[0].message


@pytest.mark.parametrize("title", ["上年数", "待定", 123])
def test_a_changed_comparison_header_is_warned_at_its_cell_and_the_missing_figures_name_their_rows(
    tmp_path, sources, title
):
    """“上年决算数” over the 对比与原因 columns typed over: the whole column was dropped silently
    and the checks named “comparisons.total.prior”, a JSON path, for a workbook."""
    prior = sources.cell(("comparisons", "total", "prior"))  # 对比与原因!C4
    sheet, ref = prior.split("!")
    header = f"{sheet}!C{int(ref[1:]) - 1}"
    path = _edit(tmp_path, sources, {}, post=lambda wb: wb[sheet].__setitem__(header.split("!")[1], title))
    try:
        loaded = load_input(path)
        findings = loaded.findings + run_checks(loaded.disclosure, loaded.sources)
    except InputInvalid as exc:
        findings = exc.findings
    warned = [f for f in findings if f.rule == "input.compare_header"]
    assert [(f.severity, f.cells) for f in warned] == [(Severity.WARNING, (header,))]
    assert f"表头“{title}”应为“上年决算数”" in warned[0].message
    missing = [f for f in findings if f.rule == "comparisons.missing" and "收入支出总计的上年决算数" in f.message]
    assert missing and all("!" in c for f in findings for c in f.cells), [f.cells for f in findings]
    assert missing[0].cells == (f"{sheet}!A{ref[1:]}",)


@pytest.mark.parametrize(("typed", "shown"), [("1\x1f2", "1[U+001F]2"), ("\x0735", "[U+0007]35")])
def test_control_characters_in_a_json_figure_are_refused_not_deleted(tmp_path, typed, shown):
    """“1\\x1f2” was read as 12 (the character deleted with a warning): two numbers joined, where
    the workbook refuses the same cell.  The message shows the invisible character."""
    data = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    data["t01"]["fund_income"] = typed
    findings = _findings(_json_text(tmp_path, json.dumps(data, ensure_ascii=False)))
    assert [f.cells for f in findings] == [("t01.fund_income",)]
    assert f"应为数字，实为“{shown}”" in findings[0].message
