"""The nine 公开表 as a workbook: official layout, numbers as numbers, print set-up, and
the project's own reader reads them back to the same tables."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from conftest import load_sample, sample_paths
from render_fixtures import small_document

from generator.document import Cell, Table
from generator.model import Disclosure
from generator.render.layout import is_amount
from generator.render.xlsx import AMOUNT_FORMAT, PERCENT_FORMAT, PUBLIC_TABLES, XlsxRenderer
from generator.report import build_document
from generator.workbook.reader import read_workbook

SAMPLES = sample_paths()


@pytest.fixture(scope="module", params=SAMPLES, ids=[p.stem for p in SAMPLES])
def published(request, tmp_path_factory):
    d = load_sample(request.param)
    doc = build_document(d)
    path = tmp_path_factory.mktemp("xlsx") / "公开表.xlsx"
    assert XlsxRenderer().write(doc, path) == []
    return d, doc, path


def test_reader_reads_back_the_same_nine_tables(published):
    d, _, path = published
    data = read_workbook(path)
    # the file has only the nine tables: the reader misses 单位信息 and the other input sheets,
    # and nothing about the tables
    assert not [f for f in data.findings if any(k in f.message for k in ("公开0", "表头", "科目", "栏"))]
    read = 0
    for key in PUBLIC_TABLES:
        model = Disclosure.model_fields[key].annotation
        # a table whose amounts are all blank (an empty 公开09表) reads as no values: zeros
        assert model.model_validate(data.raw.get(key, {})) == getattr(d, key), key
        read += key in data.raw
    assert read >= 8


def test_one_sheet_per_table_in_the_official_layout(published):
    _, doc, path = published
    wb = openpyxl.load_workbook(path)
    tables = [t for t in doc.tables() if t.key in PUBLIC_TABLES]
    assert wb.sheetnames == [t.code for t in tables] == [f"公开{i:02d}表" for i in range(1, 10)]
    for t in tables:
        ws = wb[t.code]
        col_a = [ws.cell(r, 1).value for r in range(1, 6)]
        assert col_a[0] == t.code and col_a[1] == t.title
        assert f"单位：{t.unit_name}" in col_a
        assert t.money_unit in [c.value for row in ws.iter_rows(max_row=5) for c in row]
        spans = sum(c.colspan > 1 or c.rowspan > 1 for row in t.header + t.body for c in row)
        lines = 3 + bool(t.note) + bool(t.empty_note)  # code, title, unit line (when they span)
        assert len(ws.merged_cells.ranges) >= spans + 2
        assert len(ws.merged_cells.ranges) <= spans + lines + 1
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        # every header cell, 栏次 included, as in the published table
        assert [c.text for row in t.header for c in row if c.text] == [
            ws.cell(r, c).value for r in range(4 + bool(t.subtitle), 4 + bool(t.subtitle) + len(t.header))
            for c in range(1, t.columns + 1) if ws.cell(r, c).value
        ]
        if t.note:
            assert t.note in texts
        if t.empty_note:
            assert t.empty_note in texts


def test_amounts_are_numbers_in_wan_yuan_format(published):
    _, doc, path = published
    wb = openpyxl.load_workbook(path)
    checked = 0
    for t in (t for t in doc.tables() if t.key in PUBLIC_TABLES):
        ws = wb[t.code]
        top = 4 + bool(t.subtitle) + len(t.header)  # code, title, unit line, header rows
        for r, row in enumerate(t.body):
            for cell in row:
                if not is_amount(cell.text):
                    continue
                found = [
                    c for c in ws[top + r]
                    if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
                ]
                expected = Decimal(cell.text.replace(",", "").rstrip("%"))
                if cell.text.endswith("%"):
                    expected /= 100
                assert any(Decimal(str(c.value)) == expected for c in found), (t.code, r, cell.text)
                fmt = PERCENT_FORMAT if cell.text.endswith("%") else AMOUNT_FORMAT
                assert all(c.number_format in (AMOUNT_FORMAT, PERCENT_FORMAT) for c in found)
                assert any(c.number_format == fmt for c in found)
                checked += 1
    assert checked > 20


def test_print_setup_follows_the_pdf(published):
    _, doc, path = published
    wb = openpyxl.load_workbook(path)
    for t in (t for t in doc.tables() if t.key in PUBLIC_TABLES):
        ws = wb[t.code]
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
        assert ws.page_setup.orientation == ("landscape" if t.landscape else "portrait")
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        first = 4 + bool(t.subtitle)
        assert ws.print_title_rows == f"${first}:${first + len(t.header) - 1}"


def test_text_is_never_a_formula(tmp_path):
    doc = small_document()
    evil = '=HYPERLINK("http://x.example/","点击")'
    doc.add(
        Table(
            key="t01", code="公开01表", title="收入支出决算总表", unit_name=evil,
            header=[[Cell("项目"), Cell("决算数")]], body=[[Cell(evil), Cell("-1,234.50")], [Cell("+1"), Cell("12.50%")]],
            widths=[2, 1], note="@SUM(A1)",
        )
    )
    path = tmp_path / "x.xlsx"
    XlsxRenderer().write(doc, path)
    ws = openpyxl.load_workbook(path)["公开01表"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert evil in values and f"单位：{evil}" in values and "@SUM(A1)" in values and "+1" in values
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert -1234.5 in values and 0.125 in values


def test_a_draft_says_so_on_every_sheet(tmp_path):
    doc = small_document()
    doc.mark = "草稿"
    path = tmp_path / "x.xlsx"
    XlsxRenderer().write(doc, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["公开05表"]
    assert all(ws.oddHeader.center.text == "草稿" for ws in wb.worksheets)


def test_no_public_table_is_an_error(tmp_path):
    from generator.document import Document
    from generator.errors import RenderError

    with pytest.raises(RenderError, match="没有公开表"):
        XlsxRenderer().write(Document("标题", "单位", 2024), tmp_path / "x.xlsx")
    assert not list(tmp_path.iterdir())
