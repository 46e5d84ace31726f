"""generator.inputs: JSON in and out, the JSON Schema, and bad input of every kind.

Bad input never crashes: each case raises InputUnreadable (exit 2, the file cannot be
opened) or InputInvalid (exit 1, data errors, all findings collected), with a Chinese
message naming the file, sheet and cell (or JSON path).  All amounts in 万元.
"""

from __future__ import annotations

import json
import random
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_workbook_support import encrypted_ole, model_diff

from generator.errors import InputInvalid, InputUnreadable, JuesuanError, Severity
from generator.inputs import LoadedInput, dump_json, load_input, write_json_schema
from generator.model import Disclosure

REPO = Path(__file__).resolve().parents[1]


def _edit(src: Path, dst: Path, edits: dict[tuple[str, str], object]) -> Path:
    wb = openpyxl.load_workbook(src)
    for (sheet, ref), value in edits.items():
        wb[sheet][ref] = value
    wb.save(dst)
    return dst


def _invalid(path: Path) -> list[str]:
    with pytest.raises(InputInvalid) as info:
        load_input(path)
    assert info.value.exit_code == 1
    assert str(path) in str(info.value)
    return [f.message for f in info.value.findings if f.severity == Severity.ERROR]


def _unreadable(path: Path) -> str:
    with pytest.raises(InputUnreadable) as info:
        load_input(path)
    assert info.value.exit_code == 2
    message = str(info.value)
    assert str(path) in message
    return message


# ---------------------------------------------------------------------------- JSON


def test_dump_json_is_pretty_chinese_and_decimal_strings(unit):
    text = dump_json(unit)
    data = json.loads(text)
    assert "测试市某某中心" in text and "\\u" not in text
    assert text.startswith("{\n  ")
    assert data["t01"]["gpb_income"] == "500.00"
    assert data["t09"]["actual"]["abroad"] == "0.00"
    assert data["unit"]["kind"] == "事业单位"
    assert data["comparisons"]["total"]["prior"] is None or isinstance(
        data["comparisons"]["total"]["prior"], str
    )


def test_dump_json_round_trips_exactly(unit, tmp_path):
    path = tmp_path / "unit.json"
    path.write_text(dump_json(unit), encoding="utf-8")
    loaded = load_input(path)
    assert isinstance(loaded, LoadedInput)
    assert loaded.disclosure == unit
    assert dump_json(loaded.disclosure) == path.read_text(encoding="utf-8")
    assert loaded.sources.is_json and loaded.path == path


def test_dump_json_keeps_every_digit(unit, tmp_path):
    d = unit.model_copy(update={"t01": unit.t01.model_copy(update={"carry_in": Decimal("1.234567")})})
    text = dump_json(d)
    assert '"carry_in": "1.234567"' in text
    path = tmp_path / "digits.json"
    path.write_text(text, encoding="utf-8")
    assert load_input(path).disclosure.t01.carry_in == Decimal("1.234567")


def test_json_numbers_are_read_without_float(tmp_path, unit):
    data = json.loads(dump_json(unit))
    data["t01"]["carry_in"] = 0.1  # a JSON number, not a string
    path = tmp_path / "number.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_input(path).disclosure.t01.carry_in == Decimal("0.1")


@pytest.mark.skipif(not list((REPO / "samples" / "data").glob("*.json")), reason="no samples yet")
def test_reference_samples_json_round_trip(tmp_path):
    for sample in sorted((REPO / "samples" / "data").glob("*.json")):
        first = load_input(sample)
        again = tmp_path / sample.name
        again.write_text(dump_json(first.disclosure), encoding="utf-8")
        second = load_input(again)
        assert model_diff(first.disclosure, second.disclosure) == []
        assert dump_json(second.disclosure) == again.read_text(encoding="utf-8")


def test_json_validation_errors_name_the_json_path(unit, tmp_path):
    data = json.loads(dump_json(unit))
    data["t05"]["rows"][1]["total"] = "-3.00"
    data["unit"]["kind"] = "企业"
    data["t05"]["rows"][0]["code"] = "20A"
    data["unit"]["colour"] = "红"
    del data["unit"]["name"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    messages = _invalid(path)
    assert "t05.rows[1].total：本年支出合计不能为负数，实为 -3.00" in messages or any(
        m.startswith("t05.rows[1].total：") and "不能为负数" in m for m in messages
    )
    assert any(m.startswith("unit.kind：单位性质应为") and "“企业”" in m for m in messages)
    assert any(m.startswith("t05.rows[0].code：科目编码“20A”格式不对") for m in messages)
    assert any(m.startswith("unit.colour：不认识的字段“colour”") for m in messages)
    assert "unit.name：单位名称必须填写" in messages
    assert len(messages) == 5


def test_json_syntax_error_is_unreadable(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"unit": {"name": "某单位",}', encoding="utf-8")
    message = _unreadable(path)
    assert "不是有效的 JSON" in message and "第 1 行" in message


def test_json_not_utf8_is_unreadable(tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes('{"unit": {"name": "某单位"}}'.encode("gbk"))
    assert "UTF-8" in _unreadable(path)


def test_json_top_level_must_be_an_object(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert any("顶层应为一个对象" in m for m in _invalid(path))


def test_write_json_schema(tmp_path):
    path = tmp_path / "schema.json"
    write_json_schema(path)
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["title"] == "Disclosure"
    assert "unit" in schema["properties"] and "t05" in schema["properties"]
    assert "单位名称" in path.read_text(encoding="utf-8")


def test_docs_schema_is_current(tmp_path):
    """docs/schema.json is generated from the model; regenerate it when the model changes
    (``python -c "from generator.inputs import write_json_schema; write_json_schema('docs/schema.json')"``)."""
    path = tmp_path / "schema.json"
    write_json_schema(path)
    assert (REPO / "docs" / "schema.json").read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- files that cannot be opened


def test_text_file_renamed_xlsx(tmp_path):
    path = tmp_path / "决算.xlsx"
    path.write_text("这不是工作簿\n只是一段文字", encoding="utf-8")
    message = _unreadable(path)
    assert "不是 Excel 工作簿" in message


def test_password_protected_workbook(tmp_path):
    path = tmp_path / "加密.xlsx"
    encrypted_ole(path)
    message = _unreadable(path)
    assert "密码" in message and "加密" in message


def test_truncated_workbook(filled, tmp_path):
    path = tmp_path / "truncated.xlsx"
    data = filled.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "损坏或不完整" in _unreadable(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert "不是 Excel 工作簿" in _unreadable(path)


def test_corrupt_part_inside_the_zip(filled, tmp_path):
    path = tmp_path / "corrupt.xlsx"
    with zipfile.ZipFile(filled) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    assert "无法解析" in _unreadable(path) or "损坏" in _unreadable(path)


def test_empty_file_and_missing_file(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert "空的" in _unreadable(empty)
    missing = tmp_path / "missing.xlsx"
    assert "不存在" in _unreadable(missing)


def test_xls_that_is_garbage(tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    _unreadable(path)


@pytest.mark.parametrize("seed", range(6))
def test_random_bytes_never_crash(tmp_path, seed):
    rng = random.Random(seed)
    head = [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{"][seed % 4]
    path = tmp_path / f"random{seed}.xlsx"
    path.write_bytes(head + bytes(rng.getrandbits(8) for _ in range(2000)))
    with pytest.raises(JuesuanError):
        load_input(path)


# ---------------------------------------------------------------------------- data errors


def test_empty_workbook(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    messages = _invalid(path)
    assert messages == [f"{path}：工作簿是空的（所有工作表都没有内容）"]


def test_missing_table(filled, tmp_path):
    wb = openpyxl.load_workbook(filled)
    del wb["公开05表"]
    path = tmp_path / "missing.xlsx"
    wb.save(path)
    messages = _invalid(path)
    assert any("未找到公开05表《一般公共预算财政拨款支出决算表》" in m for m in messages)


def test_text_in_number_cell(filled, tmp_path):
    path = _edit(filled, tmp_path / "text.xlsx", {("公开01表", "C12"): "待定"})
    messages = _invalid(path)
    assert messages == ["公开01表!C12：“经营收入”应为数字，实为“待定”"]


def test_negative_amount(filled, tmp_path):
    path = _edit(filled, tmp_path / "negative.xlsx", {("公开05表", "D8"): -12.5})
    messages = _invalid(path)
    assert messages == ["公开05表!D8：基本支出不能为负数，实为 -12.5"]


def test_negative_where_allowed(filled, tmp_path):
    """结余分配 may be negative (SignedMoney): no error."""
    wb = openpyxl.load_workbook(filled)
    ws = wb["公开01表"]
    row = next(r for r in range(1, 60) if ws.cell(row=r, column=4).value == "结余分配")
    ws.cell(row=row, column=6).value = -1.5
    path = tmp_path / "signed.xlsx"
    wb.save(path)
    assert load_input(path).disclosure.t01.balance_distribution == Decimal("-1.5")


def test_count_must_be_whole(filled, tmp_path):
    wb = openpyxl.load_workbook(filled)
    ws = wb["单位信息"]
    row = next(r for r in range(1, 40) if ws.cell(row=r, column=1).value == "实有人数")
    ws.cell(row=row, column=2).value = 11.5
    path = tmp_path / "count.xlsx"
    wb.save(path)
    assert _invalid(path) == [f"单位信息!B{row}：“实有人数”应为整数，实为“11.5”"]


def test_formula_without_value(filled, tmp_path):
    path = _edit(filled, tmp_path / "formula.xlsx", {("采购与资产", "B4"): "=SUM(B5:B6)"})
    messages = _invalid(path)
    assert len(messages) == 1
    assert messages[0].startswith("采购与资产!B4：公式没有计算结果")
    assert "请用 Excel 或 WPS 打开此文件并保存" in messages[0]


def test_huge_text_cell(filled, tmp_path):
    wb = openpyxl.load_workbook(filled)
    ws = wb["绩效"]
    row = next(r for r in range(1, 40) if ws.cell(row=r, column=1).value == "其他需说明的事项")
    ws.cell(row=row, column=2).value = "长" * 25000
    path = tmp_path / "huge.xlsx"
    wb.save(path)
    assert _invalid(path) == [f"绩效!B{row}：其他需说明的事项太长：最多 20000 字，实为 25000 字"]


def test_bad_code_and_row_without_code(filled, tmp_path):
    path = _edit(
        filled,
        tmp_path / "codes.xlsx",
        {
            ("公开02表", "A9"): "20X03",
            ("公开03表", "A8"): None,
        },
    )
    messages = _invalid(path)
    assert "公开02表!A9：科目编码“20X03”不是数字编码" in messages
    assert any(m.startswith("公开03表!A8：这一行填了金额但没有科目编码") for m in messages)


def test_all_findings_are_collected(filled, tmp_path):
    wb = openpyxl.load_workbook(filled)
    del wb["公开08表"]
    wb["公开01表"]["C12"] = "待定"
    wb["公开05表"]["D8"] = -1
    wb["采购与资产"]["B4"] = "=1+1"
    ws = wb["单位信息"]
    ws["B4"] = None  # 单位名称
    path = tmp_path / "many.xlsx"
    wb.save(path)
    messages = _invalid(path)
    expected = [
        "公开01表!C12：",
        "公开05表!D8：",
        "采购与资产!B4：",
        "单位信息!B4：单位名称必须填写",
        "未找到公开08表",
    ]
    for prefix in expected:
        assert any(prefix in m for m in messages), (prefix, messages)
    assert len(messages) == len(expected)


def test_validation_error_cells_come_from_the_source_map(filled, tmp_path):
    """A pydantic error location is turned into the cell the value was read from."""
    path = _edit(filled, tmp_path / "kind.xlsx", {("单位信息", "B6"): "企业"})
    with pytest.raises(InputInvalid) as info:
        load_input(path)
    (finding,) = info.value.findings
    assert finding.cells == ("单位信息!B6",)
    assert finding.message.startswith("单位信息!B6：单位性质应为") and "“企业”" in finding.message


def test_html_table_saved_as_xls(tmp_path):
    path = tmp_path / "导出.xls"
    path.write_text(
        "<html><body><table><tr><td>收入支出决算总表</td></tr></table></body></html>", encoding="utf-8"
    )
    message = _unreadable(path)
    assert "网页（HTML）" in message and "另存为 .xlsx" in message


@pytest.mark.parametrize("sample", sorted((REPO / "samples" / "data").glob("*.json")), ids=lambda p: p.stem)
def test_committed_sample_workbooks_hold_the_sample_data(sample):
    """samples/<unit>.xlsx is what `juesuan-gen --template … --from samples/data/<unit>.json`
    writes (regenerate with `make sample-workbooks`): reading it gives the same model."""
    workbook = REPO / "samples" / f"{sample.stem}.xlsx"
    assert workbook.is_file(), f"{workbook} missing: run `make sample-workbooks`"
    assert load_input(workbook).disclosure == load_input(sample).disclosure
