"""Tests for the renderer-neutral parts: typography, table grids, anchors, page estimate."""

from __future__ import annotations

import pytest
from render_fixtures import full_document, small_document, table_t02, table_t09

from generator.document import Cell, Document, Heading, Paragraph, Table, Toc, TocEntry
from generator.render.layout import cell_align, clean_text, is_amount, prepare, table_grid, title_lines
from generator.render.paginate import estimate_pages
from generator.render.style import CHINESE_SIZES, TYPOGRAPHY, mm_to_twips, pt_to_twips

# ------------------------------------------------------------------------------------ style


def test_page_follows_gbt9704():
    p = TYPOGRAPHY.portrait
    assert (p.width_mm, p.height_mm) == (210, 297)
    assert (p.top_mm, p.bottom_mm, p.left_mm, p.right_mm) == (37, 35, 28, 26)
    assert p.text_width_mm == pytest.approx(156)
    assert p.text_height_mm == pytest.approx(225)
    # 22 lines of 28 pt
    assert int(p.text_height_pt // TYPOGRAPHY.style("body").line_pt) == 22


def test_landscape_page_is_wider_than_high():
    page = TYPOGRAPHY.landscape
    assert page.landscape and page.width_mm > page.height_mm


def test_type_sizes_and_roles():
    s = TYPOGRAPHY.styles
    assert s["title"].size_pt == CHINESE_SIZES["二号"] == 22
    assert s["title"].role == "title" and s["title"].align == "center"
    assert (s["heading1"].role, s["heading1"].size_pt) == ("heading1", 16)  # 第X部分: 黑体 三号
    assert (s["heading2"].role, s["heading2"].size_pt) == ("heading1", 16)  # 一、: 黑体 三号
    assert (s["heading3"].role, s["heading3"].bold) == ("heading2", False)  # （一）: 楷体 三号
    assert (s["body"].role, s["body"].size_pt, s["body"].indent_chars) == ("body", 16, 2)
    assert 28 <= s["body"].line_pt <= 29
    assert 9 <= s["table_text"].size_pt <= 10.5 and s["table_text"].role == "table"
    assert [TYPOGRAPHY.heading_style(n).outline_level for n in (1, 2, 3, 4)] == [1, 2, 3, 4]


def test_footer_sits_below_the_type_area():
    page = TYPOGRAPHY.portrait
    footer = TYPOGRAPHY.footer_distance_mm(page)
    assert 5 <= footer < page.bottom_mm - TYPOGRAPHY.page_number_gap_mm


def test_unit_conversions():
    assert pt_to_twips(16) == 320
    assert mm_to_twips(25.4) == 1440


def test_unknown_style_is_named():
    with pytest.raises(KeyError, match="unknown text style"):
        TYPOGRAPHY.style("nope")


# ------------------------------------------------------------------------------------ grids


def test_grid_of_a_three_level_header():
    t = table_t02(5)
    grid = table_grid(t.header, t.columns)
    assert [len(r) for r in grid.rows] == [8, 9, 11]  # origins + continuations, by row
    top = grid.rows[0]
    assert (top[0].cell.text, top[0].col, top[0].colspan) == ("项目", 0, 4)
    assert (top[1].cell.text, top[1].rowspan) == ("本年收入合计", 3)
    # row 3 carries the continuations of 科目名称 (rowspan 2) and the seven amount columns
    cont = [s for s in grid.rows[2] if s.continued]
    assert [s.col for s in cont] == list(range(3, 11))
    assert [s.cell.text for s in grid.origins(2)] == ["类", "款", "项"]
    # 科目名称 (rowspan 2) continues in row 3 at column 3
    assert any(s.continued and s.col == 3 and s.cell.text == "科目名称" for s in grid.rows[2])


def test_grid_fills_short_rows_and_rejects_long_ones():
    grid = table_grid([[Cell("a")], [Cell("b", colspan=2), Cell("c")]], 3)
    assert [(s.col, s.colspan, s.filler) for s in grid.rows[0]] == [(0, 1, False), (1, 2, True)]
    assert [(s.col, s.colspan) for s in grid.rows[1]] == [(0, 2), (2, 1)]
    with pytest.raises(ValueError, match="多于 2 列"):
        table_grid([[Cell("a"), Cell("b"), Cell("c")]], 2)


def test_grid_cuts_rowspans_at_the_end():
    grid = table_grid([[Cell("a", rowspan=5), Cell("b")], [Cell("c")]], 2)
    assert grid.rows[0][0].rowspan == 2
    assert grid.rows[1][0].continued and grid.rows[1][1].cell.text == "c"


def test_grid_of_the_sangong_table_has_twelve_columns_in_every_row():
    t = table_t09()
    grid = table_grid(t.header, t.columns)
    for row in grid.rows:
        assert sum(s.colspan for s in row) == 12


def test_amounts_are_right_aligned_but_codes_are_not():
    assert is_amount("1,234.56") and is_amount("-3.32%") and is_amount("100.00%") and is_amount("0.00")
    assert not is_amount("2010350") and not is_amount("11") and not is_amount("—") and not is_amount("")
    assert cell_align(Cell("1,234.56"), header=False) == "right"
    assert cell_align(Cell("2010350"), header=False) == "left"
    assert cell_align(Cell("1,234.56", align="center"), header=False) == "center"
    assert cell_align(Cell("1.00"), header=True) == "left"


def test_clean_text_drops_characters_xml_cannot_hold():
    assert clean_text("a\x00b\x07c\r\nd\te") == "abc\nd\te"


def test_title_breaks_after_the_unit_name():
    width = TYPOGRAPHY.portrait.text_width_pt
    assert title_lines(
        "乌鲁木齐市政务服务中心2024年单位决算公开说明", "乌鲁木齐市政务服务中心", width, 22
    ) == ["乌鲁木齐市政务服务中心", "2024年单位决算公开说明"]
    assert title_lines("某局2024年单位决算公开说明", "某局", width, 22) == ["某局2024年单位决算公开说明"]
    assert title_lines("很长" * 20, "很长", width, 22) == ["很长" * 20]


# ------------------------------------------------------------------------------------ prepare


def test_prepare_resolves_toc_entries_by_anchor_and_by_text():
    doc = Document("T", "U", 2024)
    doc.add(
        Toc([TocEntry(1, "第一部分", "p-1"), TocEntry(2, "一、职能", ""), TocEntry(2, "不存在", "nowhere")])
    )
    doc.add(Heading(1, "第一部分", anchor="p-1"))
    doc.add(Heading(2, "一、职能"))
    doc.add(Heading(2, "一、职能"))  # same text: first one wins
    prepared = prepare(doc)
    toc = prepared.items[0]
    anchors = [e.anchor for e in toc.entries]
    assert anchors[0] == "p-1"
    assert anchors[1] == prepared.items[2].anchor
    assert anchors[2] is None
    assert len(set(prepared.anchors)) == 3  # unique anchors


def test_prepare_makes_anchors_safe_and_unique():
    doc = Document("T", "U", 2024)
    doc.add(Heading(1, "A", anchor="第 1 部分"))
    doc.add(Heading(1, "B", anchor="第 1 部分"))
    a, b = prepare(doc).anchors
    assert a != b and all(ch.isascii() and not ch.isspace() for ch in a + b)


def test_table_bookmark_level_follows_the_heading_above():
    prepared = prepare(full_document())
    tables = {i.table.key: i for i in prepared.items if hasattr(i, "table")}
    assert tables["t01"].bookmark_level == 2  # under 第四部分
    assert tables["perf1"].bookmark_level is None  # no title of its own


# ------------------------------------------------------------------------------------ estimate


def test_page_estimate_orders_and_counts_pages():
    prepared = prepare(full_document())
    est = estimate_pages(prepared)
    pages = [est.pages[a] for a in prepared.anchors]
    assert pages == sorted(pages)  # monotone in reading order
    assert est.pages["part1"] >= 2  # the body starts after the title and 目录
    assert 20 <= est.total <= 30
    # each 公开表 starts on a new page
    codes = [est.pages[f"table-t0{n}"] for n in range(1, 10)]
    assert len(set(codes)) == 9


def test_page_estimate_of_a_small_document():
    est = estimate_pages(prepare(small_document(extra=[Paragraph("正文" * 10)])))
    assert est.pages["a1"] == 2  # after the 目录 page
    assert est.total == 3  # the landscape table gets its own page


def test_table_width_sum_is_used_relatively():
    t = Table("k", "T", [], [[Cell("x"), Cell("y")]], widths=[0, 0])
    prepared = prepare(Document("T", "U", 2024, [t]))
    assert estimate_pages(prepared).total == 2
