"""How the documents look, page by page: the layout rules a reviewer checks, read back from the
produced PDF and DOCX of the samples.

* a heading right above a table that starts a new page stands on that page with it (the 上海
  “第二部分 …部门决算表” is not left alone on a page or at the foot of the text);
* a table's PDF bookmark says what the 目录 says of it;
* the 乌鲁木齐 list of the nine tables (第四部分) is not split across two pages;
* a 绩效自评表 that fits on a page is not split across two;
* an all-blank row of a table (the all-zero 公开09表) keeps the height of a line;
* lines of Chinese text are laid out at their pitch (28 pt: 22 lines a page, as in Word);
* the DOCX adds no space between Chinese and digits (so its lines break where the PDF's do).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES_DIR, load_sample
from pypdf import PdfReader
from render_fixtures import pdf_page_texts, shared_renderer, squash

from generator.document import Document, Heading, Paragraph, Table, Toc
from generator.render.docx import write_docx
from generator.render.layout import PreparedHeading, PreparedTable, prepare
from generator.report import build_document

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

SHANGHAI = "上海市普陀区财政局"
URUMQI = "乌鲁木齐市政务服务中心"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@functools.lru_cache(maxsize=None)
def _rendered(name: str, tmp: str) -> tuple[Path, Path]:
    doc = build_document(load_sample(SAMPLES_DIR / f"{name}.json"))
    pdf, docx = Path(tmp) / f"{name}.pdf", Path(tmp) / f"{name}.docx"
    shared_renderer().write(doc, pdf)
    write_docx(doc, docx)
    return pdf, docx


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("look"))


@pytest.fixture(scope="module")
def shanghai(workdir) -> tuple[Path, Path]:
    return _rendered(SHANGHAI, workdir)


@pytest.fixture(scope="module")
def urumqi(workdir) -> tuple[Path, Path]:
    return _rendered(URUMQI, workdir)


def _pages(pdf: Path) -> list[str]:
    return [squash(p) for p in pdf_page_texts(pdf)]


def _outline(pdf: Path) -> list[str]:
    reader = PdfReader(str(pdf))
    titles: list[str] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def _docx_body(docx: Path):
    from lxml import etree

    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return root.find(f"{W}body")


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


# ------------------------------------------------------------------ heading above a new-page table


def test_prepare_moves_the_headings_above_a_new_page_table_onto_its_page():
    doc = Document(title="t", author="u", year=2024)
    doc.add(Heading(1, "第一部分 概况"))
    doc.add(Paragraph("正文。"))
    doc.add(Heading(1, "第二部分 决算表"))
    doc.add(Heading(2, "一、收入支出决算总表"))
    doc.add(Table(key="t01", title="收入支出决算总表", header=[], body=[], widths=[1.0], new_page=True))
    doc.add(Heading(1, "第三部分 说明"))
    doc.add(Paragraph("正文。"))
    doc.add(Table(key="t02", title="收入决算表", header=[], body=[], widths=[1.0], new_page=True, landscape=True))
    items = prepare(doc).items
    headings = [i for i in items if isinstance(i, PreparedHeading)]
    tables = [i for i in items if isinstance(i, PreparedTable)]
    assert [(h.heading.text, h.page_kind, h.opens_page) for h in headings] == [
        ("第一部分 概况", "text", False),
        ("第二部分 决算表", "table", True),
        ("一、收入支出决算总表", "table", False),
        ("第三部分 说明", "text", False),  # a paragraph stands between it and the table
    ]
    assert [t.led for t in tables] == [True, False]


def test_part_heading_stands_on_the_first_tables_page_in_the_pdf(shanghai):
    pages = _pages(shanghai[0])
    heading = squash(f"第二部分 {SHANGHAI}2024年度部门决算表")
    body = [n for n, p in enumerate(pages) if n > 1 and heading in p]
    assert len(body) == 1, body
    page = pages[body[0]]
    # the heading, then the first table on the same page; the page before does not end with it
    assert page.index(heading) < page.index("收入支出决算总表") < page.index("本年收入合计")
    assert heading not in pages[body[0] - 1]


def test_part_heading_opens_the_first_tables_section_in_the_docx(shanghai):
    body = _docx_body(shanghai[1])
    paragraphs = list(body.iter(f"{W}p"))
    heading = f"第二部分 {SHANGHAI}2024年度部门决算表"
    index = next(i for i, p in enumerate(paragraphs) if _text(p) == heading)
    # the section before ends right above the heading (with or without an empty carrier line)
    before = paragraphs[index - 1]
    assert before.find(f"{W}pPr/{W}sectPr") is not None
    # …and no section ends between the heading and the table's title
    title = next(i for i, p in enumerate(paragraphs) if i > index and _text(p) == "收入支出决算总表")
    assert all(p.find(f"{W}pPr/{W}sectPr") is None for p in paragraphs[index:title])


# ------------------------------------------------------------------ bookmarks say what the 目录 says


def test_table_bookmarks_are_the_toc_entries(shanghai, urumqi):
    titles = _outline(shanghai[0])
    assert "一、收入支出决算总表" in titles and "九、国有资本经营预算财政拨款收入支出决算表" in titles
    assert "收入支出决算总表" not in titles
    # the heading worded otherwise in the 目录 ([toc] of the format) and without its full stop
    assert "（一）“三公”经费财政拨款支出决算总体情况说明" in titles
    assert "十一、其他重要事项说明" in titles
    titles = _outline(urumqi[0])
    assert "一、《收入支出决算总表》" in titles and "九、《财政拨款“三公”经费支出决算表》" in titles
    assert not [t for t in titles if t.startswith("公开0")]
    # the two 绩效自评表 (not in the 目录) are told apart by their projects
    projects = [t for t in titles if t.startswith("项目支出绩效自评表")]
    assert len(projects) == 2 and len(set(projects)) == 2
    assert "项目支出绩效自评表（2024年政务服务运行维护费）" in projects


def test_toc_entries_fit_on_one_line(shanghai):
    out = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "2", str(shanghai[0]), "-"], capture_output=True, check=True, text=True
    ).stdout
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    # every entry ends with its page number on its own line (no entry wraps before its leader)
    entries = [line for line in lines if re.match(r"^(第.部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", line)]
    assert len(entries) >= 30
    assert all(re.search(r"\d+$", line) for line in entries), [e for e in entries if not re.search(r"\d+$", e)]


# ------------------------------------------------------------------ lists and tables kept whole


def _list_entries(pages: list[str]) -> dict[int, int]:
    """page → how many of the nine “X、《…》” list lines of 第四部分 it holds (目录 pages left out)."""
    found: dict[int, int] = {}
    for n, page in enumerate(pages):
        if n < 2:
            continue
        count = len(re.findall(r"[一二三四五六七八九]、《", page))
        if count:
            found[n + 1] = count
    return found


def test_list_of_tables_is_on_one_page(urumqi):
    assert list(_list_entries(_pages(urumqi[0])).values()) == [9]
    body = _docx_body(urumqi[1])
    items = [
        p
        for p in body.iter(f"{W}p")
        if re.match(r"^[一二三四五六七八九]、《", _text(p))
        and not (p.find(f"{W}pPr/{W}pStyle") is not None and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val").startswith("TOC"))
    ]
    assert len(items) == 9
    keeps = [p.find(f"{W}pPr/{W}keepNext") is not None for p in items]
    assert keeps == [True] * 8 + [False]


def test_self_assessment_tables_are_not_split(urumqi):
    pages = _pages(urumqi[0])
    title = re.compile(r"项目支出绩效自评表[（(]2024年度[）)]")
    on = [n for n, p in enumerate(pages) if title.search(p)]
    assert len(on) == 2
    for n in on:
        page = pages[n]
        # the table's title and its closing 总分 row on the same page
        assert "总分" in page[title.search(page).end() :]
    # DOCX: every row of a 绩效自评表 but its last keeps with the next
    body = _docx_body(urumqi[1])
    tables = [t for t in body.iter(f"{W}tbl") if "总分" in _text(t) and "一级指标" in _text(t)]
    assert len(tables) == 2
    for t in tables:
        rows = t.findall(f"{W}tr")
        kept = [r.find(f".//{W}pPr/{W}keepNext") is not None for r in rows]
        assert kept[:-1] == [True] * (len(rows) - 1) and kept[-1] is False


def test_empty_row_keeps_a_lines_height(urumqi):
    """The all-zero 公开09表: its one body row of blank cells is as tall as a row with text."""
    doc = build_document(load_sample(SAMPLES_DIR / f"{URUMQI}.json"))
    rendered = shared_renderer().render(doc)
    rows: list[tuple[str, float]] = []

    def walk(box, table_id: str | None, group: str) -> None:
        element = getattr(box, "element", None)
        if element is not None and element.tag == "section" and element.get("id"):
            table_id = element.get("id")
        if type(box).__name__ == "TableRowGroupBox" and element is not None:
            group = element.tag
        if type(box).__name__ == "TableRowBox" and table_id == "t09":
            rows.append((group, box.height))
            return
        for child in getattr(box, "children", []):
            walk(child, table_id, group)

    for page in rendered.pages:
        walk(page._page_box, None, "")
    head = [h for tag, h in rows if tag == "thead"]
    body = [h for tag, h in rows if tag == "tbody"]
    assert len(body) == 1
    assert body[0] >= min(head) - 0.01


# ------------------------------------------------------------------ line pitch


def _line_tops(pdf: Path, page: int) -> list[float]:
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-"],
        capture_output=True, check=True, text=True,
    ).stdout
    return [float(y) for y in re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)"', out)]


def test_chinese_lines_keep_their_pitch(tmp_path):
    """28 pt lines of Chinese text are 28 pt apart, 22 of them on a page (GB/T 9704, and what
    Word lays out from the DOCX's exact line spacing)."""
    doc = Document(title="标题", author="单位", year=2024)
    doc.add(Toc())
    doc.add(Heading(1, "第一部分 概况"))
    doc.add(Paragraph("财政拨款收入支出决算总体情况说明" * 100))
    pdf = tmp_path / "pitch.pdf"
    shared_renderer().write(doc, pdf)
    assert len(PdfReader(str(pdf)).pages) == 4
    tops = _line_tops(pdf, 3)  # a page full of the paragraph (title and 目录, heading page, full, rest)
    gaps = {round(b - a, 2) for a, b in zip(tops, tops[1:])}  # (the page number is drawn, not text)
    assert gaps == {28.0}, gaps
    assert len(tops) == 22


def test_docx_adds_no_space_between_chinese_and_digits(urumqi):
    with zipfile.ZipFile(urumqi[1]) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
    body = re.search(r'<w:style [^>]*w:styleId="JsBody".*?</w:style>', styles, re.S)
    assert body and '<w:autoSpaceDE w:val="0"/>' in body.group(0) and '<w:autoSpaceDN w:val="0"/>' in body.group(0)


# ------------------------------------------------------------------ a table kept on its page


def _grid_table(rows: int, key: str = "t06") -> Table:
    from generator.document import Cell

    return Table(
        key=key,
        title="一般公共预算财政拨款基本支出决算表",
        header=[[Cell("科目名称"), Cell("决算数")]],
        body=[[Cell(f"科目{i}"), Cell("1.00")] for i in range(rows)],
        widths=[3.0, 1.0],
        note="注：本表反映本年度情况。",
    )


def _rows_per_page() -> int:
    """How many one-line rows fill an upright table page below its title lines (estimate)."""
    for n in range(10, 80):
        doc = Document(title="t", author="u", year=2024)
        doc.add(_grid_table(n))
        item = next(i for i in prepare(doc).items if isinstance(i, PreparedTable))
        if item.compact:  # the first length that overflows by a row
            return n - 1
    raise AssertionError("no table was set close")


def test_fit_tables_sets_close_only_a_table_that_would_leave_a_few_rows():
    full = _rows_per_page()

    def compact(rows: int) -> bool:
        doc = Document(title="t", author="u", year=2024)
        doc.add(_grid_table(rows))
        return next(i for i in prepare(doc).items if isinstance(i, PreparedTable)).compact

    assert not compact(full)  # fits as it is
    assert compact(full + 1) and compact(full + 3)  # a few rows would go over: set close
    assert not compact(full + 20)  # a long table breaks as usual


def test_fixed_shell_table_is_kept_on_its_page(shanghai):
    """The 上海 公开06表 (a shell of about 40 rows) left its last 3 rows and 合计 on a page."""
    pages = _pages(shanghai[0])
    title = "一般公共预算财政拨款基本支出决算表"
    on = [n for n, p in enumerate(pages) if n > 1 and p.startswith(title)]
    assert len(on) == 1
    page = pages[on[0]]
    assert "人员经费合计" in page and "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况" in page
    assert "人员经费合计" not in pages[on[0] + 1]
    # the DOCX sets the same table close: smaller top and bottom cell margins
    body = _docx_body(shanghai[1])
    margins = {}
    for tbl in body.iter(f"{W}tbl"):
        top = tbl.find(f"{W}tblPr/{W}tblCellMar/{W}top")
        margins["t06" if "人员经费合计" in _text(tbl) else len(margins)] = int(top.get(f"{W}w"))
    assert margins["t06"] < min(v for k, v in margins.items() if k != "t06")


def test_subject_code_header_is_on_one_line():
    """公开05表 is upright: its code column still holds “功能分类科目编码” on one line."""
    from generator.render.style import TYPOGRAPHY, mm_to_pt

    doc = build_document(load_sample(SAMPLES_DIR / f"{URUMQI}.json"))
    t05 = next(i for i in prepare(doc).items if isinstance(i, PreparedTable) and i.table.key == "t05")
    widths = t05.table.widths
    page = TYPOGRAPHY.page(t05.page_kind)
    column = widths[0] / sum(widths) * page.text_width_pt - 2 * mm_to_pt(TYPOGRAPHY.table_pad_x_mm)
    assert column >= len("功能分类科目编码") * t05.font_size
