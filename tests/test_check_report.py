"""``--check WORKBOOK --report 检查结果.xlsx``: the clerk's own workbook with every problem marked.

The report is read back with openpyxl (first sheet 检查结果, every finding with a link to its
cell, fills by severity, comments, values/formulas/merges of the copy) and opened in
LibreOffice Calc; the input workbook is byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLES_DIR
from test_workbook_support import xlsx_to_xls

from generator.check_report import FILLS, REPORT_SHEET, split_place, write_report
from generator.errors import Finding, Severity
from generator.pipeline import check_file
from generator.workbook import write_template
from tests.clirun import invoke

SAMPLE = SAMPLES_DIR / "乌鲁木齐市12345政务服务热线中心.json"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def clerk_workbook(tmp_path_factory) -> Path:
    """The 12345 sample as a clerk's workbook with 上年决算数 of 收入支出总计 left empty: 错误
    (the missing figure), 警告 (政府采购 900.52) and 提示 (rounding tails)."""
    from generator.inputs import load_input

    tmp = tmp_path_factory.mktemp("clerk")
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["comparisons"]["total"]["prior"] = None
    source = tmp / "source.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    path = tmp / "我单位2024年决算.xlsx"
    write_template(path, load_input(source).disclosure)
    return path


@pytest.fixture(scope="module")
def report(clerk_workbook, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("report")
    before = digest(clerk_workbook)
    mtime = clerk_workbook.stat().st_mtime_ns
    target = tmp / "检查结果.xlsx"
    result = invoke("--check", clerk_workbook, "--report", target)
    return {"target": target, "result": result, "before": before, "mtime": mtime}


def _rows(ws) -> list[tuple]:
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    return [
        tuple(ws.cell(r, c) for c in range(1, 7))
        for r in range(header + 1, ws.max_row + 1)
        if ws.cell(r, 1).value is not None
    ]


def test_the_input_workbook_is_never_modified(clerk_workbook, report):
    assert report["result"].exit_code == 1  # the check itself failed (a missing figure)
    assert "已写出检查结果" in report["result"].output
    assert digest(clerk_workbook) == report["before"]
    assert clerk_workbook.stat().st_mtime_ns == report["mtime"]


def test_first_sheet_lists_every_finding_with_a_link_to_its_cell(clerk_workbook, report):
    findings = check_file(clerk_workbook).findings
    assert {f.severity for f in findings} == set(Severity)  # all three severities occur
    wb = openpyxl.load_workbook(report["target"])
    assert wb.sheetnames[0] == REPORT_SHEET and wb.active.title == REPORT_SHEET
    rows = _rows(wb[REPORT_SHEET])
    assert len(rows) == len(findings)
    listed = {(r[1].value, r[2].value, r[3].value) for r in rows}
    assert listed == {(str(f.severity), f.rule, f.message) for f in findings}
    order = [r[1].value for r in rows]
    assert order == sorted(order, key=["错误", "警告", "提示"].index)  # errors first
    for number, sev, _rule, message, where, others in rows:
        finding = next(f for f in findings if f.message == message.value)
        assert sev.fill.fgColor.rgb[-6:] == FILLS[finding.severity]
        assert where.value == finding.cells[0]
        assert others.value == "、".join(finding.cells[1:]) or (others.value is None and len(finding.cells) == 1)
        sheet, ref = split_place(where.value)
        assert where.hyperlink is not None and where.hyperlink.location == f"'{sheet}'!{ref}"
    missing = next(r for r in rows if r[2].value == "comparisons.missing")
    assert missing[4].value == "对比与原因!C4"


def test_every_named_cell_is_filled_by_severity_and_carries_the_message(clerk_workbook, report):
    findings = check_file(clerk_workbook).findings
    wb = openpyxl.load_workbook(report["target"])
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}
    worst: dict[str, Severity] = {}
    for f in findings:
        for place in f.cells:
            if split_place(place):
                if place not in worst or rank[f.severity] < rank[worst[place]]:
                    worst[place] = f.severity
    assert {"对比与原因!C4", "采购与资产!B4", "公开01表!F33"} <= set(worst)
    for place, severity in worst.items():
        sheet, ref = split_place(place)
        cell = wb[sheet][ref]
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb[-6:] == FILLS[severity], place
        messages = [f.message for f in findings if place in f.cells]
        assert cell.comment is not None and all(m in cell.comment.text for m in messages), place
    assert worst["对比与原因!C4"] is Severity.ERROR
    assert worst["采购与资产!B4"] is Severity.WARNING
    assert worst["公开01表!F33"] is Severity.NOTE
    # cells no finding names keep their own look
    src = openpyxl.load_workbook(clerk_workbook)
    for sheet in ("公开01表", "对比与原因"):
        for row in src[sheet].iter_rows():
            for cell in row:
                if f"{sheet}!{cell.coordinate}" in worst:
                    continue
                copy = wb[sheet][cell.coordinate]
                assert (copy.fill.fill_type, copy.fill.fgColor.rgb) == (cell.fill.fill_type, cell.fill.fgColor.rgb)
                assert copy.comment is None or copy.comment.text == getattr(cell.comment, "text", None)


def test_the_copy_keeps_values_formulas_layout_and_merges(clerk_workbook, report):
    src = openpyxl.load_workbook(clerk_workbook)
    out = openpyxl.load_workbook(report["target"])
    assert out.sheetnames == [REPORT_SHEET, *src.sheetnames]
    formulas = 0
    for ws in src.worksheets:
        copy = out[ws.title]
        assert sorted(map(str, copy.merged_cells.ranges)) == sorted(map(str, ws.merged_cells.ranges))
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert copy[cell.coordinate].value == cell.value, (ws.title, cell.coordinate)
                    formulas += isinstance(cell.value, str) and cell.value.startswith("=")
        for key, dim in ws.column_dimensions.items():
            assert copy.column_dimensions[key].width == dim.width
        assert copy.sheet_state == ws.sheet_state
    assert formulas > 0, "the standard workbook has formulas (本年决算数 beside the comparisons)"


def test_refuses_to_overwrite_unless_asked(clerk_workbook, report):
    target = report["target"]
    stamp = target.stat().st_mtime_ns
    result = invoke("--check", clerk_workbook, "--report", target)
    assert result.exit_code == 2 and "已存在" in result.output and "--overwrite" in result.output
    assert target.stat().st_mtime_ns == stamp
    result = invoke("--check", clerk_workbook, "--report", target, "--overwrite")
    assert result.exit_code == 1 and target.stat().st_mtime_ns != stamp
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_the_report_never_replaces_the_input(clerk_workbook):
    before = digest(clerk_workbook)
    result = invoke("--check", clerk_workbook, "--report", clerk_workbook, "--overwrite")
    assert result.exit_code == 2 and "不能写到输入的工作簿上" in result.output
    assert digest(clerk_workbook) == before


def test_report_needs_check(clerk_workbook, tmp_path):
    result = invoke(clerk_workbook, "--report", tmp_path / "r.xlsx")
    assert result.exit_code == 2 and "选项 --report 只能与 --check 同用" in result.output


def test_several_workbooks_need_a_folder(clerk_workbook, tmp_path):
    second = tmp_path / "in" / "第二个单位.xlsx"
    second.parent.mkdir()
    shutil.copy(clerk_workbook, second)
    result = invoke("--check", clerk_workbook, second, "--report", tmp_path / "r.xlsx")
    assert result.exit_code == 2 and "应给出一个文件夹" in result.output
    assert not (tmp_path / "r.xlsx").exists()
    folder = tmp_path / "检查结果"
    result = invoke("--check", clerk_workbook, second, "--report", folder)
    assert result.exit_code == 1
    assert sorted(p.name for p in folder.iterdir()) == ["我单位2024年决算-检查结果.xlsx", "第二个单位-检查结果.xlsx"]
    result = invoke("--check", second.parent, "--report", second.parent)
    assert result.exit_code == 2 and "不能是工作簿所在的文件夹" in result.output


def test_json_input_lists_model_paths(tmp_path):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["comparisons"]["total"]["prior"] = None
    source = tmp_path / "数据.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = digest(source)
    target = tmp_path / "检查结果.xlsx"
    result = invoke("--check", source, "--report", target)
    assert result.exit_code == 1, result.output
    assert digest(source) == before
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == [REPORT_SHEET]
    rows = _rows(wb[REPORT_SHEET])
    assert len(rows) == len(check_file(source).findings)
    places = {r[4].value for r in rows}
    assert "comparisons.total.prior" in places and "procurement.total" in places
    assert all(r[4].hyperlink is None for r in rows)


def test_user_text_is_stored_as_text_never_as_a_formula(clerk_workbook, tmp_path):
    findings = [
        Finding(Severity.ERROR, "t.formula", "=HYPERLINK(\"http://example.invalid\",\"点我\")", ("公开01表!C7",)),
        Finding(Severity.WARNING, "=rule", "+1+1", ("@SUM(A1)",)),
        Finding(Severity.NOTE, "t.control", "控制字符\x07在此", ()),
    ]
    target = write_report(clerk_workbook, findings, tmp_path / "r.xlsx", unit="=单位")
    ws = openpyxl.load_workbook(target)[REPORT_SHEET]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type in ("s", "n") for c in cells), [(c.coordinate, c.data_type) for c in cells]
    texts = {c.value for c in cells}
    assert findings[0].message in texts and "=rule" in texts and "+1+1" in texts and "控制字符在此" in texts
    marked = openpyxl.load_workbook(target)["公开01表"]["C7"]
    assert findings[0].message in marked.comment.text


def test_xls_input_is_copied_with_values_and_merges(clerk_workbook, tmp_path):
    xls = tmp_path / "导出.xls"
    xlsx_to_xls(clerk_workbook, xls)
    before = digest(xls)
    target = tmp_path / "r.xlsx"
    findings = check_file(xls).findings
    write_report(xls, findings, target)
    assert digest(xls) == before
    wb = openpyxl.load_workbook(target)
    src = openpyxl.load_workbook(clerk_workbook)
    assert wb["公开05表"].merged_cells.ranges and sorted(map(str, wb["公开05表"].merged_cells.ranges)) == sorted(
        map(str, src["公开05表"].merged_cells.ranges)
    )
    assert wb["公开05表"]["A1"].value == src["公开05表"]["A1"].value
    assert wb["对比与原因"]["C4"].comment is not None
    assert wb["对比与原因"]["C4"].fill.fgColor.rgb[-6:] == FILLS[Severity.ERROR]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_calc_opens_the_report(clerk_workbook, report, tmp_path):
    src = tmp_path / "report.xlsx"
    shutil.copy(report["target"], src)
    write_report(clerk_workbook, [Finding(Severity.ERROR, "x", "=1+1", ("公开01表!C7",))], tmp_path / "formula.xlsx")
    proc = subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(tmp_path), str(src), str(tmp_path / "formula.xlsx")],
        capture_output=True, text=True, timeout=300, check=False, env={**os.environ, "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr
    first = (tmp_path / f"report-{REPORT_SHEET}.csv").read_text(encoding="utf-8")
    assert "comparisons.missing" in first and "对比与原因!C4" in first
    marked = (tmp_path / "report-对比与原因.csv").read_text(encoding="utf-8")
    assert "收入支出总计" in marked
    formula = (tmp_path / f"formula-{REPORT_SHEET}.csv").read_text(encoding="utf-8")
    assert "=1+1" in formula  # shown as typed: text, not evaluated to 2


def test_a_workbook_the_reader_refuses_gets_its_report_too(clerk_workbook, tmp_path):
    """Reading errors name their cells: the report marks them like any finding; with --json
    stdout stays pure JSON (the report's message goes to stderr)."""
    bad = tmp_path / "小数点.xlsx"
    wb = openpyxl.load_workbook(clerk_workbook)
    wb["公开01表"]["C7"] = "432,20"
    wb.save(bad)
    before = digest(bad)
    target = tmp_path / "r.xlsx"
    result = invoke("--check", "--json", bad, "--report", target)
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload[0]["findings"][0]["rule"] == "input.number"
    assert "已写出检查结果" in result.stderr
    assert digest(bad) == before
    out = openpyxl.load_workbook(target)
    cell = out["公开01表"]["C7"]
    assert cell.value == "432,20" and "432.20" in cell.comment.text
    assert cell.fill.fgColor.rgb[-6:] == FILLS[Severity.ERROR]
    assert _rows(out[REPORT_SHEET])[0][4].hyperlink.location == "'公开01表'!C7"
