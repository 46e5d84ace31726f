"""The fast .xlsx reader (generator.workbook.fastxlsx) gives exactly what openpyxl gives.

Every workbook any test reads is also compared by the ``xlsx_readers_agree`` fixture
(tests/conftest.py); here: the samples and workbooks with bad cells are read by the fast
reader itself (not declined), ``--check --json`` is byte-identical with either reader, and the
XML forms a writer other than ours produces (shared and rich strings, cells without
references, errors, booleans, merged cells hiding values, formulas) read the same.
"""

from __future__ import annotations

import datetime
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from clirun import invoke
from factories import make_disclosure
from xlsx_readers import first_difference, grids

from generator.errors import InputInvalid, InputUnreadable, Severity
from generator.inputs import load_input
from generator.workbook import grid, reader, write_template
from generator.workbook.fastxlsx import Unsupported

REPO = Path(__file__).resolve().parents[1]
SAMPLE_BOOKS = sorted((REPO / "samples").glob("*.xlsx"))


def _both(path: Path) -> tuple[grid.Book, grid.Book]:
    """(openpyxl's book, the fast reader's book); the fast reader must not decline."""
    return grid.open_book(path, "openpyxl"), grid.open_book(path, "fast")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fast") / "unit.xlsx"
    write_template(path, make_disclosure())
    return path


@pytest.fixture(scope="module")
def bad_cells(tmp_path_factory, filled) -> Path:
    """The filled workbook saved by openpyxl (shared strings, as Excel writes them) with bad
    cells: text, a boolean and an error value where amounts go, a negative amount."""
    wb = openpyxl.load_workbook(filled)
    wb["公开01表"]["C12"] = "待定"
    wb["公开01表"]["C8"] = True
    wb["公开01表"]["C9"] = "#N/A"
    wb["公开05表"]["D8"] = -12.5
    path = tmp_path_factory.mktemp("fast") / "bad.xlsx"
    wb.save(path)
    return path


def _with_engine(monkeypatch, engine: str) -> None:
    monkeypatch.setattr(reader, "open_book", lambda path: grid.open_book(path, engine))


@pytest.mark.parametrize("path", SAMPLE_BOOKS, ids=lambda p: p.stem)
def test_samples_read_the_same(path):
    slow, fast = _both(path)
    assert first_difference(slow, fast) == ""
    assert sum(len(s.cells) for s in fast.sheets) > 100


def test_bad_cells_are_read_by_the_fast_reader_and_named(bad_cells, monkeypatch):
    slow, fast = _both(bad_cells)
    assert first_difference(slow, fast) == ""
    sheet = fast.sheet("公开01表")
    assert sheet is not None
    assert (sheet.get(12, 3), sheet.get(8, 3), sheet.get(9, 3)) == ("待定", True, "#N/A")
    messages = {}
    for engine in ("openpyxl", "fast"):
        _with_engine(monkeypatch, engine)
        with pytest.raises(InputInvalid) as info:
            load_input(bad_cells)
        messages[engine] = [(f.severity, f.message, f.cells) for f in info.value.findings]
    assert messages["fast"] == messages["openpyxl"]
    errors = [m for s, m, _ in messages["fast"] if s == Severity.ERROR]
    assert "公开01表!C12：“经营收入”应为数字，实为“待定”" in errors
    assert "公开05表!D8：基本支出不能为负数，实为 -12.5" in errors
    assert any(m.startswith("公开01表!C8：") and "逻辑值" in m for m in errors)
    assert any(m.startswith("公开01表!C9：") for m in errors)


def _check_json(monkeypatch, engine: str, path: Path) -> tuple[int, str]:
    _with_engine(monkeypatch, engine)
    result = invoke("--check", "--json", path)
    return result.exit_code, result.stdout


def test_check_json_is_byte_identical_with_either_reader(monkeypatch, filled, bad_cells, tmp_path):
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(bad_cells.read_bytes()[:5000])
    for path in [*SAMPLE_BOOKS, filled, bad_cells, truncated]:
        slow = _check_json(monkeypatch, "openpyxl", path)
        fast = _check_json(monkeypatch, "auto", path)
        assert fast == slow, path.name
        json.loads(fast[1])
    assert _check_json(monkeypatch, "auto", bad_cells)[0] == 1
    assert _check_json(monkeypatch, "auto", truncated)[0] == 2


# ---------------------------------------------------------------------------- XML by hand

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<x:sheets><x:sheet name="公开01表" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="/xl/worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.00_);[Red](#,##0.00)"/>'
    '<numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)
_SST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5">'
    "<si><t>经营收入</t></si>"
    '<si><r><rPr><b/></rPr><t>财政</t></r><r><t xml:space="preserve"> 拨款 </t></r>'
    "<rPh sb=\"0\" eb=\"2\"><t>ざいせい</t></rPh></si>"
    "<si><t>a_x005F_x000D_b</t></si>"
    "<si><t/></si>"
    "<si><t>  </t></si>"
    "</sst>"
)


def _sheet(rows: str, merges: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData>{merges}</worksheet>"
    )


_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>'
    '<row r="2"><c r="A2"><v>2024</v></c><c r="B2" s="1"><v>415.84</v></c><c r="C2" s="2"><v>1E3</v></c>'
    '<c r="D2"><v>123456789012345678901</v></c><c r="E2"><v>-0</v></c><c r="F2"><v></v></c></row>'
    '<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="e"><v>#N/A</v></c><c r="C3" t="str"><v>文字</v></c>'
    '<c r="D3" t="inlineStr"><is><r><t>内联</t></r><r><t>富文本</t></r></is></c>'
    '<c r="E3" t="inlineStr"><is><t>&#21333;&amp;&lt;位&gt;</t></is></c></row>'
    '<row r="4"><c t="inlineStr"><is><t>无引用</t></is></c><c><v>5</v></c><c r="E4"><v>6</v></c><c><v>7</v></c></row>'
    '<row><c><v>8</v></c></row>'
    '<row r="6"><c r="A6" t="inlineStr"><is><t>合并</t></is></c><c r="B6" t="inlineStr"><is><t>藏在合并区中</t></is></c></row>'
    '<row r="7"><c r="A7"><f>SUM(A2:A2)</f><v>2024</v></c><c r="B7"><f>1+1</f></c><c r="C7" t="str"><f>"x"</f><v>x</v></c></row>'
    '<row r="8"><c r="A8"><v>1</v></c><c r="A8"><v>2</v></c></row>'
)


def _package(path: Path, rows: str = _ROWS, merges: str = '<mergeCells count="1"><mergeCell ref="A6:B6"/></mergeCells>',
             extra: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in {
            "[Content_Types].xml": _CT, "_rels/.rels": _RELS, "xl/workbook.xml": _WB,
            "xl/_rels/workbook.xml.rels": _WB_RELS, "xl/styles.xml": _STYLES, "xl/sharedStrings.xml": _SST,
            "xl/worksheets/sheet1.xml": _sheet(rows, merges), **(extra or {}),
        }.items():
            zf.writestr(name, text)
    return path


def test_xml_forms_of_other_writers_read_the_same(tmp_path):
    slow, fast = _both(_package(tmp_path / "forms.xlsx"))
    assert first_difference(slow, fast) == ""
    s = fast.sheets[0]
    assert s.get(1, 2) == "财政 拨款 "  # runs joined, the phonetic run left out
    assert s.get(1, 3) == "a_x000D_b"  # openpyxl drops "x005F_" (an escaped underscore)
    assert (s.get(1, 4), s.get(1, 5)) == (None, None)  # empty and blank text are no values
    assert [type(s.get(2, c)) for c in (1, 2, 3, 4)] == [int, float, float, int]
    assert s.get(2, 4) == 123456789012345678901
    assert (s.get(3, 1), s.get(3, 2), s.get(3, 3), s.get(3, 4), s.get(3, 5)) == (True, "#N/A", "文字", "内联富文本", "单&<位>")
    assert (s.get(4, 1), s.get(4, 2), s.get(4, 5), s.get(4, 6), s.get(5, 1)) == ("无引用", 5, 6, 7, 8)
    assert s.get(6, 2) is None and s.get_merged(6, 2) == "合并"
    assert s.formulas == {(7, 1), (7, 2), (7, 3)}
    assert s.get(8, 1) == 2


def test_number_in_a_date_format_is_left_to_openpyxl(tmp_path):
    path = _package(tmp_path / "date.xlsx", rows='<row r="1"><c r="A1" s="3"><v>45292</v></c></row>', merges="")
    with pytest.raises(Unsupported):
        grid.open_book(path, "fast")
    book = grid.open_book(path)
    assert book.sheets[0].get(1, 1) == datetime.datetime(2024, 1, 1)
    assert first_difference(grid.open_book(path, "openpyxl"), book) == ""


@pytest.mark.parametrize(
    "extra",
    [
        {"xl/drawings/drawing1.xml": "<wsDr/>"},  # a part the fast reader does not know
        {"docProps/core.xml": "<coreProperties>"},  # not well-formed
        {"docProps/app.xml": '<!DOCTYPE p [<!ENTITY a "aaaa">]><p>&a;</p>'},  # a DTD: entity tricks
    ],
)
def test_unusual_packages_are_left_to_openpyxl(tmp_path, extra):
    path = _package(tmp_path / "unusual.xlsx", extra=extra)
    with pytest.raises(Exception):
        grid.open_book(path, "fast")

    def outcome(engine: str) -> object:
        try:
            return grids(grid.open_book(path, engine))
        except InputUnreadable as exc:
            return str(exc)

    assert outcome("auto") == outcome("openpyxl")


def test_malformed_sheet_is_refused_as_before(tmp_path):
    path = _package(tmp_path / "malformed.xlsx", rows='<row r="1"><c r="A1"><v>1</v></row>')
    with pytest.raises(Exception):
        grid.open_book(path, "fast")
    with pytest.raises(Exception) as slow:
        grid.open_book(path, "openpyxl")
    with pytest.raises(Exception) as auto:
        grid.open_book(path)
    assert str(auto.value) == str(slow.value)
    assert "无法解析" in str(auto.value)
