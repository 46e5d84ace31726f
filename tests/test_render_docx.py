"""Tests for the DOCX renderer: read the file back with python-docx and check its XML."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Mm
from render_fixtures import UNIT, W_NS, full_document, rendered_full, small_document

from generator.document import Cell, Paragraph, Table
from generator.render.docx import build_docx, write_docx

W = W_NS


def qn(tag: str) -> str:
    prefix, name = tag.split(":")
    assert prefix == "w"
    return W + name


@pytest.fixture(scope="module")
def full_docx() -> Path:
    return rendered_full()[0]


@pytest.fixture(scope="module")
def full(full_docx):
    return docx.Document(str(full_docx))


def _xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


def _table_by_code(d, code: str):
    """The Word table that follows the paragraph holding ``code``."""
    body = d.element.body
    seen = False
    for child in body.iterchildren():
        if child.tag == qn("w:p") and "".join(t.text or "" for t in child.iter(qn("w:t"))).strip() == code:
            seen = True
        elif seen and child.tag == qn("w:tbl"):
            return docx.table.Table(child, d)
    raise AssertionError(f"no table after {code}")


# ------------------------------------------------------------------------------------ tables


def test_every_table_is_a_word_table(full):
    assert len(full.tables) == 11  # nine 公开表 + two 绩效自评表


def test_three_level_header_is_merged_and_repeats(full):
    t = _table_by_code(full, "公开02表")
    rows = t._tbl.tr_lst
    header_rows = [tr for tr in rows if tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None]
    assert header_rows == rows[:3]  # only the header rows, and they come first
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)  # no row splits
    assert len(rows) == 3 + 45
    # 项目 spans the four code/name columns; 本年收入合计 spans the three header rows
    first = rows[0].tc_lst[0]
    assert first.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "4"
    assert t.cell(0, 0)._tc is t.cell(0, 3)._tc
    assert t.cell(0, 4)._tc is t.cell(2, 4)._tc
    assert t.cell(0, 4).text == "本年收入合计"
    assert t.cell(1, 0).text == "功能分类科目编码" and t.cell(2, 2).text == "项"
    vmerge = rows[0].tc_lst[1].tcPr.find(qn("w:vMerge"))
    assert vmerge is not None and vmerge.get(qn("w:val")) == "restart"
    # every row covers the 11 grid columns
    for tr in rows:
        spans = [
            int(tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")))
            if tc.tcPr.find(qn("w:gridSpan")) is not None
            else 1
            for tc in tr.tc_lst
        ]
        assert sum(spans) == 11
    assert len(t._tbl.tblGrid.findall(qn("w:gridCol"))) == 11


def test_amounts_are_right_aligned(full):
    t = _table_by_code(full, "公开02表")
    row = t.rows[4]
    amount = row.cells[-1].paragraphs[0]
    assert re.fullmatch(r"[\d,]+\.\d\d", amount.text)
    assert amount._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "right"
    code = row.cells[0].paragraphs[0]
    assert code._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "left"


def test_table_furniture(full):
    texts = [p.text for p in full.paragraphs]
    i = texts.index("公开01表")
    assert texts[i + 1] == "收入支出决算总表"
    assert texts[i + 2] == f"单位：{UNIT}\t金额单位：万元"
    assert "注：本表反映单位本年度的总收支和年末结转结余情况。" in texts
    assert "说明：本单位本年度无政府性基金预算财政拨款收入、支出及结转和结余，故本表为空表。" in texts
    # each 公开表 starts on a new page (page break, or a new section)
    for n in range(2, 10):
        p = full.paragraphs[texts.index(f"公开0{n}表")]
        ppr = p._p.pPr
        assert ppr.find(qn("w:pageBreakBefore")) is not None or _follows_section_break(full, p), n


def _follows_section_break(d, paragraph) -> bool:
    prev = paragraph._p.getprevious()
    while prev is not None and prev.tag != qn("w:p"):
        prev = prev.getprevious()
    return prev is not None and prev.pPr is not None and prev.pPr.find(qn("w:sectPr")) is not None


def test_self_assessment_table_has_row_and_column_spans(full):
    t = full.tables[0]
    assert t.cell(0, 0).text == "项目名称" and t.cell(0, 0)._tc is t.cell(0, 1)._tc
    assert t.cell(2, 0)._tc is t.cell(5, 0)._tc  # 项目资金（万元） spans four rows
    assert t.cell(8, 0).text == "年度绩效指标完成情况" and t.cell(8, 0)._tc is t.cell(15, 0)._tc
    assert not any(tr.trPr.find(qn("w:tblHeader")) is not None for tr in t._tbl.tr_lst)  # no header rows


# ------------------------------------------------------------------------------------ fonts


def test_styles_name_chinese_fonts_as_east_asian_fonts(full_docx):
    d = docx.Document(str(full_docx))
    styles = d.styles.element
    expected = {
        "Title": "方正小标宋简体",
        "Heading1": "黑体",
        "Heading2": "黑体",
        "Heading3": "楷体_GB2312",
        "JsBody": "仿宋_GB2312",
        "JsTableText": "宋体",
        "JsTableHead": "宋体",
        "Footer": "宋体",
        "TOC1": "黑体",
        "TOC2": "仿宋_GB2312",
    }
    for style_id, font in expected.items():
        el = styles.find(f"{W}style[@{W}styleId='{style_id}']")
        assert el is not None, style_id
        rfonts = el.find(f"{W}rPr/{W}rFonts")
        assert rfonts.get(qn("w:eastAsia")) == font, style_id
        assert rfonts.get(qn("w:ascii")) == "Times New Roman"
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}rFonts").get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(f"{W}lang").get(qn("w:eastAsia")) == "zh-CN"


def test_no_theme_fonts_and_no_japanese_anywhere(full_docx):
    parts = _xml_parts(full_docx)
    for name, xml in parts.items():
        assert not re.search(r"w:(ascii|hAnsi|eastAsia|cs)Theme=", xml, re.IGNORECASE), name
        assert "ja-JP" not in xml, name
        if "theme" not in name:  # the theme lists a font for every script; nothing points at it
            assert "Mincho" not in xml and "明朝" not in xml, name
    settings = parts["word/settings.xml"]
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', settings)
    # every rFonts in styles says which East Asian font to use
    styles = parts["word/styles.xml"]
    for rfonts in re.findall(r"<w:rFonts [^>]*>", styles):
        assert "w:eastAsia=" in rfonts


def test_template_junk_is_dropped(full_docx):
    names = zipfile.ZipFile(full_docx).namelist()
    assert not any("thumbnail" in n or "customXml" in n or "stylesWithEffects" in n for n in names)


def test_every_paragraph_style_exists(full):
    ids = {s.get(qn("w:styleId")) for s in full.styles.element.findall(qn("w:style"))}
    used = {el.get(qn("w:val")) for el in full.element.body.iter(qn("w:pStyle"))}
    assert used and used <= ids


# ------------------------------------------------------------------------------------ sections


def test_landscape_sections_swap_width_and_height(full):
    sections = list(full.sections)
    assert len(sections) >= 2
    first = sections[0]
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert abs(first.page_width - Mm(210)) < Mm(0.5) and abs(first.page_height - Mm(297)) < Mm(0.5)
    assert abs(first.top_margin - Mm(37)) < Mm(0.2) and abs(first.left_margin - Mm(28)) < Mm(0.2)
    assert abs(first.bottom_margin - Mm(35)) < Mm(0.2) and abs(first.right_margin - Mm(26)) < Mm(0.2)
    landscape = [s for s in sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert landscape
    for s in landscape:
        assert s.page_width > s.page_height
        assert abs(s.page_width - Mm(297)) < Mm(0.5)
    for s in sections:
        if s.orientation == WD_ORIENT.PORTRAIT:
            assert s.page_height > s.page_width


def test_page_number_footer(full):
    footer = full.sections[0].footer
    xml = footer._element.xml
    assert "PAGE" in xml and "fldChar" in xml
    assert footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
    assert full.sections[0].different_first_page_header_footer  # no number on the title page
    assert full.sections[0].first_page_footer.paragraphs[0].text == ""
    # later sections inherit the footer
    assert all(s.footer.is_linked_to_previous for s in list(full.sections)[1:])


# ------------------------------------------------------------------------------------ 目录


def test_toc_is_a_prefilled_field(full_docx, full):
    xml = _xml_parts(full_docx)["word/document.xml"]
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-\d" \\f \\h \\z \\u </w:instrText>', xml)
    bookmarks = set(re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', xml))
    refs = re.findall(r"PAGEREF (_Toc\d+) \\h", xml)
    doc = full_document()
    toc = doc.blocks[0]
    assert len(refs) == len(toc.entries)
    assert set(refs) <= bookmarks
    lines = [
        p.text
        for p in full.paragraphs
        if p.style.style_id.startswith("TOC") and p.style.style_id != "TOCHeading"
    ]
    assert len(lines) == len(toc.entries)
    for entry, line in zip(toc.entries, lines, strict=True):
        text, _, page = line.partition("\t")
        assert text == entry.text
        assert page.isdigit() and int(page) >= 2
    numbers = [int(line.rsplit("\t", 1)[1]) for line in lines]
    assert numbers == sorted(numbers)
    tab = full.paragraphs[[p.text for p in full.paragraphs].index(lines[0])]._p.pPr.find(f"{W}tabs/{W}tab")
    assert tab.get(qn("w:leader")) == "dot" and tab.get(qn("w:val")) == "right"


def test_update_fields_is_optional(tmp_path):
    plain = tmp_path / "a.docx"
    asked = tmp_path / "b.docx"
    write_docx(small_document(), plain)
    write_docx(small_document(), asked, update_fields=True)
    assert "updateFields" not in _xml_parts(plain)["word/settings.xml"]
    assert '<w:updateFields w:val="true"/>' in _xml_parts(asked)["word/settings.xml"]


# ------------------------------------------------------------------------------------ misc


def test_core_properties(full):
    cp = full.core_properties
    assert cp.title == full_document().title
    assert cp.author == UNIT
    assert cp.language == "zh-CN"


def test_text_is_kept_literal_and_xml_safe(tmp_path):
    evil = '<img src="file:///etc/passwd"> & “引号” \x07铃'
    doc = small_document(extra=[Paragraph(evil), Table("x", "表", [], [[Cell(evil)]], [1.0])])
    path = tmp_path / "x.docx"
    write_docx(doc, path)
    d = docx.Document(str(path))
    assert '<img src="file:///etc/passwd"> & “引号” 铃' in [p.text for p in d.paragraphs]
    assert d.tables[0].cell(0, 0).text == '<img src="file:///etc/passwd"> & “引号” 铃'


def test_bold_prefix_is_a_bold_run(full):
    p = next(p for p in full.paragraphs if p.text.startswith("一、财政拨款收入："))
    assert p.runs[0].text == "一、财政拨款收入：" and p.runs[0].bold
    assert not p.runs[1].bold


def test_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "out.docx"
    path.write_bytes(b"old")
    from docx.document import Document as DocxDocument

    def broken(self, target):
        Path(target).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(DocxDocument, "save", broken)
    with pytest.raises(OSError):
        write_docx(small_document(), path)
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.docx"]


def test_write_replaces_existing_file(tmp_path):
    path = tmp_path / "out.docx"
    path.write_bytes(b"old")
    write_docx(small_document(), path)
    assert docx.Document(str(path)).core_properties.title == small_document().title
    assert os.listdir(tmp_path) == ["out.docx"]


def test_build_returns_a_document_without_writing():
    d = build_docx(small_document())
    assert d.core_properties.author == "某某单位"


# ------------------------------------------------------------------------------------ LibreOffice


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_the_docx(tmp_path, full_docx):
    src = tmp_path / "full.docx"
    shutil.copy(full_docx, src)
    profile = tmp_path / "lo_profile"
    proc = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / "full.pdf"
    assert proc.returncode == 0, proc.stderr
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
        squashed = re.sub(r"\s+", "", text)
        assert "收入决算表" in squashed and "第一部分单位概况" in squashed
        assert "项目支出绩效自评表" in squashed
    # and python-docx reopens the file unchanged
    assert len(docx.Document(str(src)).tables) == 11
